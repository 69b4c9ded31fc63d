using System.Buffers;
using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Framing;

/// <summary>
/// A growable byte buffer that holds a sequence of encoded frames (one protocol message each) and
/// remembers where each ends. The engine appends its events here; the caller reads them by index
/// and clears the buffer for reuse, so steady-state use allocates nothing.
/// A buffer rented from a <see cref="FrameBufferPool"/> can be shared: each reader that keeps it
/// past the call it was given in takes a reference (<see cref="TryShare"/>) and releases it when
/// done; the buffer goes back to its pool, cleared, when the last reference is released.
/// </summary>
public sealed class FrameBuffer : IBufferWriter<byte>
{
    private byte[] _data;
    private int _length;
    private int[] _ends;
    private int _count;
    private FrameBufferPool? _pool;
    private int _references;

    /// <summary>Takes a reference to a pooled buffer; false for a buffer of no pool (the caller copies instead).</summary>
    public bool TryShare()
    {
        if (_pool is null) return false;
        Interlocked.Increment(ref _references);
        return true;
    }

    /// <summary>Drops a reference (the renter's, or one taken by <see cref="TryShare"/>); the last one returns the buffer to its pool.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left > 0) return;
        if (left < 0) throw new InvalidOperationException("a frame buffer was released more often than it was shared");
        Clear();
        _pool!.Return(this);
    }

    /// <summary>Called by the pool when it hands the buffer out: one reference, the renter's.</summary>
    internal void Rented(FrameBufferPool pool)
    {
        _pool = pool;
        _references = 1;
    }

    public FrameBuffer(int initialBytes = 64 * 1024, int initialFrames = 1024)
    {
        _data = new byte[Math.Max(initialBytes, ProtocolCodec.MaxMessageSize)];
        _ends = new int[Math.Max(initialFrames, 4)];
    }

    /// <summary>A copy of the frames in a buffer of no pool (for a batch kept past its release, such as a catch-up).</summary>
    public FrameBuffer Copy()
    {
        var copy = new FrameBuffer(Math.Max(_length, 1), Math.Max(_count, 1));
        WrittenSpan.CopyTo(copy._data);
        _ends.AsSpan(0, _count).CopyTo(copy._ends);
        copy._length = _length;
        copy._count = _count;
        return copy;
    }

    /// <summary>Number of complete frames.</summary>
    public int Count => _count;

    /// <summary>Bytes of complete frames and of a frame being written.</summary>
    public int Length => _length;

    /// <summary>All bytes written, frames back to back.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _data.AsSpan(0, _length);

    /// <summary>Frame <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) ThrowHelper.ArgumentOutOfRange(nameof(index));
            int start = index == 0 ? 0 : _ends[index - 1];
            return _data.AsSpan(start, _ends[index] - start);
        }
    }

    /// <summary>Frame <paramref name="index"/> as memory (for handing to async writers).</summary>
    public ReadOnlyMemory<byte> GetFrameMemory(int index)
    {
        if ((uint)index >= (uint)_count) ThrowHelper.ArgumentOutOfRange(nameof(index));
        int start = index == 0 ? 0 : _ends[index - 1];
        return _data.AsMemory(start, _ends[index] - start);
    }

    /// <summary>Appends one message as a frame.</summary>
    public void Write<T>(in T message) where T : struct, IProtocolMessage<T>
    {
        var w = new MessagePackWriter(GetSpan(ProtocolCodec.MaxMessageSize));
        message.Encode(ref w);
        Advance(w.Position);
        EndFrame();
    }

    /// <summary>Appends already-encoded bytes as a frame.</summary>
    public void WriteFrame(ReadOnlySpan<byte> frame)
    {
        frame.CopyTo(GetSpan(frame.Length));
        Advance(frame.Length);
        EndFrame();
    }

    /// <summary>Marks everything advanced since the previous frame as one frame.</summary>
    public void EndFrame()
    {
        if (_count == _ends.Length) Array.Resize(ref _ends, _ends.Length * 2);
        _ends[_count++] = _length;
    }

    public void Clear()
    {
        _length = 0;
        _count = 0;
    }

    public void Advance(int count)
    {
        if (count < 0 || _length + count > _data.Length) ThrowHelper.ArgumentOutOfRange(nameof(count));
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsSpan(_length);
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_data.Length - _length < needed)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _length + needed));
        }
    }
}

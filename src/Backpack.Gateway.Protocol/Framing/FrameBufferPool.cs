namespace Backpack.Gateway.Protocol.Framing;

/// <summary>
/// The outbound event ring, as a bounded pool of batch buffers: the engine writes a batch's events
/// once into a rented buffer, every consumer reads that same buffer (a consumer that reads later,
/// on its own dispatcher thread, shares it instead of copying), and the buffer comes back when the
/// last reader is done. When every buffer is still held (a consumer is the whole pool behind), the
/// engine waits in <see cref="Rent"/>: a slow dispatcher slows matching; no event is dropped and
/// memory stays bounded. A consumer that may fall far behind without slowing trading (the history
/// projection) copies instead and drops what its own bound cannot hold.
/// </summary>
public sealed class FrameBufferPool
{
    private readonly Queue<FrameBuffer> _free = new();
    private readonly object _lock = new();
    private long _waits;

    /// <param name="buffers">batches in flight at most (written and not yet read by every consumer)</param>
    public FrameBufferPool(int buffers, int initialBytes = 64 * 1024, int initialFrames = 1024)
    {
        if (buffers < 2) throw new ArgumentOutOfRangeException(nameof(buffers), "at least 2 buffers");
        Capacity = buffers;
        for (int i = 0; i < buffers; i++) _free.Enqueue(new FrameBuffer(initialBytes, initialFrames));
    }

    public int Capacity { get; }

    /// <summary>Buffers free now.</summary>
    public int Free
    {
        get
        {
            lock (_lock) return _free.Count;
        }
    }

    /// <summary>Times a renter found no free buffer and waited (the engine held back by a consumer).</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>An empty buffer with one reference (the caller's); waits while none is free.</summary>
    public FrameBuffer Rent()
    {
        lock (_lock)
        {
            if (_free.Count == 0)
            {
                Interlocked.Increment(ref _waits);
                while (_free.Count == 0) Monitor.Wait(_lock);
            }
            var buffer = _free.Dequeue();
            buffer.Rented(this);
            return buffer;
        }
    }

    internal void Return(FrameBuffer buffer)
    {
        lock (_lock)
        {
            _free.Enqueue(buffer);
            Monitor.PulseAll(_lock);
        }
    }
}

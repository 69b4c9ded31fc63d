using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backpack.Gateway.Engine.State;

/// <summary>
/// Writes engine state for a snapshot: little-endian numbers and whole arrays of the engine's plain
/// structs copied as they lie in memory (so a snapshot belongs to the build that wrote it; the
/// snapshot file records a layout fingerprint and a different build replays the journal instead).
/// </summary>
internal sealed class SnapshotWriter
{
    private byte[] _buffer;

    /// <param name="capacity">bytes to start with (a good guess saves the copies of growing)</param>
    public SnapshotWriter(int capacity = 1 << 16) => _buffer = new byte[Math.Max(capacity, 1 << 10)];

    public int Length { get; private set; }

    /// <summary>The bytes written, without a copy (the writer must not be used afterwards).</summary>
    public ArraySegment<byte> Detach() => new(_buffer, 0, Length);

    private Span<byte> Take(int size)
    {
        if (Length + size > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + size));
        var span = _buffer.AsSpan(Length, size);
        Length += size;
        return span;
    }

    public void Int(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);
    public void Long(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);
    public void Bool(bool value) => Take(1)[0] = value ? (byte)1 : (byte)0;
    public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    /// <summary>A count, then the structs' bytes.</summary>
    public void Structs<T>(ReadOnlySpan<T> items) where T : unmanaged
    {
        Int(items.Length);
        MemoryMarshal.AsBytes(items).CopyTo(Take(items.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
    }
}

/// <summary>Reads what <see cref="SnapshotWriter"/> wrote, in the same order; a short or inconsistent snapshot throws <see cref="InvalidDataException"/>.</summary>
internal ref struct SnapshotReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position == _data.Length;

    private ReadOnlySpan<byte> Take(int size)
    {
        if (size < 0 || _position + size > _data.Length) throw new InvalidDataException($"snapshot cut short at byte {_position}");
        var span = _data.Slice(_position, size);
        _position += size;
        return span;
    }

    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public bool Bool() => Take(1)[0] != 0;
    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A count and that many structs, into a new array of at least <paramref name="capacity"/> elements.</summary>
    public T[] Structs<T>(out int count, int capacity = 0) where T : unmanaged
    {
        count = Count();
        var items = new T[Math.Max(count, capacity)];
        Take(count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()).CopyTo(MemoryMarshal.AsBytes(items.AsSpan(0, count)));
        return items;
    }

    /// <summary>A count that must not be negative or larger than what is left could hold.</summary>
    public int Count()
    {
        int count = Int();
        if (count < 0 || count > _data.Length - _position) throw new InvalidDataException($"snapshot count {count} at byte {_position - 4} is impossible");
        return count;
    }

    /// <summary>Checks a section marker (catches a reader and a writer that went out of step).</summary>
    public void Expect(int marker)
    {
        int seen = Int();
        if (seen != marker) throw new InvalidDataException($"snapshot section {marker:x} expected at byte {_position - 4}, found {seen:x}");
    }
}

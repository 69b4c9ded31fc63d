using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Runtime;

/// <summary>
/// The inbound ring: a bounded multi-producer, single-consumer queue of command frames of up to
/// <see cref="ProtocolCodec.MaxMessageSize"/> bytes, in fixed slots. Producers claim a sequence
/// with a compare-and-swap (refusing when the ring is full), copy their frame into the slot and
/// publish it by writing the sequence into the slot's stamp; the consumer reads slots in sequence
/// order once published. No locks: the only contention is the claim.
/// </summary>
internal sealed class CommandRing
{
    private const int SlotSize = ProtocolCodec.MaxMessageSize;
    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly long[] _published;
    private readonly int _mask;
    private long _claimed;   // next sequence to claim (producers)
    private long _consumed;  // next sequence to read (consumer)

    public CommandRing(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0) throw new ArgumentException("capacity must be a power of two", nameof(capacity));
        _mask = capacity - 1;
        _data = new byte[capacity * SlotSize];
        _lengths = new int[capacity];
        _published = new long[capacity];
        Array.Fill(_published, -1L);
    }

    public int Capacity => _mask + 1;

    /// <summary>Frames waiting to be read (approximate while producers are writing).</summary>
    public long Depth => Volatile.Read(ref _claimed) - Volatile.Read(ref _consumed);

    public bool TryWrite(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > SlotSize) return false;
        long claim;
        do
        {
            claim = Volatile.Read(ref _claimed);
            if (claim - Volatile.Read(ref _consumed) > _mask) return false; // full
        }
        while (Interlocked.CompareExchange(ref _claimed, claim + 1, claim) != claim);
        int slot = (int)(claim & _mask);
        frame.CopyTo(_data.AsSpan(slot * SlotSize, SlotSize));
        _lengths[slot] = frame.Length;
        Volatile.Write(ref _published[slot], claim);
        return true;
    }

    /// <summary>The next published frame, or false if the consumer has caught up. Call <see cref="Advance"/> when done with it.</summary>
    public bool TryPeek(out Span<byte> frame)
    {
        long next = _consumed;
        int slot = (int)(next & _mask);
        if (Volatile.Read(ref _published[slot]) != next)
        {
            frame = default;
            return false;
        }
        frame = _data.AsSpan(slot * SlotSize, _lengths[slot]);
        return true;
    }

    public void Advance() => Volatile.Write(ref _consumed, _consumed + 1);
}

using System.Runtime.InteropServices;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Runtime;

/// <summary>
/// The inbound ring: a bounded multi-producer, single-consumer queue of command frames of up to
/// <see cref="ProtocolCodec.MaxMessageSize"/> bytes, in fixed slots. A producer claims a sequence
/// with a compare-and-swap (refusing at once when the ring is full, never waiting), encodes its
/// command straight into the slot and publishes it by writing the sequence into the slot's stamp;
/// the consumer reads slots in sequence order once published. No locks: the only contention is the
/// claim. The claim and consume counters sit on cache lines of their own, away from each other and
/// from the slots, so the engine advancing never invalidates the line the producers claim on.
/// </summary>
internal sealed class CommandRing
{
    private const int SlotSize = ProtocolCodec.MaxMessageSize;
    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly long[] _published;
    private readonly int _mask;
    private Counters _counters;

    /// <summary>The producers' and the consumer's counters, each alone on a 64-byte cache line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Counters
    {
        [FieldOffset(64)] public long Claimed;   // next sequence to claim (producers)
        [FieldOffset(128)] public long Consumed; // next sequence to read (consumer)
    }

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
    public long Depth => Volatile.Read(ref _counters.Claimed) - Volatile.Read(ref _counters.Consumed);

    /// <summary>Slots free for producers right now (approximate while others claim).</summary>
    public long Free => Capacity - Depth;

    /// <summary>
    /// Claims the next slot: its sequence and the span to encode the command into. False when the
    /// ring is full. A claimed slot must be published (<see cref="Publish"/>), or the consumer stops at it.
    /// </summary>
    public bool TryClaim(out long sequence, out Span<byte> slot)
    {
        long claim;
        do
        {
            claim = Volatile.Read(ref _counters.Claimed);
            if (claim - Volatile.Read(ref _counters.Consumed) > _mask)
            {
                sequence = 0;
                slot = default;
                return false; // full
            }
        }
        while (Interlocked.CompareExchange(ref _counters.Claimed, claim + 1, claim) != claim);
        sequence = claim;
        slot = _data.AsSpan((int)(claim & _mask) * SlotSize, SlotSize);
        return true;
    }

    /// <summary>Makes a claimed slot's first <paramref name="length"/> bytes readable (0: an empty slot the consumer skips).</summary>
    public void Publish(long sequence, int length)
    {
        int slot = (int)(sequence & _mask);
        _lengths[slot] = length;
        Volatile.Write(ref _published[slot], sequence);
    }

    /// <summary>Copies an already encoded frame into the next slot; false when the ring is full or the frame too large.</summary>
    public bool TryWrite(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > SlotSize || !TryClaim(out long sequence, out var slot)) return false;
        frame.CopyTo(slot);
        Publish(sequence, frame.Length);
        return true;
    }

    /// <summary>The next published frame (possibly empty), or false if the consumer has caught up. Call <see cref="Advance"/> when done with it.</summary>
    public bool TryPeek(out Span<byte> frame)
    {
        long next = _counters.Consumed;
        int slot = (int)(next & _mask);
        if (Volatile.Read(ref _published[slot]) != next)
        {
            frame = default;
            return false;
        }
        frame = _data.AsSpan(slot * SlotSize, _lengths[slot]);
        return true;
    }

    public void Advance() => Volatile.Write(ref _counters.Consumed, _counters.Consumed + 1);
}

using System.Runtime.InteropServices;
using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>What a reader that falls a whole ring behind does to the venue.</summary>
public enum FallBehind
{
    /// <summary>The engine waits for it (its unread batches hold the pool's buffers); nothing is ever skipped.</summary>
    EngineWaits,

    /// <summary>
    /// It is cut off: the batches published while it is <see cref="EventReader.CutOffAfter"/> behind
    /// are skipped for it (counted), and it is re-synced to the head once it has read what it held.
    /// For readers that must never slow trading and can rebuild what they missed (the history).
    /// </summary>
    CutOff,
}

/// <summary>
/// The outbound event ring (the disruptor's multicast shape): the thread that releases events (the
/// engine's, or the journal's sync thread once a batch is durable) publishes each batch once, as
/// the engine wrote it, into one slot; every reader follows the published sequence with a sequence
/// of its own, on a thread of its own, and reads the same buffer: no per-reader copy and no
/// per-reader queue. Publishing takes one reference on the buffer for each reader that gets it;
/// a reader releases its reference once it has read the batch, and the buffer goes back to the
/// engine's pool (<see cref="FrameBufferPool"/>) when the last reader is done. So a reader that
/// falls behind holds buffers, and once it holds the whole pool the engine waits for it
/// (<see cref="FallBehind.EngineWaits"/>) — unless it was subscribed to be cut off instead
/// (<see cref="FallBehind.CutOff"/>).
///
/// The ring has at least as many slots as the pool has buffers: a slot is written again only when
/// a new buffer is published, and a reader still behind that slot holds a buffer of every batch in
/// between, so the pool runs dry before a slot it has not read is overwritten. A cut-off reader
/// holds at most <see cref="EventReader.CutOffAfter"/> batches, so it keeps those in a small ring of
/// its own (references, not copies).
/// </summary>
public sealed class EventRing
{
    private readonly FrameBuffer?[] _slots;
    private readonly int _mask;
    private Sequence _published;
    private EventReader[] _readers = [];
    private volatile bool _completed;

    /// <param name="capacity">slots, a power of two, at least the pool's buffers</param>
    public EventRing(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(capacity), "a power of two, at least 2");
        _slots = new FrameBuffer?[capacity];
        _mask = capacity - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Batches published since start: the next batch's sequence.</summary>
    public long Published => Volatile.Read(ref _published.Value);

    /// <summary>True once the publisher has stopped: readers read what is left and then see the end.</summary>
    public bool Completed => _completed;

    public IReadOnlyList<EventReader> Readers => _readers;

    /// <summary>Adds a reader (before the first publication); it reads from the next batch published.</summary>
    public void Attach(EventReader reader)
    {
        if (Published > 0) throw new InvalidOperationException("attach readers before the first batch is published");
        if (reader.Ring is not null) throw new InvalidOperationException($"the reader '{reader.Name}' already follows a ring");
        // A cut-off reader holds at most half the ring, so it can never hold the engine back.
        if (reader.Policy == FallBehind.CutOff) reader.CutOffAfter = Math.Min(reader.CutOffAfter, Math.Max(1, Capacity / 2));
        reader.Ring = this;
        _readers = [.. _readers, reader];
    }

    /// <summary>
    /// Publishes a batch (one thread, in engine order): one reference per reader that gets it, the
    /// slot written once, then the sequence; readers asleep are woken. The caller keeps its own
    /// reference and releases it as before.
    /// </summary>
    public void Publish(FrameBuffer batch)
    {
        long sequence = _published.Value;
        // The slot first: a reader closing down releases what it was given by reading the slots.
        _slots[sequence & _mask] = batch;
        foreach (var reader in _readers) reader.Offer(sequence, batch);
        // Full fence: the slot and the sequence are visible before a reader's sleeping flag is read
        // (the reader fences the other way round), so a reader never sleeps on a published batch.
        Interlocked.Exchange(ref _published.Value, sequence + 1);
        foreach (var reader in _readers) reader.WakeIfSleeping();
    }

    /// <summary>The publisher has stopped: readers drain what is published and then see the end.</summary>
    public void Complete()
    {
        _completed = true;
        Interlocked.MemoryBarrier();
        foreach (var reader in _readers) reader.Wake();
    }

    internal FrameBuffer Slot(long sequence) => _slots[sequence & _mask]!;

    /// <summary>A sequence alone on its cache lines (the publisher writes it, every reader reads it).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Sequence
    {
        [FieldOffset(64)] public long Value;
    }
}

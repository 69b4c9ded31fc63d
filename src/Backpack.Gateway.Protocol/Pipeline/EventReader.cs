using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// One reader of the <see cref="EventRing"/>: its own sequence (the next batch it reads), read and
/// advanced by one thread, the reader's. The loop of that thread is
/// <c>while (TryRead(out batch)) { use batch; Done(batch); }</c>, and <see cref="Wait"/> when there is
/// nothing (a front end with work of its own, such as a subscription, calls <see cref="Wake"/> after
/// queueing it, and its loop looks at that queue before each batch). A reader is created before the
/// ring exists (a front end makes its own) and attached to it with <see cref="EventRing.Attach"/>;
/// until then it reads nothing. <see cref="Close"/> lets go of every batch it was given and still
/// holds: a closed reader never holds the engine back.
/// </summary>
public sealed class EventReader(string name, FallBehind policy = FallBehind.EngineWaits, int cutOffAfter = 64)
{
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _signal = new(false);
    private FrameBuffer?[]? _own; // a cut-off reader's batches, by sequence
    private long _position;       // the next batch to read
    private long _granted = -1;   // the last sequence offered (under _gate)
    private bool _cut;            // cut off since _cutAt (under _gate)
    private long _cutAt;
    private long _missed;
    private bool _closed;
    private volatile bool _sleeping;

    public string Name { get; } = name;

    public FallBehind Policy { get; } = policy;

    /// <summary>
    /// For <see cref="FallBehind.CutOff"/>: how many unread batches it may hold before it is cut off
    /// (at most half the ring it is attached to).
    /// </summary>
    public int CutOffAfter { get; internal set; } = cutOffAfter > 0 ? cutOffAfter : throw new ArgumentOutOfRangeException(nameof(cutOffAfter));

    public EventRing? Ring { get; internal set; }

    /// <summary>The sequence of the next batch this reader reads.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Batches published and not yet read.</summary>
    public long Backlog => Ring is { } ring ? Math.Max(0, ring.Published - Position) : 0;

    /// <summary>Batches skipped because it was cut off (<see cref="FallBehind.CutOff"/> only).</summary>
    public long Missed => Interlocked.Read(ref _missed);

    /// <summary>The ring is complete and everything published was read: the reader's loop ends.</summary>
    public bool AtEnd => Ring is { Completed: true } ring && Position >= ring.Published;

    /// <summary>Called by the publisher for each batch, before the sequence moves on.</summary>
    internal void Offer(long sequence, FrameBuffer batch)
    {
        lock (_gate)
        {
            _granted = sequence;
            if (_closed) return;
            if (Policy == FallBehind.EngineWaits)
            {
                if (!batch.TryShare()) throw new InvalidOperationException("only a pooled buffer can be published");
                return;
            }
            if (!_cut && sequence - _position >= CutOffAfter)
            {
                _cut = true;
                _cutAt = sequence;
            }
            if (_cut) return;
            _own ??= new FrameBuffer?[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)CutOffAfter)];
            batch.TryShare();
            _own[sequence & (_own.Length - 1)] = batch;
        }
    }

    /// <summary>
    /// The next batch, if one is published; it stays valid until <see cref="Done"/>. A cut-off reader
    /// that has read every batch it held is moved to the head here, and what it skipped is counted in
    /// <see cref="Missed"/> (<paramref name="missed"/> for this call).
    /// </summary>
    public bool TryRead(out FrameBuffer batch, out long missed)
    {
        missed = 0;
        batch = null!;
        if (Ring is not { } ring) return false;
        if (Policy == FallBehind.EngineWaits)
        {
            long position = _position;
            if (position >= ring.Published) return false;
            batch = ring.Slot(position);
            return true;
        }
        lock (_gate)
        {
            if (_cut && _position >= _cutAt)
            {
                // Re-synced: from the batch after the last one offered, which were all skipped since _cutAt.
                long resume = _granted + 1;
                missed = resume - _cutAt;
                _missed += missed;
                _cut = false;
                Volatile.Write(ref _position, resume);
            }
            if (_position > _granted || _position >= ring.Published) return false;
            batch = _own![_position & (_own.Length - 1)]!;
            return true;
        }
    }

    /// <summary>The batch from <see cref="TryRead"/> is read: its reference goes back, the sequence moves on.</summary>
    public void Done(FrameBuffer batch)
    {
        if (Policy == FallBehind.CutOff)
        {
            lock (_gate)
            {
                _own![_position & (_own.Length - 1)] = null;
                Volatile.Write(ref _position, _position + 1);
            }
        }
        else
        {
            Volatile.Write(ref _position, _position + 1);
        }
        batch.Release();
    }

    /// <summary>
    /// The reader's loop, on the calling thread: before each batch <paramref name="work"/> runs
    /// (the follower's own queue: true if it did something), then the batch is applied and given
    /// back; when there is nothing it waits. It ends when the ring completes and is read to its end,
    /// or after <see cref="Stop"/> once what was published by then is read; then the reader closes.
    /// </summary>
    public void Follow(Action<FrameBuffer> apply, Func<bool>? work = null, Func<bool>? hasWork = null, Action<long>? missed = null)
    {
        try
        {
            while (true)
            {
                bool busy = work?.Invoke() ?? false;
                if (TryRead(out var batch, out long skipped))
                {
                    if (skipped > 0) missed?.Invoke(skipped);
                    try
                    {
                        apply(batch);
                    }
                    finally
                    {
                        Done(batch);
                    }
                    continue;
                }
                if (skipped > 0) missed?.Invoke(skipped);
                if (_stopAt >= 0 && (Ring is null || Position >= Volatile.Read(ref _stopAt))) return;
                if (AtEnd) return;
                if (!busy) Wait(hasWork);
            }
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Asks <see cref="Follow"/> to end once it has read what is published now.</summary>
    public void Stop()
    {
        Volatile.Write(ref _stopAt, Ring?.Published ?? 0);
        Wake();
    }

    private long _stopAt = -1;

    /// <summary>
    /// Blocks the reader's thread until a batch is published, <see cref="Wake"/> is called, or the
    /// ring completes; returns at once if <paramref name="hasWork"/> says the caller has work queued.
    /// </summary>
    public void Wait(Func<bool>? hasWork = null)
    {
        _sleeping = true;
        Interlocked.MemoryBarrier();
        bool ready = (Ring is { } ring && (_position < ring.Published || ring.Completed)) || Volatile.Read(ref _stopAt) >= 0;
        if (!ready && !(hasWork?.Invoke() ?? false)) _signal.Wait();
        _sleeping = false;
        _signal.Reset();
    }

    /// <summary>Wakes the reader's thread (work of its own was queued, or it is asked to stop).</summary>
    public void Wake() => _signal.Set();

    internal void WakeIfSleeping()
    {
        if (_sleeping) _signal.Set();
    }

    /// <summary>
    /// Stops reading (on the reader's thread, or after it ended): every batch it was given and has not
    /// read goes back, and it is given none from now on, so the engine never waits for it.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            for (long s = _position; s <= _granted; s++)
            {
                if (Policy == FallBehind.EngineWaits)
                {
                    Ring!.Slot(s).Release();
                }
                else if (!_cut || s < _cutAt)
                {
                    _own![s & (_own.Length - 1)]!.Release();
                    _own[s & (_own.Length - 1)] = null;
                }
            }
            Volatile.Write(ref _position, _granted + 1);
        }
        _signal.Set();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Runtime;

public sealed class EngineRunnerOptions
{
    /// <summary>Inbound ring slots (a power of two).</summary>
    public int RingCapacity { get; set; } = 1 << 16;

    /// <summary>Commands processed before their events are handed to the consumers.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>How often the sequencer injects a Tick (the liquidation clock); zero turns ticks off.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Event batches in flight at most: released by the engine and not yet read by every consumer
    /// (the dispatchers share the engine's buffers instead of copying them). When all are held the
    /// engine waits for the slowest consumer (FrameBufferPool).
    /// </summary>
    public int EventBuffers { get; set; } = 256;

    /// <summary>How long the engine thread spins for new commands before it sleeps on a signal.</summary>
    public TimeSpan SpinBeforeSleep { get; set; } = TimeSpan.FromMicroseconds(50);
}

/// <summary>
/// The sequencer and the engine thread. Front ends submit encoded commands into the inbound ring
/// from any thread; the one engine thread takes them in order, stamps each with the next sequence
/// number and the clock's time (the engine itself reads no clock), processes it, and hands every
/// batch's events to the consumers. It injects a Tick every <see cref="EngineRunnerOptions.TickInterval"/>.
/// When the ring is empty it spins briefly and then sleeps until a producer signals.
/// </summary>
public sealed class EngineRunner : ICommandSubmitter, IDisposable
{
    private readonly MatchingEngine _engine;
    private readonly Func<long> _clock;
    private readonly EngineRunnerOptions _options;
    private readonly CommandRing _ring;
    private readonly List<IEventConsumer> _consumers = [];
    private readonly FrameBufferPool _buffers;
    private readonly EventRing _events;
    private FrameBuffer _output;
    private DurableRelease? _release;
    private readonly ManualResetEventSlim _wake = new(false);
    // Encoded once; the sequencer stamps each copy's sequence and time in place.
    private readonly byte[] _tick = ProtocolCodec.ToArray(new Tick(new CommandHeader(0, 0, 0)));
    private readonly ConcurrentQueue<IInspection> _inspections = new();
    private readonly JournalWriter? _journal;
    private readonly FsyncPolicy _fsync;
    private readonly long _fsyncIntervalTicks;
    private long _lastSync;
    private bool _held;
    private Thread? _thread;
    private volatile bool _stopping;
    private volatile bool _sleeping;
    private long _nextTick;

    /// <param name="clock">microseconds since the Unix epoch; the sequencer's clock, read only here</param>
    /// <param name="journal">where every command the engine takes is appended before its events leave (null: no journal)</param>
    public EngineRunner(MatchingEngine engine, Func<long> clock, EngineRunnerOptions? options = null, JournalWriter? journal = null, JournalOptions? journalOptions = null)
    {
        _engine = engine;
        _clock = clock;
        _options = options ?? new EngineRunnerOptions();
        _ring = new CommandRing(_options.RingCapacity);
        _buffers = new FrameBufferPool(_options.EventBuffers);
        // At least as many slots as buffers: a slot is never written again while a reader still needs it.
        _events = new EventRing((int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)_options.EventBuffers));
        _output = _buffers.Rent();
        _journal = journal;
        _fsync = journalOptions?.Fsync ?? FsyncPolicy.Batch;
        _fsyncIntervalTicks = (long)((journalOptions?.FsyncInterval ?? TimeSpan.FromMilliseconds(2)).TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>The journal writer, if the runner journals.</summary>
    public JournalWriter? Journal => _journal;

    public MatchingEngine Engine => _engine;

    /// <summary>Commands waiting in the inbound ring.</summary>
    public long QueueDepth => _ring.Depth;

    /// <summary>The event batches' buffers (the outbound ring): how many are free, how often the engine waited for one.</summary>
    public FrameBufferPool EventBuffers => _buffers;

    /// <summary>The outbound event ring that the followers (front ends, history, observers) read on their own threads.</summary>
    public EventRing Events => _events;

    /// <summary>Commands processed since start.</summary>
    public long Processed { get; private set; }

    /// <summary>Called on the engine thread after every command with its processing time (for metrics).</summary>
    public Action<MessageType, TimeSpan>? OnCommandProcessed { get; set; }

    public static long SystemClock() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>
    /// Adds a consumer of the engine's events: a follower's reader is attached to the outbound ring
    /// (it reads on its own thread); any other consumer is called inline on the releasing thread.
    /// </summary>
    public void AddConsumer(IEventConsumer consumer)
    {
        if (_thread is not null) throw new InvalidOperationException("add consumers before Start");
        if (consumer is IEventFollower follower) _events.Attach(follower.Reader);
        else _consumers.Add(consumer);
    }

    public void Start()
    {
        if (_journal is not null && _fsync == FsyncPolicy.Batch)
        {
            // The disk's sync runs beside matching; the events go out from its thread once durable.
            _release = new DurableRelease(_journal, Deliver, _buffers);
        }
        _nextTick = _clock() + (long)_options.TickInterval.TotalMicroseconds;
        _thread = new Thread(Run) { Name = "engine", IsBackground = true };
        _thread.Start();
    }

    public bool TrySubmit(ReadOnlySpan<byte> command)
    {
        if (!_ring.TryWrite(command)) return false;
        WakeEngine();
        return true;
    }

    /// <summary>Encodes the command straight into its ring slot: claim, write, publish.</summary>
    public bool TrySubmit<T>(in T command) where T : struct, IProtocolMessage<T>
    {
        if (!_ring.TryClaim(out long sequence, out var slot)) return false;
        int length = 0;
        try
        {
            length = ProtocolCodec.Encode(command, slot);
        }
        finally
        {
            // A claimed slot is always published: an encoding that failed leaves it empty, and the engine skips it.
            _ring.Publish(sequence, length);
        }
        WakeEngine();
        return true;
    }

    public bool HasRoom => _ring.Free > 0;

    private void WakeEngine()
    {
        // Full fence: the write to the ring must be visible before _sleeping is read (the engine
        // thread fences the other way round), or both sides can miss each other and the command
        // waits for the sleep timeout.
        Interlocked.MemoryBarrier();
        if (_sleeping) _wake.Set();
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the engine thread between two batches (after the earlier
    /// batch's events went to the consumers) and completes with its result: the one way to look at
    /// the engine's state while it runs. <paramref name="read"/> must not change that state.
    /// </summary>
    public Task<T> InspectAsync<T>(Func<MatchingEngine, T> read)
    {
        if (_thread is null) throw new InvalidOperationException("the engine has not started");
        var inspection = new Inspection<T>(read);
        _inspections.Enqueue(inspection);
        Interlocked.MemoryBarrier();
        if (_sleeping) _wake.Set();
        // Stopped (or stopping) before the engine thread took it: it will not run now.
        if (_stopping && !_thread.IsAlive) FailInspections();
        return inspection.Task;
    }

    private void RunInspections()
    {
        while (_inspections.TryDequeue(out var inspection)) inspection.Run(_engine);
    }

    private void FailInspections()
    {
        while (_inspections.TryDequeue(out var inspection)) inspection.Fail();
    }

    private void Run()
    {
        var spin = new SpinWait();
        long spinUntil = 0;
        while (!_stopping)
        {
            int done = 0;
            while (done < _options.MaxBatch && _ring.TryPeek(out Span<byte> frame))
            {
                if (frame.IsEmpty)
                {
                    _ring.Advance(); // a slot whose producer failed to encode
                    continue;
                }
                Process(frame);
                _ring.Advance();
                done++;
            }
            if (_options.TickInterval > TimeSpan.Zero && _clock() >= _nextTick)
            {
                ProcessTick();
                done++;
            }
            if (!_inspections.IsEmpty)
            {
                // Everything processed so far is committed (synced, as an Interval policy would later)
                // and its events are out before anyone looks: a snapshot is never ahead of the journal.
                Commit(force: true);
                RunInspections();
                done++;
            }
            if (done > 0)
            {
                Publish();
                spin.Reset();
                spinUntil = 0;
                continue;
            }
            // Idle with events held for an interval fsync: commit them now rather than wait.
            if (_held)
            {
                Commit(force: true);
                continue;
            }
            // Idle: spin a little for latency, then sleep until signalled (or the next tick is due).
            long now = Stopwatch.GetTimestamp();
            if (spinUntil == 0) spinUntil = now + (long)(_options.SpinBeforeSleep.TotalSeconds * Stopwatch.Frequency);
            if (now < spinUntil)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            _sleeping = true;
            Interlocked.MemoryBarrier();
            if (!_ring.TryPeek(out _) && _inspections.IsEmpty) _wake.Wait(SleepTimeout());
            _sleeping = false;
            _wake.Reset();
            spinUntil = 0;
        }
        Commit(force: true);
    }

    private TimeSpan SleepTimeout()
    {
        if (_options.TickInterval <= TimeSpan.Zero) return TimeSpan.FromMilliseconds(100);
        long micros = Math.Clamp(_nextTick - _clock(), 0, 100_000);
        return TimeSpan.FromMicroseconds(micros);
    }

    private void Process(Span<byte> frame)
    {
        long started = Stopwatch.GetTimestamp();
        long before = _engine.LastSequence;
        CommandStamp.TryStamp(frame, before + 1, _clock());
        _engine.Process(frame, _output);
        // Journaled: every command that took a sequence number (what replay must feed again).
        if (_journal is not null && _engine.LastSequence != before) _journal.Append(frame, _engine.LastSequence);
        Processed++;
        if (OnCommandProcessed is { } observe && CommandStamp.TryRead(frame, out var type, out _, out _))
        {
            observe(type, Stopwatch.GetElapsedTime(started));
        }
    }

    private void ProcessTick()
    {
        long now = _clock();
        long interval = (long)_options.TickInterval.TotalMicroseconds;
        // On time, ticks keep their cadence; after a stall (or a clock jump) one tick catches up and
        // the next comes a whole interval later, never a burst of ticks at the same time.
        _nextTick = _nextTick + interval > now ? _nextTick + interval : now + interval;
        Process(_tick);
    }

    /// <summary>Writes the batch's journal records, syncs as the policy says, then lets the events out.</summary>
    private void Publish() => Commit(force: false);

    private void Commit(bool force)
    {
        if (_release is not null)
        {
            // Fsync per batch, beside matching: write here, sync and release on the journal's thread.
            bool wrote = _journal!.HasBuffered;
            _journal.Write();
            if (wrote || _output.Count > 0 || force)
            {
                _release.Hand(_output);
                _output = _release.Rent();
            }
            if (force) _release.Drain();
            return;
        }
        if (_journal is not null)
        {
            bool wrote = _journal.HasBuffered;
            _journal.Write();
            if (wrote || _held)
            {
                switch (_fsync)
                {
                    case FsyncPolicy.Batch:
                        _journal.Sync();
                        break;
                    case FsyncPolicy.Interval:
                        long now = Stopwatch.GetTimestamp();
                        if (!force && now - _lastSync < _fsyncIntervalTicks)
                        {
                            _held = true; // the events wait for the fsync that covers their commands
                            return;
                        }
                        _journal.Sync();
                        _lastSync = now;
                        break;
                }
            }
            _held = false;
        }
        if (_output.Count == 0) return;
        Deliver(_output);
        _output = _buffers.Rent();
    }

    /// <summary>
    /// Lets a batch's events out (the engine thread, or the journal's sync thread once durable): the
    /// inline consumers, then the ring for the followers; the releasing thread's own reference goes
    /// back, and the buffer returns to the pool once every follower has read it.
    /// </summary>
    private void Deliver(FrameBuffer batch)
    {
        if (batch.Count > 0)
        {
            foreach (var consumer in _consumers) consumer.OnEvents(batch);
            _events.Publish(batch);
        }
        batch.Release();
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _wake.Set();
        _thread?.Join();
        _release?.Dispose();
        _events.Complete();
        FailInspections();
        _wake.Dispose();
    }

    private interface IInspection
    {
        void Run(MatchingEngine engine);

        void Fail();
    }

    private sealed class Inspection<T>(Func<MatchingEngine, T> read) : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IInspection
    {
        public void Run(MatchingEngine engine)
        {
            try
            {
                TrySetResult(read(engine));
            }
            catch (Exception e)
            {
                TrySetException(e);
            }
        }

        public void Fail() => TrySetException(new ObjectDisposedException(nameof(EngineRunner), "the engine has stopped"));
    }
}

using System.Collections.Concurrent;
using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests.Measurement;

public enum Channel { Fix, WebSocket }

public enum Phase { Before, During, After }

/// <summary>What a trading client asked for: a new order, a replace (FIX cancel/replace; on WebSocket a cancel and a new order) or a cancel.</summary>
public enum RequestKind { New, Replace, Cancel }

/// <summary>One channel's figures in one phase of the run.</summary>
public sealed class PhaseFigures
{
    public readonly long[] Sent = new long[3];
    public readonly long[] Ok = new long[3];
    public readonly long[] Failed = new long[3];
    public readonly LatencyHistogram[] Ack = [new(), new(), new()];
    public readonly LatencyHistogram FillDelivery = new();
    /// <summary>How late the pacer put requests on the wire (actual send minus planned time).</summary>
    public readonly LatencyHistogram PacerLateness = new();
    /// <summary>New orders' service time: acknowledgement minus the actual send (the gateway's share, without the pacer's lateness).</summary>
    public readonly LatencyHistogram NewOrderService = new();
    /// <summary>Requests that left before their planned time (a pacer must never do this).</summary>
    public long EarlySends;
    public readonly LatencyHistogram LiquidationDelivery = new();
    public readonly ConcurrentDictionary<string, long> Failures = new(StringComparer.Ordinal);
    public long Fills;

    public long TotalSent => Sent.Sum();
    public long TotalOk => Ok.Sum();
    public long TotalFailed => Failed.Sum();
}

/// <summary>
/// Collects the run's measurements per channel and phase (before, during, after the crash), and
/// a per-second series of the order acknowledgement latency per channel. Safe from every client's
/// threads.
/// </summary>
public sealed class RunRecorder
{
    private readonly PhaseFigures[,] _figures = new PhaseFigures[2, 3];
    private readonly ConcurrentDictionary<(Channel, int), LatencyHistogram> _perSecond = new();
    private double _crashStart = double.PositiveInfinity, _crashEnd = double.PositiveInfinity;

    public RunRecorder(RunClock clock)
    {
        Clock = clock;
        for (int c = 0; c < 2; c++)
        {
            for (int p = 0; p < 3; p++) _figures[c, p] = new PhaseFigures();
        }
    }

    public RunClock Clock { get; }

    /// <summary>Public liquidation events received by the passive subscribers, per phase.</summary>
    public LatencyHistogram[] PublicLiquidationDelivery { get; } = [new(), new(), new()];

    public PhaseFigures Figures(Channel channel, Phase phase) => _figures[(int)channel, (int)phase];

    public double CrashStart => Volatile.Read(ref _crashStart);
    public double CrashEnd => Volatile.Read(ref _crashEnd);

    /// <summary>Marks the crash: from <paramref name="start"/> to <paramref name="end"/> seconds into the run.</summary>
    public void OnCrash(double start, double end)
    {
        Volatile.Write(ref _crashEnd, end);
        Volatile.Write(ref _crashStart, start);
    }

    public Phase PhaseAt(double seconds) => seconds < CrashStart ? Phase.Before : seconds < CrashEnd ? Phase.During : Phase.After;

    public Phase PhaseOf(long ticks) => PhaseAt(Clock.SecondsAt(ticks));

    /// <summary>
    /// A request went out at <paramref name="sentTicks"/>, planned for <paramref name="plannedTicks"/>;
    /// its phase is that of its planned time (returned, so that its answer counts in the same phase).
    /// </summary>
    public Phase Sent(Channel channel, RequestKind kind, long plannedTicks, long sentTicks)
    {
        var phase = PhaseOf(plannedTicks);
        var f = Figures(channel, phase);
        Interlocked.Increment(ref f.Sent[(int)kind]);
        if (sentTicks < plannedTicks) Interlocked.Increment(ref f.EarlySends);
        else f.PacerLateness.Record(RunClock.Micros(plannedTicks, sentTicks));
        return phase;
    }

    /// <summary>
    /// A request was acknowledged (<paramref name="reason"/> null) or refused. Only acknowledgements
    /// enter the latency figures (from the planned time); refusals are counted by reason.
    /// </summary>
    public void Answered(Channel channel, RequestKind kind, Phase phase, long plannedTicks, long sentTicks, long answeredTicks, string? reason)
    {
        if (reason is not null)
        {
            Failed(channel, kind, phase, reason);
            return;
        }
        var f = Figures(channel, phase);
        long micros = RunClock.Micros(plannedTicks, answeredTicks);
        f.Ack[(int)kind].Record(micros);
        Interlocked.Increment(ref f.Ok[(int)kind]);
        if (kind == RequestKind.New)
        {
            f.NewOrderService.Record(RunClock.Micros(sentTicks, answeredTicks));
            int second = (int)Clock.SecondsAt(plannedTicks);
            _perSecond.GetOrAdd((channel, second), _ => new LatencyHistogram(6)).Record(micros);
        }
    }

    /// <summary>A request was refused, or failed without an answer (timeouts, a closed connection).</summary>
    public void Failed(Channel channel, RequestKind kind, Phase phase, string reason)
    {
        var f = Figures(channel, phase);
        Interlocked.Increment(ref f.Failed[(int)kind]);
        f.Failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    /// <summary>A fill of one of the client's own orders arrived; <paramref name="engineMicros"/> is the engine time it carries.</summary>
    public void Fill(Channel channel, long engineMicros, long receivedMicros, long receivedTicks)
    {
        var f = Figures(channel, PhaseOf(receivedTicks));
        Interlocked.Increment(ref f.Fills);
        f.FillDelivery.Record(receivedMicros - engineMicros);
    }

    /// <summary>The per-second order acknowledgement latency series of a channel: (second, count, p50, p99, max).</summary>
    public IReadOnlyList<(int Second, long Count, long P50, long P99, long Max)> Series(Channel channel) =>
        _perSecond.Where(p => p.Key.Item1 == channel).OrderBy(p => p.Key.Item2)
            .Select(p => (p.Key.Item2, p.Value.Count, p.Value.ValueAt(50), p.Value.ValueAt(99), p.Value.Max)).ToList();

    /// <summary>What the clients recorded, as plain data for the coordinator of a multi-process run.</summary>
    public RecorderSnapshot Snapshot()
    {
        var phases = new List<PhaseSnapshot>();
        for (int c = 0; c < 2; c++)
        {
            for (int p = 0; p < 3; p++)
            {
                var f = _figures[c, p];
                phases.Add(new PhaseSnapshot(c, p, [.. f.Sent], [.. f.Ok], [.. f.Failed], f.Ack.Select(h => h.Snapshot()).ToArray(), f.FillDelivery.Snapshot(),
                    f.PacerLateness.Snapshot(), f.NewOrderService.Snapshot(), Interlocked.Read(ref f.EarlySends), new Dictionary<string, long>(f.Failures),
                    Interlocked.Read(ref f.Fills)));
            }
        }
        return new RecorderSnapshot(phases, _perSecond.Select(p => new SecondSnapshot((int)p.Key.Item1, p.Key.Item2, p.Value.Snapshot())).ToList());
    }

    /// <summary>Adds another process's recording (on the same clock) to this one.</summary>
    public void Add(RecorderSnapshot snapshot)
    {
        foreach (var s in snapshot.Phases)
        {
            var f = _figures[s.Channel, s.Phase];
            for (int k = 0; k < 3; k++)
            {
                Interlocked.Add(ref f.Sent[k], s.Sent[k]);
                Interlocked.Add(ref f.Ok[k], s.Ok[k]);
                Interlocked.Add(ref f.Failed[k], s.Failed[k]);
                f.Ack[k].Add(s.Ack[k]);
            }
            f.FillDelivery.Add(s.FillDelivery);
            f.PacerLateness.Add(s.PacerLateness);
            f.NewOrderService.Add(s.NewOrderService);
            Interlocked.Add(ref f.EarlySends, s.EarlySends);
            Interlocked.Add(ref f.Fills, s.Fills);
            foreach (var (reason, count) in s.Failures) f.Failures.AddOrUpdate(reason, count, (_, n) => n + count);
        }
        foreach (var second in snapshot.Seconds)
        {
            _perSecond.GetOrAdd(((Channel)second.Channel, second.Second), _ => new LatencyHistogram(6)).Add(second.Ack);
        }
    }

    /// <summary>Every phase of a channel merged.</summary>
    public LatencyHistogram AckOverall(Channel channel, RequestKind kind) =>
        LatencyHistogram.Merge(Enumerable.Range(0, 3).Select(p => _figures[(int)channel, p].Ack[(int)kind]));
}

/// <summary>One channel's figures in one phase, as plain data (<see cref="RunRecorder.Snapshot"/>).</summary>
public sealed record PhaseSnapshot(int Channel, int Phase, long[] Sent, long[] Ok, long[] Failed, HistogramSnapshot[] Ack, HistogramSnapshot FillDelivery,
    HistogramSnapshot PacerLateness, HistogramSnapshot NewOrderService, long EarlySends, Dictionary<string, long> Failures, long Fills);

/// <summary>One second's new-order acknowledgements of one channel.</summary>
public sealed record SecondSnapshot(int Channel, int Second, HistogramSnapshot Ack);

/// <summary>A <see cref="RunRecorder"/>'s client-side figures as plain data.</summary>
public sealed record RecorderSnapshot(IReadOnlyList<PhaseSnapshot> Phases, IReadOnlyList<SecondSnapshot> Seconds);

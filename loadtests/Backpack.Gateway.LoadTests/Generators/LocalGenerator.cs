using Backpack.Gateway.LoadTests.Clients;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Reporting;
using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Generators;

/// <summary>
/// The clients of one load generator: slice <paramref name="slice"/> of <paramref name="slices"/> of
/// the fleet (every slices-th active trader, leveraged trader and subscriber), in this process.
/// It connects them, takes the leveraged positions, warms up, drives its traders' share of the
/// plans (each pacer keeps its place in the whole fleet, so the slices together send the whole
/// plan), and at the end waits for the deliveries to stop and hands over what its clients saw.
/// </summary>
public sealed class LocalGenerator(LoadTestOptions options, FleetAccounts fleet, MarketView markets, RunRecorder recorder, int slice, int slices, TextWriter log)
    : ILoadGenerator
{
    private readonly List<(TradingClient Trader, int Index, int Of)> _active = [];
    private readonly List<TradingClient> _traders = [];
    private readonly List<PublicSubscriber> _subscribers = [];
    private readonly List<string> _notes = [];
    private int _unanswered;

    public string Name => slices == 1 ? "this process" : $"generator {slice + 1} of {slices}";
    public IReadOnlyList<TradingClient> Traders => _traders;
    public IReadOnlyList<PublicSubscriber> Subscribers => _subscribers;

    public async Task<IReadOnlyList<SetupLine>> PrepareAsync(CancellationToken cancellation)
    {
        // Subscribers first (the first ones keep the marks current), then both fleets.
        for (int number = slice + 1; number <= options.Subscribers; number += slices) _subscribers.Add(new PublicSubscriber(options.WebSocketUri, number, markets));
        await Task.WhenAll(_subscribers.Select(s => s.ConnectAsync(cancellation)));
        int seed = options.Seed * 1000;
        var all = new List<(Func<TradingClient> Make, bool Leveraged, Channel Channel)>();
        foreach (var session in fleet.FixSessions.Take(options.FixSessions))
        {
            int s = seed++;
            all.Add((() => new FixTrader(options.FixEndpoint, options.FixTargetCompId, session, markets, recorder, s), session.Account.Leveraged, Channel.Fix));
        }
        foreach (var account in fleet.WebSocketTraders.Take(options.WebSocketTraders))
        {
            int s = seed++;
            all.Add((() => new WsTrader(options.WebSocketUri, account, markets, recorder, s), account.Leveraged, Channel.WebSocket));
        }
        // Each trader keeps its place in the whole fleet: the active ones pace by it, the leveraged ones pick their market by it.
        var leveraged = new List<(TradingClient Trader, int Index)>();
        int leveragedIndex = 0;
        foreach (var channel in new[] { Channel.Fix, Channel.WebSocket })
        {
            var activeOfChannel = all.Where(a => a.Channel == channel && !a.Leveraged).ToList();
            for (int i = slice; i < activeOfChannel.Count; i += slices)
            {
                var trader = activeOfChannel[i].Make();
                _active.Add((trader, i, activeOfChannel.Count));
                _traders.Add(trader);
            }
        }
        foreach (var entry in all.Where(a => a.Leveraged))
        {
            if (leveragedIndex++ % slices != slice) continue;
            var trader = entry.Make();
            leveraged.Add((trader, leveragedIndex - 1));
            _traders.Add(trader);
        }
        await Task.WhenAll(_traders.Select(t => t.ConnectAsync(cancellation)));
        log.WriteLine($"{Name}: connected {_traders.Count(t => t.Channel == Channel.Fix)} FIX sessions, {_traders.Count(t => t.Channel == Channel.WebSocket)} WebSocket traders " +
                      $"and {_subscribers.Count} subscribers to {options.HttpBase}");

        var setup = await SetUpLeverageAsync(leveraged, cancellation);
        if (options.WarmUp > TimeSpan.Zero)
        {
            var warmUp = new RunClock();
            await DriveAsync(warmUp, WarmUpPlan(options.FixPlan), WarmUpPlan(options.WebSocketPlan), cancellation);
        }
        return setup;
    }

    public async Task RunAsync(long startTicks, CancellationToken cancellation)
    {
        foreach (var t in _traders) t.Measuring = true;
        recorder.Clock.RestartAt(startTicks);
        await DriveAsync(recorder.Clock, options.FixPlan, options.WebSocketPlan, cancellation);
        // Answers still on their way.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_traders.Sum(t => t.Outstanding) > 0 && DateTime.UtcNow < deadline) await Task.Delay(100, cancellation);
        _unanswered = _traders.Sum(t => t.FailUnanswered());
        foreach (var t in _traders) t.Measuring = false;
    }

    public void OnCrash(double start, double end) => recorder.OnCrash(start, end);

    public async Task<GeneratorResult> CollectAsync(bool withFigures, CancellationToken cancellation)
    {
        var deliveries = _traders.Select(t => t.Deliveries).Concat(_subscribers.Select(s => s.Deliveries)).ToList();
        await QuietAsync(deliveries, cancellation);
        foreach (var d in deliveries) d.Freeze();
        if (_unanswered > 0) _notes.Add($"{Name}: {_unanswered} requests had no answer 5 s after the load stopped");
        foreach (var fix in _traders.OfType<FixTrader>())
        {
            if (fix.Initiator is { SequenceGaps: > 0 } or { Rejects: > 0 }) _notes.Add($"{fix.Name}: {fix.Initiator.SequenceGaps} sequence gaps, {fix.Initiator.Rejects} session or business rejects");
        }
        var unreadable = _traders.Select(t => (t.Name, t.Unreadable)).Concat(_subscribers.Select(s => (s.Deliveries.Client, s.Unreadable))).Where(u => u.Unreadable.Count > 0).ToList();
        foreach (var (name, (count, first)) in unreadable) _notes.Add($"{name}: {count} messages from the gateway could not be read, the first: {first}");
        return new GeneratorResult(withFigures ? recorder.Snapshot() : null,
            _traders.Select(t => t.Deliveries.Snapshot()).ToList(), _subscribers.Select(s => s.Deliveries.Snapshot()).ToList(), _notes, unreadable.Sum(u => u.Unreadable.Count),
            _traders.Count(t => t.Channel == Channel.Fix), _traders.Count(t => t.Channel == Channel.Fix && t.Account.Leveraged),
            _traders.Count(t => t.Channel == Channel.WebSocket), _traders.Count(t => t.Channel == Channel.WebSocket && t.Account.Leveraged), _subscribers.Count,
            ProcessSnapshot.OfThisProcess());
    }

    /// <summary>Runs each active trader's pacer through its channel's plan; each channel's sends leave from a pacing thread of its own.</summary>
    private async Task DriveAsync(RunClock clock, IReadOnlyList<LoadSimulation> fixPlan, IReadOnlyList<LoadSimulation> webSocketPlan, CancellationToken cancellation)
    {
        var run = new List<Task>();
        var pacingThreads = new List<PacingThread>();
        try
        {
            foreach (var channel in new[] { Channel.Fix, Channel.WebSocket })
            {
                var plan = channel == Channel.Fix ? fixPlan : webSocketPlan;
                var pacing = new PacingThread(channel == Channel.Fix ? "pacer-fix" : "pacer-ws");
                pacingThreads.Add(pacing);
                foreach (var (trader, index, of) in _active.Where(a => a.Trader.Channel == channel))
                {
                    var pacer = new Pacer(plan, index, of, clock, pacing);
                    run.Add(Task.Run(() => pacer.RunAsync(trader.SendNextAsync, trader.SendNextAndWaitAsync, cancellation), cancellation));
                }
            }
            // A cancelled run's pacers stop waiting for their next moment.
            using var stopOnCancel = cancellation.Register(() => pacingThreads.ForEach(p => p.Stop()));
            // The last pacer ends on a pacing thread: leave it before stopping the threads (and for the rest of the run).
            await Task.WhenAll(run).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        finally
        {
            foreach (var pacing in pacingThreads) pacing.Dispose();
        }
    }

    /// <summary>Half the plan's highest rate for the warm-up's length.</summary>
    private IReadOnlyList<LoadSimulation> WarmUpPlan(IReadOnlyList<LoadSimulation> plan)
    {
        double top = LoadSimulation.TopRate(plan);
        return top > 0 ? [new LoadSimulation.Inject(top / 2, options.WarmUp)] : [new LoadSimulation.Pause(options.WarmUp)];
    }

    /// <summary>Each leveraged account buys Leverage x its deposit of one market (taken in turn by its place in the fleet), all at once.</summary>
    private async Task<IReadOnlyList<SetupLine>> SetUpLeverageAsync(List<(TradingClient Trader, int Index)> leveraged, CancellationToken cancellation)
    {
        var lines = await Task.WhenAll(leveraged.Select(async x =>
        {
            var market = markets.Markets[x.Index % markets.Markets.Count];
            decimal target = x.Trader.Account.Deposit * options.Leverage;
            decimal quantity = await x.Trader.BuildLongAsync(market, target, options.SetupTimeout, cancellation);
            return new SetupLine(x.Trader.Name, market.Symbol, target, quantity, Math.Round(quantity * market.Mark, 2));
        }));
        if (lines.Length > 0) log.WriteLine($"{Name}: leveraged set-up: {string.Join(", ", lines.Select(l => $"{l.Client} {l.Quantity} {l.Symbol} ({l.Notional:N0} USDC)"))}");
        return lines;
    }

    /// <summary>
    /// Waits until no client has received anything for 2 s (at most the settle timeout): events still
    /// on their way to a loaded client are late, not lost, and the audit must not call them lost.
    /// </summary>
    private async Task QuietAsync(IReadOnlyList<Deliveries> deliveries, CancellationToken cancellation)
    {
        var started = DateTime.UtcNow;
        var deadline = started + options.SettleTimeout;
        var quietSince = started;
        long seen = deliveries.Sum(d => (long)d.Received.Count);
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2))
        {
            if (DateTime.UtcNow > deadline)
            {
                _notes.Add($"{Name}: deliveries were still arriving {options.SettleTimeout.TotalSeconds:0} s after the liquidations settled; the audit counts what had arrived then.");
                return;
            }
            await Task.Delay(250, cancellation);
            long now = deliveries.Sum(d => (long)d.Received.Count);
            if (now != seen) (seen, quietSince) = (now, DateTime.UtcNow);
        }
        if (DateTime.UtcNow - started > TimeSpan.FromSeconds(3)) _notes.Add($"{Name}: deliveries went on arriving for {(DateTime.UtcNow - started).TotalSeconds - 2:0.#} s after the liquidations settled.");
    }

    public async ValueTask DisposeAsync()
    {
        // In parallel: a FIX Logout waits for the gateway's answer.
        await Task.WhenAll(_traders.Select(t => Task.Run(() => t.DisposeAsync().AsTask())).Concat(_subscribers.Select(s => s.DisposeAsync().AsTask())));
    }
}

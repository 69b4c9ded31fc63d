using Backpack.Gateway.LoadTests.Clients;
using Backpack.Gateway.LoadTests.Generators;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Reporting;
using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests;

/// <summary>Where a run's report went, and the report itself.</summary>
public sealed record RunResult(RunReport Report, string MarkdownPath, string HtmlPath)
{
    /// <summary>comparison.md when the run was compared with a saved one.</summary>
    public string? ComparisonPath { get; init; }
}

/// <summary>
/// One crash load run against a running venue (docs/load-tests.md): connect the subscribers and
/// both fleets, let the leveraged accounts take their positions, then drive the load plans while
/// the crash scenario is started mid-run through the admin endpoint; afterwards wait for the
/// liquidations to settle, audit the liquidation and ADL events against the engine's log, read
/// the venue's summary and write the reports. Bounded: the plans' length plus the set-up and
/// settle timeouts.
/// </summary>
public sealed class CrashLoadTest(LoadTestOptions options, TextWriter log)
{
    public async Task<RunResult> RunAsync(CancellationToken cancellation)
    {
        var started = DateTime.UtcNow;
        using var admin = new AdminApi(options.HttpBase, options.AdminToken);
        await admin.WaitReadyAsync(TimeSpan.FromSeconds(30), cancellation);
        var before = await admin.SummaryAsync(cancellation);
        var markets = new MarketView(before.Markets.Select(m => new MarketInfo(m.Symbol, m.TickSize, m.StepSize, m.Mark, m.Index)).ToList());
        var fleet = FleetAccounts.Load(options.AccountsFile);
        if (fleet.FixSessions.Count < options.FixSessions || fleet.WebSocketTraders.Count < options.WebSocketTraders)
        {
            throw new InvalidOperationException($"{options.AccountsFile} has {fleet.FixSessions.Count} FIX sessions and {fleet.WebSocketTraders.Count} WebSocket traders; " +
                $"the run wants {options.FixSessions} and {options.WebSocketTraders} (write a bigger fleet with the accounts command)");
        }
        var clock = new RunClock();
        var recorder = new RunRecorder(clock);
        var notes = new List<string>();
        LocalGenerator? local = null;
        var generators = new List<ILoadGenerator>();
        try
        {
            // One generator in this process, or worker processes with a slice of the fleet each.
            if (options.Generators == 1) generators.Add(local = new LocalGenerator(options, fleet, markets, recorder, 0, 1, log));
            else
            {
                for (int k = 0; k < options.Generators; k++) generators.Add(new WorkerGenerator(k, options.Generators, options.WorkerArguments, log));
            }
            var setup = (await Task.WhenAll(generators.Select(g => g.PrepareAsync(cancellation)))).SelectMany(x => x).ToList();
            foreach (var line in setup.Where(s => s.Notional < s.TargetNotional / 2))
            {
                notes.Add($"{line.Client} reached only {line.Notional:N0} of its {line.TargetNotional:N0} USDC target position (margin or liquidity); is the account fresh?");
            }

            // The measured run: every generator starts on the same moment of the machine's monotonic clock.
            var baseline = await admin.SummaryAsync(cancellation);
            long start = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency / 5;
            clock.RestartAt(start);
            var sampler = new ResourceSampler(admin, clock, generators.OfType<WorkerGenerator>().Select(w => w.Process).ToList());
            using var stopSampling = new CancellationTokenSource();
            var sampling = sampler.RunAsync(stopSampling.Token);
            var crash = StartCrashAsync(admin, clock, recorder, generators, notes, cancellation);
            var load = Task.WhenAll(generators.Select(g => g.RunAsync(start, cancellation)));
            await LiveView.RunAsync(() => Status(clock, recorder, local, markets), load, options.LiveView && local is not null, log);
            await load;
            await crash;
            stopSampling.Cancel();
            await sampling;
            if (sampler.Failures > 0) notes.Add($"{sampler.Failures} of the venue's /metrics samples failed, the first: {sampler.FirstFailure}");

            // The liquidations' end, then every client's deliveries once they stop arriving.
            var cut = await SettleAsync(admin, cancellation);
            var results = await Task.WhenAll(generators.Select(g => g.CollectAsync(withFigures: g is not LocalGenerator, cancellation)));
            foreach (var (result, generator) in results.Zip(generators))
            {
                if (result.Figures is { } figures) recorder.Add(figures);
                notes.AddRange(result.Notes);
                if (generator is WorkerGenerator)
                {
                    var p = result.Process;
                    notes.Add($"{generator.Name}: {result.FixSessions} FIX sessions, {result.WebSocketTraders} WebSocket traders, {result.SubscriberCount} subscribers; " +
                              $"CPU {p.CpuSeconds:0.0} s, GC {p.Gen0}/{p.Gen1}/{p.Gen2}, pauses {p.GcPauseSeconds * 1000:0} ms since it started.");
                }
            }
            var traderDeliveries = results.SelectMany(r => r.Traders).Select(Deliveries.From).ToList();
            var subscriberDeliveries = results.SelectMany(r => r.Subscribers).Select(Deliveries.From).ToList();
            var events = await admin.LiquidationEventsAsync(before.Sequence, cancellation);
            var audit = DeliveryAudit.Run(events, baseline.Sequence, cut.Time, traderDeliveries, subscriberDeliveries, recorder);
            var after = await admin.SummaryAsync(cancellation);
            notes.Add($"Audit window: engine sequence {baseline.Sequence} to the settled point at {cut.Sequence}; {events.Count(e => e.Sequence > baseline.Sequence)} margin-call, liquidation and ADL events in the engine's log after the start.");

            var counts = new FleetCounts(results.Sum(r => r.FixSessions), results.Sum(r => r.FixLeveraged), results.Sum(r => r.WebSocketTraders),
                results.Sum(r => r.WebSocketLeveraged), results.Sum(r => r.SubscriberCount), generators.Count);
            var writer = new ReportWriter(options);
            var report = writer.Build(started, baseline, after, setup, recorder, audit, counts, notes);
            report = report with
            {
                UnreadableMessages = results.Sum(r => r.Unreadable),
                Plan = options.Plan,
                Resources = ResourceReport.From(sampler.Samples, sampler.Failures, ReportWriter.PhaseWindows(report)),
            };
            return writer.Write(report, ReportWriter.Distributions(recorder));
        }
        finally
        {
            await Task.WhenAll(generators.Select(g => g.DisposeAsync().AsTask()));
        }
    }

    private async Task StartCrashAsync(AdminApi admin, RunClock clock, RunRecorder recorder, IReadOnlyList<ILoadGenerator> generators, List<string> notes, CancellationToken cancellation)
    {
        if (options.CrashAt >= options.Duration)
        {
            notes.Add("No crash: it was due after the end of the run.");
            return;
        }
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, options.CrashAt - clock.Elapsed)), cancellation);
        // The phase turns when the request goes out; its end is known from the answer.
        double at = clock.Elapsed;
        void Crash(double from, double to)
        {
            recorder.OnCrash(from, to); // the run's phases (a generator in this process shares this recorder)
            foreach (var g in generators) g.OnCrash(from, to);
        }
        Crash(at, double.PositiveInfinity);
        double length = await admin.StartScenarioAsync(options.Scenario, options.CrashSpeed, cancellation);
        Crash(at, at + length);
        log.WriteLine($"[{at:0.0} s] scenario {options.Scenario} started at speed {options.CrashSpeed} for {length:0.#} s");
    }

    /// <summary>Waits until no liquidation is in progress (or the timeout); returns the summary at that point (the audit's cut).</summary>
    private async Task<VenueSummary> SettleAsync(AdminApi admin, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + options.SettleTimeout;
        while (true)
        {
            var summary = await admin.SummaryAsync(cancellation);
            if (summary.Liquidations.Active == 0 || DateTime.UtcNow > deadline) return summary;
            await Task.Delay(250, cancellation);
        }
    }

    private LiveStatus Status(RunClock clock, RunRecorder recorder, LocalGenerator? local, MarketView markets)
    {
        double now = clock.Elapsed;
        var phase = recorder.PhaseAt(now);
        var traders = local?.Traders ?? [];
        var lines = new[] { Channel.Fix, Channel.WebSocket }.Select(c =>
        {
            var all = Enumerable.Range(0, 3).Select(p => recorder.Figures(c, (Phase)p)).ToList();
            var series = recorder.Series(c);
            var last = series.LastOrDefault(s => s.Second == (int)now - 1);
            var current = recorder.Figures(c, phase).Ack[(int)RequestKind.New];
            return new LiveStatus.ChannelLine(c.ToString(), traders.Count(t => t.Channel == c), all.Sum(f => f.TotalSent), all.Sum(f => f.TotalOk),
                all.Sum(f => f.TotalFailed), last.Count, current.ValueAt(50), current.ValueAt(99), traders.Where(t => t.Channel == c).Sum(t => t.Outstanding));
        }).ToList();
        string crash = double.IsInfinity(recorder.CrashStart) ? $"crash {options.Scenario} at {options.CrashAt:0.#} s"
            : now < recorder.CrashEnd ? $"{options.Scenario} playing until {recorder.CrashEnd:0.#} s" : $"{options.Scenario} over";
        return new LiveStatus(now, options.Duration, phase.ToString(), lines, markets.Markets.Select(m => (m.Symbol, m.Mark)).ToList(),
            local is { Subscribers.Count: > 0 } ? local.Subscribers[0].Deliveries.Received.Count : 0, crash);
    }
}

using Backpack.Gateway.LoadTests.Clients;
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
        var traders = new List<TradingClient>();
        var subscribers = new List<PublicSubscriber>();
        try
        {
            // Connect: subscribers first (they keep the marks current), then both fleets.
            for (int i = 0; i < options.Subscribers; i++) subscribers.Add(new PublicSubscriber(options.WebSocketUri, i + 1, markets));
            await Task.WhenAll(subscribers.Select(s => s.ConnectAsync(cancellation)));
            int seed = options.Seed * 1000;
            traders.AddRange(fleet.FixSessions.Take(options.FixSessions)
                .Select(s => new FixTrader(options.FixEndpoint, options.FixTargetCompId, s, markets, recorder, seed++)));
            traders.AddRange(fleet.WebSocketTraders.Take(options.WebSocketTraders)
                .Select(a => new WsTrader(options.WebSocketUri, a, markets, recorder, seed++)));
            await Task.WhenAll(traders.Select(t => t.ConnectAsync(cancellation)));
            log.WriteLine($"Connected {traders.Count(t => t.Channel == Channel.Fix)} FIX sessions, {traders.Count(t => t.Channel == Channel.WebSocket)} WebSocket traders " +
                          $"and {subscribers.Count} subscribers to {options.HttpBase}");

            var setup = await SetUpLeverageAsync(traders, markets, cancellation);
            foreach (var line in setup.Where(s => s.Notional < s.TargetNotional / 2))
            {
                notes.Add($"{line.Client} reached only {line.Notional:N0} of its {line.TargetNotional:N0} USDC target position (margin or liquidity); is the account fresh?");
            }

            // The warm-up (not measured), then the measured run on a restarted clock.
            var active = traders.Where(t => !t.Account.Leveraged).ToList();
            if (options.WarmUp > TimeSpan.Zero)
            {
                clock.Restart();
                await Drive(active, clock, WarmUpPlan(options.FixPlan), WarmUpPlan(options.WebSocketPlan), cancellation);
            }
            var baseline = await admin.SummaryAsync(cancellation);
            foreach (var t in traders) t.Measuring = true;
            clock.Restart();
            var sampler = new ResourceSampler(admin, clock);
            using var stopSampling = new CancellationTokenSource();
            var sampling = sampler.RunAsync(stopSampling.Token);
            var crash = StartCrashAsync(admin, clock, recorder, notes, cancellation);
            var load = Drive(active, clock, options.FixPlan, options.WebSocketPlan, cancellation);
            await LiveView.RunAsync(() => Status(clock, recorder, traders, subscribers, markets), load, options.LiveView, log);
            await load;
            await crash;
            stopSampling.Cancel();
            await sampling;
            if (sampler.Failures > 0) notes.Add($"{sampler.Failures} of the venue's /metrics samples failed, the first: {sampler.FirstFailure}");

            // Answers still on their way, then the liquidations' end and their events.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (traders.Sum(t => t.Outstanding) > 0 && DateTime.UtcNow < deadline) await Task.Delay(100, cancellation);
            int unanswered = traders.Sum(t => t.FailUnanswered());
            if (unanswered > 0) notes.Add($"{unanswered} requests had no answer 5 s after the load stopped");
            foreach (var t in traders) t.Measuring = false;
            var cut = await SettleAsync(admin, cancellation);
            var deliveries = traders.Select(t => t.Deliveries).Concat(subscribers.Select(s => s.Deliveries)).ToList();
            await QuietAsync(deliveries, notes, cancellation);
            foreach (var d in deliveries) d.Freeze();
            var events = await admin.LiquidationEventsAsync(before.Sequence, cancellation);
            var audit = DeliveryAudit.Run(events, baseline.Sequence, cut.Time, traders.Select(t => t.Deliveries).ToList(), subscribers.Select(s => s.Deliveries).ToList(), recorder);
            var after = await admin.SummaryAsync(cancellation);
            foreach (var fix in traders.OfType<FixTrader>())
            {
                if (fix.Initiator is { SequenceGaps: > 0 } or { Rejects: > 0 }) notes.Add($"{fix.Name}: {fix.Initiator.SequenceGaps} sequence gaps, {fix.Initiator.Rejects} session or business rejects");
            }
            var unreadable = traders.Select(t => (t.Name, t.Unreadable)).Concat(subscribers.Select(s => (s.Deliveries.Client, s.Unreadable))).Where(u => u.Unreadable.Count > 0).ToList();
            foreach (var (name, (count, first)) in unreadable) notes.Add($"{name}: {count} messages from the gateway could not be read, the first: {first}");
            notes.Add($"Audit window: engine sequence {baseline.Sequence} to the settled point at {cut.Sequence}; {events.Count(e => e.Sequence > baseline.Sequence)} margin-call, liquidation and ADL events in the engine's log after the start.");

            var report = BuildReport(started, baseline, after, setup, recorder, audit, traders, notes);
            report = report with
            {
                UnreadableMessages = unreadable.Sum(u => u.Unreadable.Count),
                Plan = options.Plan,
                Resources = ResourceReport.From(sampler.Samples, sampler.Failures, PhaseWindows(report)),
            };
            return Write(report, Distributions(recorder));
        }
        finally
        {
            // In parallel: a FIX Logout waits for the gateway's answer.
            await Task.WhenAll(traders.Select(t => Task.Run(() => t.DisposeAsync().AsTask())).Concat(subscribers.Select(s => s.DisposeAsync().AsTask())));
        }
    }

    /// <summary>Runs each active trader's pacer through its channel's plan; each fleet's sends leave from a pacing thread of its own.</summary>
    private static async Task Drive(List<TradingClient> active, RunClock clock, IReadOnlyList<LoadSimulation> fixPlan, IReadOnlyList<LoadSimulation> webSocketPlan,
        CancellationToken cancellation)
    {
        var run = new List<Task>();
        var pacingThreads = new List<PacingThread>();
        try
        {
            foreach (var channel in new[] { Channel.Fix, Channel.WebSocket })
            {
                var plan = channel == Channel.Fix ? fixPlan : webSocketPlan;
                var fleetOf = active.Where(t => t.Channel == channel).ToList();
                var pacing = new PacingThread(channel == Channel.Fix ? "pacer-fix" : "pacer-ws");
                pacingThreads.Add(pacing);
                for (int i = 0; i < fleetOf.Count; i++)
                {
                    var trader = fleetOf[i];
                    var pacer = new Pacer(plan, i, fleetOf.Count, clock, pacing);
                    run.Add(Task.Run(() => pacer.RunAsync(trader.SendNextAsync, trader.SendNextAndWaitAsync, cancellation), cancellation));
                }
            }
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

    /// <summary>Each leveraged account buys Leverage x its deposit of one market (taken in turn), all at once.</summary>
    private async Task<IReadOnlyList<SetupLine>> SetUpLeverageAsync(List<TradingClient> traders, MarketView markets, CancellationToken cancellation)
    {
        var leveraged = traders.Where(t => t.Account.Leveraged).ToList();
        var tasks = leveraged.Select(async (t, i) =>
        {
            var market = markets.Markets[i % markets.Markets.Count];
            decimal target = t.Account.Deposit * options.Leverage;
            decimal quantity = await t.BuildLongAsync(market, target, options.SetupTimeout, cancellation);
            return new SetupLine(t.Name, market.Symbol, target, quantity, Math.Round(quantity * market.Mark, 2));
        }).ToList();
        var lines = await Task.WhenAll(tasks);
        log.WriteLine($"Leveraged set-up: {string.Join(", ", lines.Select(l => $"{l.Client} {l.Quantity} {l.Symbol} ({l.Notional:N0} USDC)"))}");
        return lines;
    }

    private async Task StartCrashAsync(AdminApi admin, RunClock clock, RunRecorder recorder, List<string> notes, CancellationToken cancellation)
    {
        if (options.CrashAt >= options.Duration)
        {
            notes.Add("No crash: it was due after the end of the run.");
            return;
        }
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, options.CrashAt - clock.Elapsed)), cancellation);
        // The phase turns when the request goes out; its end is known from the answer.
        double at = clock.Elapsed;
        recorder.OnCrash(at, double.PositiveInfinity);
        double length = await admin.StartScenarioAsync(options.Scenario, options.CrashSpeed, cancellation);
        recorder.OnCrash(at, at + length);
        log.WriteLine($"[{at:0.0} s] scenario {options.Scenario} started at speed {options.CrashSpeed} for {length:0.#} s");
    }

    /// <summary>
    /// Waits until no client has received anything for 2 s (at most the settle timeout): events still
    /// on their way to a loaded client are late, not lost, and the audit must not call them lost.
    /// </summary>
    private async Task QuietAsync(IReadOnlyList<Deliveries> deliveries, List<string> notes, CancellationToken cancellation)
    {
        var started = DateTime.UtcNow;
        var deadline = started + options.SettleTimeout;
        var quietSince = started;
        long seen = deliveries.Sum(d => (long)d.Received.Count);
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2))
        {
            if (DateTime.UtcNow > deadline)
            {
                notes.Add($"Deliveries were still arriving {options.SettleTimeout.TotalSeconds:0} s after the liquidations settled; the audit counts what had arrived then.");
                return;
            }
            await Task.Delay(250, cancellation);
            long now = deliveries.Sum(d => (long)d.Received.Count);
            if (now != seen) (seen, quietSince) = (now, DateTime.UtcNow);
        }
        if (DateTime.UtcNow - started > TimeSpan.FromSeconds(3)) notes.Add($"Deliveries went on arriving for {(DateTime.UtcNow - started).TotalSeconds - 2:0.#} s after the liquidations settled.");
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

    private LiveStatus Status(RunClock clock, RunRecorder recorder, List<TradingClient> traders, List<PublicSubscriber> subscribers, MarketView markets)
    {
        double now = clock.Elapsed;
        var phase = recorder.PhaseAt(now);
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
            subscribers.Count == 0 ? 0 : subscribers[0].Deliveries.Received.Count, crash);
    }

    private RunReport BuildReport(DateTime started, VenueSummary before, VenueSummary after, IReadOnlyList<SetupLine> setup, RunRecorder recorder,
        IReadOnlyList<AuditLine> audit, List<TradingClient> traders, List<string> notes)
    {
        double duration = options.Duration;
        double? crashStart = double.IsInfinity(recorder.CrashStart) ? null : recorder.CrashStart;
        double? crashEnd = crashStart is null ? null : recorder.CrashEnd;
        double PhaseSeconds(Phase p) => p switch
        {
            Phase.Before => Math.Min(duration, crashStart ?? duration),
            Phase.During => crashStart is { } s ? Math.Max(0, Math.Min(duration, crashEnd!.Value) - s) : 0,
            _ => crashEnd is { } e ? Math.Max(0, duration - e) : 0,
        };
        PhaseLine Line(Channel c, string phaseName, double seconds, IReadOnlyList<PhaseFigures> parts)
        {
            LatencyHistogram Merge(Func<PhaseFigures, LatencyHistogram> pick) => LatencyHistogram.Merge(parts.Select(pick));
            long ok = parts.Sum(f => f.TotalOk);
            var failures = parts.SelectMany(f => f.Failures).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(x => x.Value));
            return new PhaseLine(c == Channel.Fix ? "FIX" : "WebSocket", phaseName, seconds, parts.Sum(f => f.TotalSent), ok, parts.Sum(f => f.TotalFailed),
                seconds > 0 ? ok / seconds : 0,
                Percentiles.Of(Merge(f => f.Ack[(int)RequestKind.New])), Percentiles.Of(Merge(f => f.Ack[(int)RequestKind.Replace])),
                Percentiles.Of(Merge(f => f.Ack[(int)RequestKind.Cancel])), parts.Sum(f => f.Fills),
                Percentiles.Of(Merge(f => f.FillDelivery)), Percentiles.Of(Merge(f => f.LiquidationDelivery)), failures)
            {
                PacerLateness = Percentiles.Of(Merge(f => f.PacerLateness)),
                NewOrderService = Percentiles.Of(Merge(f => f.NewOrderService)),
                EarlySends = parts.Sum(f => f.EarlySends),
            };
        }
        var channels = new[] { Channel.Fix, Channel.WebSocket };
        var phases = Enum.GetValues<Phase>().Where(p => PhaseSeconds(p) > 0).ToList();
        var phaseLines = channels.SelectMany(c => phases.Select(p => Line(c, p.ToString().ToLowerInvariant(), PhaseSeconds(p), [recorder.Figures(c, p)]))).ToList();
        var totals = channels.Select(c => Line(c, "whole run", duration, Enum.GetValues<Phase>().Select(p => recorder.Figures(c, p)).ToList())).ToList();
        var publicDelivery = phases.Select(p => (p.ToString().ToLowerInvariant(), Percentiles.Of(recorder.PublicLiquidationDelivery[(int)p]))).ToList();
        publicDelivery.Add(("whole run", Percentiles.Of(LatencyHistogram.Merge(recorder.PublicLiquidationDelivery))));

        var settings = new List<string>
        {
            $"Venue: {options.HttpBase} (FIX {options.FixEndpoint}, WebSocket {options.WebSocketUri}); fleet from {options.AccountsFile}",
            $"FIX: {traders.Count(t => t.Channel == Channel.Fix)} sessions ({traders.Count(t => t.Channel == Channel.Fix && t.Account.Leveraged)} leveraged), load plan {LoadSimulation.Describe(options.FixPlan)}",
            $"WebSocket: {traders.Count(t => t.Channel == Channel.WebSocket)} traders ({traders.Count(t => t.Channel == Channel.WebSocket && t.Account.Leveraged)} leveraged), load plan {LoadSimulation.Describe(options.WebSocketPlan)}; {options.Subscribers} passive subscribers",
            $"Crash: scenario {options.Scenario} at speed {options.CrashSpeed}, started {options.CrashAt:0.#} s into the run; leveraged accounts at {options.Leverage}x; {options.WarmUp.TotalSeconds:0.#} s unmeasured warm-up at half rate before the run",
            $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
        };
        var series = channels.ToDictionary(c => c == Channel.Fix ? "FIX" : "WebSocket", c => recorder.Series(c));
        var histograms = channels.ToDictionary(c => c == Channel.Fix ? "FIX" : "WebSocket",
            c => (IReadOnlyList<(long, long, long)>)recorder.AckOverall(c, RequestKind.New).Buckets().ToList());
        return new RunReport(options.Title, started, settings, duration, crashStart, crashEnd, phaseLines, totals, publicDelivery, audit, setup,
            before, after, series, histograms, notes);
    }

    /// <summary>Each phase of the report as (name, from, to) in run seconds, and the whole run.</summary>
    private static IReadOnlyList<(string Name, double From, double To)> PhaseWindows(RunReport report)
    {
        double end = report.DurationSeconds;
        var windows = new List<(string, double, double)>();
        if (report.CrashStart is { } start)
        {
            double stop = Math.Min(end, report.CrashEnd ?? end);
            windows.Add(("before", 0, start));
            windows.Add(("during", start, stop));
            if (stop < end) windows.Add(("after", stop, end));
        }
        windows.Add(("whole run", 0, end));
        return windows;
    }

    /// <summary>The whole run's distributions per channel, written as .hgrm files beside the report.</summary>
    private static Dictionary<string, LatencyHistogram> Distributions(RunRecorder recorder)
    {
        var files = new Dictionary<string, LatencyHistogram>();
        foreach (var channel in new[] { Channel.Fix, Channel.WebSocket })
        {
            string name = channel == Channel.Fix ? "fix" : "websocket";
            var phases = Enum.GetValues<Phase>().Select(p => recorder.Figures(channel, p)).ToList();
            files[$"{name}-new-order-ack"] = LatencyHistogram.Merge(phases.Select(f => f.Ack[(int)RequestKind.New]));
            files[$"{name}-new-order-ack-during-crash"] = recorder.Figures(channel, Phase.During).Ack[(int)RequestKind.New];
            files[$"{name}-new-order-service"] = LatencyHistogram.Merge(phases.Select(f => f.NewOrderService));
            files[$"{name}-pacer-lateness"] = LatencyHistogram.Merge(phases.Select(f => f.PacerLateness));
            files[$"{name}-liquidation-delivery"] = LatencyHistogram.Merge(phases.Select(f => f.LiquidationDelivery));
        }
        return files;
    }

    private RunResult Write(RunReport report, IReadOnlyDictionary<string, LatencyHistogram> distributions)
    {
        string folder = Path.GetFullPath(Path.Combine(options.ReportDirectory, report.StartedUtc.ToString("yyyyMMdd-HHmmss") + "-" + options.Scenario));
        Directory.CreateDirectory(folder);
        string md = Path.Combine(folder, "report.md"), html = Path.Combine(folder, "report.html");
        // HdrHistogram's percentile text (milliseconds), for its plotter and the usual tools.
        foreach (var (name, histogram) in distributions)
        {
            using var hgrm = new StreamWriter(Path.Combine(folder, name + ".hgrm"));
            histogram.WritePercentileDistribution(hgrm);
        }
        File.WriteAllText(md, MarkdownReport.Render(report));
        File.WriteAllText(html, HtmlReport.Render(report));
        File.WriteAllText(Path.Combine(folder, "report.json"), RunComparison.Serialize(report)); // what a later run compares with
        string? comparison = null;
        if (options.CompareWith is { } baseline)
        {
            comparison = Path.Combine(folder, "comparison.md");
            File.WriteAllText(comparison, RunComparison.Render(RunComparison.Load(baseline), report, baseline));
        }
        return new RunResult(report, md, html) { ComparisonPath = comparison };
    }
}

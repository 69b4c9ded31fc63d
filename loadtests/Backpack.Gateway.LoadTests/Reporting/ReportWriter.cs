using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Reporting;

/// <summary>How many clients of each kind the run had, over all its load generators.</summary>
public sealed record FleetCounts(int FixSessions, int FixLeveraged, int WebSocketTraders, int WebSocketLeveraged, int Subscribers, int Generators);

/// <summary>
/// Turns a run's measurements into its report (<see cref="RunReport"/>) and writes it: report.md,
/// report.html, report.json and the distributions as HdrHistogram text, and the comparison with a
/// saved run when one was asked for.
/// </summary>
public sealed class ReportWriter(LoadTestOptions options)
{
    public RunReport Build(DateTime started, VenueSummary before, VenueSummary after, IReadOnlyList<SetupLine> setup, RunRecorder recorder,
        IReadOnlyList<AuditLine> audit, FleetCounts fleet, List<string> notes)
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
            $"FIX: {fleet.FixSessions} sessions ({fleet.FixLeveraged} leveraged), load plan {LoadSimulation.Describe(options.FixPlan)}",
            $"WebSocket: {fleet.WebSocketTraders} traders ({fleet.WebSocketLeveraged} leveraged), load plan {LoadSimulation.Describe(options.WebSocketPlan)}; {fleet.Subscribers} passive subscribers",
            $"Load generators: {fleet.Generators} ({(fleet.Generators == 1 ? "the clients in this process" : "worker processes, their figures merged")})",
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
    public static IReadOnlyList<(string Name, double From, double To)> PhaseWindows(RunReport report)
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
    public static Dictionary<string, LatencyHistogram> Distributions(RunRecorder recorder)
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

    public RunResult Write(RunReport report, IReadOnlyDictionary<string, LatencyHistogram> distributions)
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

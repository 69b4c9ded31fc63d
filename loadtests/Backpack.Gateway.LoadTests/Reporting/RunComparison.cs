using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Backpack.Gateway.LoadTests.Reporting;

/// <summary>
/// A run against a saved earlier one (its report.json): the same figures side by side with the
/// change, so that a reader sees what a change to the gateway did. Runs of different plans can be
/// compared but are flagged, since their figures do not measure the same thing.
/// </summary>
public static class RunComparison
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true, WriteIndented = true };

    /// <summary>The report as JSON (report.json beside report.md), what a later run compares against.</summary>
    public static string Serialize(RunReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>Reads report.json, or the report.json of a run folder.</summary>
    public static RunReport Load(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, "report.json") : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"no saved run at {file} (a run folder with report.json, or the file)");
        try
        {
            return JsonSerializer.Deserialize<RunReport>(File.ReadAllText(file), Json) ?? throw new FormatException($"{file} is empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{file} is not a run's report.json: {e.Message}");
        }
    }

    public static string Render(RunReport baseline, RunReport run, string baselineName)
    {
        var s = new StringBuilder();
        s.AppendLine($"# Comparison with {baselineName}");
        s.AppendLine();
        s.AppendLine($"Baseline started {baseline.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, this run {run.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC. " +
                     "Change: this run minus the baseline; for latencies and CPU lower is better, for throughput higher.");
        s.AppendLine();
        if (baseline.Plan != run.Plan)
        {
            s.AppendLine($"**The plans differ**, so these figures do not measure the same load: baseline `{baseline.Plan}`, this run `{run.Plan}`.");
            s.AppendLine();
        }
        s.AppendLine($"Verdict: baseline {(baseline.Problems.Count == 0 ? "correct" : "PROBLEMS")}, this run {(run.Problems.Count == 0 ? "correct" : "PROBLEMS: " + string.Join("; ", run.Problems))}.");
        s.AppendLine();

        var rows = new List<string[]>();
        // The crash and the whole run: the phases before and after are in each run's own report.
        foreach (var line in run.Phases.Where(p => p.Phase == "during").Concat(run.Totals))
        {
            var was = baseline.Phases.Concat(baseline.Totals).FirstOrDefault(b => b.Channel == line.Channel && b.Phase == line.Phase);
            if (was is null) continue;
            rows.Add(Count("acknowledged/s", line, was.OkPerSecond, line.OkPerSecond));
            rows.Add(Count("refused or unanswered", line, was.Failed, line.Failed));
            rows.AddRange(Latencies("new order ack", line, was.NewOrderAck, line.NewOrderAck));
            rows.AddRange(Latencies("new order service", line, was.NewOrderService, line.NewOrderService));
            rows.AddRange(Latencies("own fill delivery", line, was.FillDelivery, line.FillDelivery));
            rows.AddRange(Latencies("liquidation event delivery", line, was.LiquidationDelivery, line.LiquidationDelivery));
            if (line.Phase == "whole run") rows.AddRange(Latencies("pacer lateness", line, was.PacerLateness, line.PacerLateness));
        }
        s.AppendLine("## Latency and throughput");
        s.AppendLine();
        MarkdownReport.Table(s, ["figure", "channel", "phase", "baseline", "this run", "change"], rows);

        s.AppendLine("## Liquidations and the venue");
        s.AppendLine();
        var (b, r) = (baseline.Liquidations, run.Liquidations);
        var venue = new List<string[]>
        {
            Plain("events lost / duplicated", $"{baseline.EventsLost} / {baseline.EventsDuplicated}", $"{run.EventsLost} / {run.EventsDuplicated}"),
            Plain("liquidations started (bankrupt)", $"{b.Started} ({b.Bankrupt})", $"{r.Started} ({r.Bankrupt})"),
            Plain("book share of the notional", Share(b.BookNotional, b.TotalNotional), Share(r.BookNotional, r.TotalNotional)),
            Plain("ADL share of the notional", Share(b.AdlNotional, b.TotalNotional), Share(r.AdlNotional, r.TotalNotional)),
        };
        foreach (var process in run.Resources.Processes.Where(p => p.Phase == "whole run"))
        {
            var was = baseline.Resources.Processes.FirstOrDefault(p => p.Process == process.Process && p.Phase == process.Phase);
            if (was is null) continue;
            venue.Add(Change($"{process.Process} CPU seconds", was.CpuSeconds, process.CpuSeconds, "0.00"));
            venue.Add(Change($"{process.Process} GC pauses (ms)", was.GcPauseMilliseconds, process.GcPauseMilliseconds, "0.0"));
            venue.Add(Change($"{process.Process} allocated (MB)", was.AllocatedMegabytes, process.AllocatedMegabytes, "N0"));
        }
        MarkdownReport.Table(s, ["figure", "baseline", "this run", "change"], venue);
        return s.ToString();
    }

    private static string[] Count(string figure, PhaseLine line, double was, double now) =>
        [figure, line.Channel, line.Phase, Number(was), Number(now), Delta(was, now, (now >= was ? "+" : "-") + Number(Math.Abs(now - was)))];

    private static IEnumerable<string[]> Latencies(string figure, PhaseLine line, Percentiles was, Percentiles now)
    {
        if (was.Count == 0 && now.Count == 0) yield break;
        foreach (var (name, a, c) in new[] { ("p50", was.P50, now.P50), ("p99", was.P99, now.P99), ("max", was.Max, now.Max) })
        {
            yield return [$"{figure} {name}", line.Channel, line.Phase, MarkdownReport.Latency(a, was.Count), MarkdownReport.Latency(c, now.Count),
                was.Count == 0 || now.Count == 0 ? "-" : Delta(a, c, (c >= a ? "+" : "-") + MarkdownReport.Latency(Math.Abs(c - a)))];
        }
    }

    private static string[] Plain(string figure, string was, string now) => [figure, was, now, was == now ? "same" : "changed"];

    private static string[] Change(string figure, double was, double now, string format) =>
        [figure, was.ToString(format, CultureInfo.InvariantCulture), now.ToString(format, CultureInfo.InvariantCulture),
            Delta(was, now, (now >= was ? "+" : "-") + Math.Abs(now - was).ToString(format, CultureInfo.InvariantCulture))];

    /// <summary>"+1.2 ms (+35%)": the absolute change and, when the baseline is not 0, the relative one.</summary>
    private static string Delta(double was, double now, string absolute) =>
        was == 0 ? absolute : $"{absolute} ({(now - was) / was:+0%;-0%;0%})";

    private static string Number(double x) => x.ToString(x == Math.Floor(x) ? "N0" : "N1", CultureInfo.InvariantCulture);

    private static string Share(decimal part, decimal total) => total == 0 ? "-" : (part / total).ToString("P1", CultureInfo.InvariantCulture);
}

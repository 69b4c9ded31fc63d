using System.Globalization;
using System.Text;
using Backpack.Gateway.LoadTests.Measurement;

namespace Backpack.Gateway.LoadTests.Reporting;

/// <summary>The run's report as Markdown (report.md).</summary>
public static class MarkdownReport
{
    public static string Render(RunReport r)
    {
        var s = new StringBuilder();
        s.AppendLine($"# {r.Title}");
        s.AppendLine();
        s.AppendLine($"Started {r.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, measured for {r.DurationSeconds:0.#} s. " + CrashLine(r));
        s.AppendLine();
        foreach (string setting in r.Settings) s.AppendLine("- " + setting);
        s.AppendLine();
        s.AppendLine(r.Problems.Count == 0
            ? "**Verdict: correct.** Every liquidation and ADL event reached its client exactly once; the money checks hold; no negative equity is left."
            : "**Verdict: PROBLEMS.** " + string.Join("; ", r.Problems) + ".");
        s.AppendLine();

        s.AppendLine("## Throughput");
        s.AppendLine();
        Table(s, ["channel", "phase", "seconds", "requests sent", "acknowledged", "refused or unanswered", "acknowledged/s"],
            r.Phases.Concat(r.Totals).Select(p => new[] { p.Channel, p.Phase, F1(p.Seconds), N(p.Sent), N(p.Ok), N(p.Failed), F1(p.OkPerSecond) }));

        s.AppendLine("## Order -> acknowledgement latency (new orders, from the planned send time)");
        s.AppendLine();
        PercentileTable(s, r.Phases.Concat(r.Totals).Select(p => (p.Channel, p.Phase, p.NewOrderAck)));
        s.AppendLine("The same orders from the actual send (service time: the gateway's share, without the pacer's lateness):");
        s.AppendLine();
        PercentileTable(s, r.Phases.Concat(r.Totals).Select(p => (p.Channel, p.Phase, p.NewOrderService)));
        s.AppendLine("The pacer's lateness (actual send minus planned time, every request; a send before its planned time is counted apart):");
        s.AppendLine();
        PercentileTable(s, r.Totals.Select(p => (p.Channel, $"whole run, {N(p.EarlySends)} early", p.PacerLateness)));
        s.AppendLine("Replaces and cancels, whole run:");
        s.AppendLine();
        PercentileTable(s, r.Totals.SelectMany(p => new[] { (p.Channel, "replace", p.ReplaceAck), (p.Channel, "cancel", p.CancelAck) }));

        s.AppendLine("## Event delivery latency (engine time -> client)");
        s.AppendLine();
        s.AppendLine("Fills of the clients' own orders:");
        s.AppendLine();
        PercentileTable(s, r.Phases.Concat(r.Totals).Select(p => (p.Channel, p.Phase, p.FillDelivery)));
        s.AppendLine("Margin-call, liquidation and ADL events to the accounts concerned, and public liquidation events to the subscribers:");
        s.AppendLine();
        PercentileTable(s, r.Phases.Concat(r.Totals).Select(p => (p.Channel, p.Phase, p.LiquidationDelivery))
            .Concat(r.PublicLiquidationDelivery.Select(p => ("WebSocket public", p.Phase, p.Delivery))));
        s.AppendLine("FIX carries times in milliseconds: FIX fill figures are up to 1 ms high. Liquidation figures use the engine's microsecond time from its log on both channels.");
        s.AppendLine();

        Resources(s, r.Resources);

        s.AppendLine("## Liquidation and ADL events: exactly once");
        s.AppendLine();
        Table(s, ["channel", "clients", "emitted for them", "delivered once", "lost", "duplicated", "not in the engine's log"],
            r.Audit.Select(a => new[] { a.Channel, N(a.Clients), N(a.Expected), N(a.Delivered), N(a.Lost), N(a.Duplicated), N(a.Unexpected) }));
        foreach (var a in r.Audit)
        {
            foreach (string example in a.Examples) s.AppendLine($"- {a.Channel}: {example}");
        }
        s.AppendLine();

        s.AppendLine("## Liquidation pipeline");
        s.AppendLine();
        var l = r.Liquidations;
        s.AppendLine($"Liquidations started: {l.Started} (averted {l.Averted}, partial {l.Partial}, full {l.Full}, bankrupt {l.Bankrupt}; still active at the end {l.Active}).");
        s.AppendLine();
        Table(s, ["stage", "notional closed (USDC)", "share"],
        [
            ["order book", M(l.BookNotional), Share(l.BookNotional, l.TotalNotional)],
            ["backstop liquidity providers", M(l.BackstopNotional), Share(l.BackstopNotional, l.TotalNotional)],
            ["insurance fund", M(l.FundNotional), Share(l.FundNotional, l.TotalNotional)],
            ["auto-deleveraging", M(l.AdlNotional), Share(l.AdlNotional, l.TotalNotional)],
            ["total", M(l.TotalNotional), l.TotalNotional == 0 ? "-" : "100%"],
        ]);
        var c = r.After.MoneyChecks;
        s.AppendLine($"Insurance fund: {M(r.Before.InsuranceFund)} -> {M(r.After.InsuranceFund)} USDC (liquidation fees {M(l.Fees)}, shortfalls paid {M(l.ShortfallsPaid)}).");
        s.AppendLine();
        s.AppendLine($"Money checks after the run (engine sequence {r.After.Sequence}, state hash {r.After.StateHash}): cash discrepancy {c.CashDiscrepancy} USDC, " +
                     $"open interest balanced: {(c.OpenInterestBalanced ? "yes" : "NO")}, accounts with negative equity: {c.NegativeEquityAccounts}.");
        s.AppendLine();
        Table(s, ["market", "index before", "index after", "mark after", "open interest after (long = short)"],
            r.Before.Markets.Zip(r.After.Markets).Select(m => new[] { m.First.Symbol, M(m.First.Index), M(m.Second.Index), M(m.Second.Mark), M(m.Second.LongOpenInterest) }));

        s.AppendLine("## Refusals and failures");
        s.AppendLine();
        var failures = r.Totals.SelectMany(t => t.Failures.Select(f => (t.Channel, f.Key, f.Value))).OrderByDescending(f => f.Value).ToList();
        if (failures.Count == 0) s.AppendLine("None.");
        else Table(s, ["channel", "reason", "count"], failures.Select(f => new[] { f.Channel, f.Key, N(f.Value) }));
        if (failures.Any(f => f.Key == "PRICE_OUT_OF_BAND"))
        {
            s.AppendLine("PRICE_OUT_OF_BAND: the traders price from the index, while the band is around the mark, which lags the index in a fall; refusals, not errors.");
        }
        s.AppendLine("Refused requests are counted here and left out of the latency figures.");
        s.AppendLine();

        s.AppendLine("## Leveraged set-up (before the measured run)");
        s.AppendLine();
        Table(s, ["client", "market", "target notional (USDC)", "bought", "notional (USDC)"],
            r.Setup.Select(x => new[] { x.Client, x.Symbol, M(x.TargetNotional), x.Quantity.ToString(CultureInfo.InvariantCulture), M(x.Notional) }));

        if (r.Notes.Count > 0)
        {
            s.AppendLine("## Notes");
            s.AppendLine();
            foreach (string note in r.Notes) s.AppendLine("- " + note);
            s.AppendLine();
        }
        return s.ToString();
    }

    /// <summary>Where the time went: CPU and GC of the venue and of the generator, and the venue's queues as sampled.</summary>
    private static void Resources(StringBuilder s, ResourceReport resources)
    {
        s.AppendLine("## Where the time went");
        s.AppendLine();
        if (resources.Processes.Count == 0)
        {
            s.AppendLine($"The venue's /metrics could not be sampled ({resources.Samples} samples, {resources.FailedSamples} failed).");
            s.AppendLine();
            return;
        }
        s.AppendLine($"CPU and garbage collection of the venue (from its /metrics) and of the load generator (this process and its worker processes), {resources.Samples} samples " +
                     $"{ResourceSampler.Interval.TotalMilliseconds:0} ms apart; the CPU share is of all {Environment.ProcessorCount} cores:");
        s.AppendLine();
        Table(s, ["process", "phase", "seconds", "CPU seconds", "CPU share", "GC gen0 / gen1 / gen2", "GC pauses", "allocated"],
            resources.Processes.Select(p => new[] { p.Process, p.Phase, F1(p.Seconds), p.CpuSeconds.ToString("0.00", CultureInfo.InvariantCulture),
                p.CpuShare.ToString("P0", CultureInfo.InvariantCulture), $"{N(p.Gen0)} / {N(p.Gen1)} / {N(p.Gen2)}",
                p.GcPauseMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms", p.AllocatedMegabytes.ToString("N0", CultureInfo.InvariantCulture) + " MB" }));
        s.AppendLine("The venue's queues as sampled, highest / mean per phase (a queue that fills and drains between two samples shows 0):");
        s.AppendLine();
        var phases = resources.Queues.Select(q => q.Phase).Distinct().ToList();
        Table(s, ["queue", .. phases.Select(p => $"{p} ({N(resources.Queues.First(q => q.Phase == p).Samples)} samples)")],
            resources.Queues.GroupBy(q => q.Queue).Select(g => new[] { g.Key }.Concat(phases.Select(p => g.FirstOrDefault(q => q.Phase == p) is { } q
                ? $"{q.Max.ToString("N0", CultureInfo.InvariantCulture)} / {q.Mean.ToString("0.0", CultureInfo.InvariantCulture)}" : "-")).ToArray()));
        s.AppendLine($"The engine waited for a free event buffer {N(resources.EventBufferWaits)} times; {N(resources.SlowConsumerDisconnects)} WebSocket connections were cut off as slow consumers.");
        s.AppendLine();
    }

    private static string CrashLine(RunReport r) => r.CrashStart is { } start
        ? $"Crash from {start:0.0} s to {r.CrashEnd:0.0} s into the run."
        : "No crash was started.";

    private static void PercentileTable(StringBuilder s, IEnumerable<(string Channel, string Phase, Percentiles P)> rows) =>
        Table(s, ["channel", "phase", "count", "p50", "p75", "p95", "p99", "p99.9", "max"],
            rows.Select(x => new[] { x.Channel, x.Phase, N(x.P.Count), Latency(x.P.P50, x.P.Count), Latency(x.P.P75, x.P.Count), Latency(x.P.P95, x.P.Count),
                Latency(x.P.P99, x.P.Count), Latency(x.P.P999, x.P.Count), Latency(x.P.Max, x.P.Count) }));

    internal static void Table(StringBuilder s, string[] header, IEnumerable<string[]> rows)
    {
        s.AppendLine("| " + string.Join(" | ", header) + " |");
        s.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows) s.AppendLine("| " + string.Join(" | ", row) + " |");
        s.AppendLine();
    }

    /// <summary>Microseconds for people: 412 us, 3.18 ms, 1.25 s.</summary>
    public static string Latency(long micros, long count = 1)
    {
        if (count == 0) return "-";
        if (micros < 1000) return micros.ToString(CultureInfo.InvariantCulture) + " us";
        if (micros < 1_000_000) return (micros / 1000.0).ToString(micros < 10_000 ? "0.00" : micros < 100_000 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";
        return (micros / 1_000_000.0).ToString("0.00", CultureInfo.InvariantCulture) + " s";
    }

    public static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    public static string F1(double x) => x.ToString("N1", CultureInfo.InvariantCulture);
    public static string M(decimal x) => x.ToString("N2", CultureInfo.InvariantCulture);
    private static string Share(decimal part, decimal total) => total == 0 ? "-" : (part / total).ToString("P1", CultureInfo.InvariantCulture);
}

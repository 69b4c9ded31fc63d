using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Reporting;

/// <summary>Percentiles of one latency histogram, in microseconds.</summary>
public sealed record Percentiles(long Count, long P50, long P75, long P95, long P99, long P999, long Max)
{
    public static Percentiles Of(LatencyHistogram h) =>
        new(h.Count, h.ValueAt(50), h.ValueAt(75), h.ValueAt(95), h.ValueAt(99), h.ValueAt(99.9), h.Max);
}

/// <summary>One channel in one phase.</summary>
public sealed record PhaseLine(string Channel, string Phase, double Seconds, long Sent, long Ok, long Failed, double OkPerSecond,
    Percentiles NewOrderAck, Percentiles ReplaceAck, Percentiles CancelAck, long Fills, Percentiles FillDelivery, Percentiles LiquidationDelivery,
    IReadOnlyDictionary<string, long> Failures)
{
    /// <summary>How late the pacer put requests on the wire (actual send minus planned time).</summary>
    public Percentiles PacerLateness { get; init; } = Percentiles.Of(new LatencyHistogram());

    /// <summary>New orders from the actual send to the acknowledgement (without the pacer's lateness).</summary>
    public Percentiles NewOrderService { get; init; } = Percentiles.Of(new LatencyHistogram());

    /// <summary>Requests that left before their planned time.</summary>
    public long EarlySends { get; init; }
}

/// <summary>The leveraged set-up of one account: what it meant to buy and what it got.</summary>
public sealed record SetupLine(string Client, string Symbol, decimal TargetNotional, decimal Quantity, decimal Notional);

/// <summary>Everything one run measured; the Markdown and HTML reports are views of it.</summary>
public sealed record RunReport(
    string Title,
    DateTime StartedUtc,
    IReadOnlyList<string> Settings,
    double DurationSeconds,
    double? CrashStart,
    double? CrashEnd,
    IReadOnlyList<PhaseLine> Phases,
    IReadOnlyList<PhaseLine> Totals,
    IReadOnlyList<(string Phase, Percentiles Delivery)> PublicLiquidationDelivery,
    IReadOnlyList<AuditLine> Audit,
    IReadOnlyList<SetupLine> Setup,
    VenueSummary Before,
    VenueSummary After,
    IReadOnlyDictionary<string, IReadOnlyList<(int Second, long Count, long P50, long P99, long Max)>> Series,
    IReadOnlyDictionary<string, IReadOnlyList<(long Low, long High, long Count)>> AckHistograms,
    IReadOnlyList<string> Notes)
{
    /// <summary>Gateway messages the clients could not read (named in the notes).</summary>
    public int UnreadableMessages { get; init; }

    /// <summary>What was run (fleets, loads, crash), the same text for runs that can be compared.</summary>
    public string Plan { get; init; } = "";

    /// <summary>The venue's and the load generator's CPU, GC and queues during the run.</summary>
    public ResourceReport Resources { get; init; } = ResourceReport.Empty;

    public long EventsLost => Audit.Sum(a => a.Lost);
    public long EventsDuplicated => Audit.Sum(a => a.Duplicated);

    /// <summary>The liquidations of this run: the venue's totals after it minus before it.</summary>
    public VenueSummary.LiquidationTotals Liquidations
    {
        get
        {
            var a = After.Liquidations;
            var b = Before.Liquidations;
            decimal total = a.TotalNotional - b.TotalNotional;
            return new VenueSummary.LiquidationTotals(a.Started - b.Started, a.Active, a.Averted - b.Averted, a.Partial - b.Partial, a.Full - b.Full,
                a.Bankrupt - b.Bankrupt, a.BookNotional - b.BookNotional, a.BackstopNotional - b.BackstopNotional, a.FundNotional - b.FundNotional,
                a.AdlNotional - b.AdlNotional, total, total == 0 ? null : Math.Round((a.BookNotional - b.BookNotional) / total, 4),
                a.Fees - b.Fees, a.ShortfallsPaid - b.ShortfallsPaid);
        }
    }

    /// <summary>The correctness verdict: nothing lost or duplicated, the money checks hold, no negative equity left.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (EventsLost > 0) problems.Add($"{EventsLost} liquidation/ADL events did not reach their client");
            if (EventsDuplicated > 0) problems.Add($"{EventsDuplicated} liquidation/ADL events reached their client more than once");
            if (Audit.Sum(a => a.Unexpected) is var unexpected and > 0) problems.Add($"{unexpected} liquidation/ADL messages that no engine event explains");
            if (UnreadableMessages > 0) problems.Add($"{UnreadableMessages} messages from the gateway could not be read (see the notes)");
            if (Audit.Sum(a => a.LeftOut) is var leftOut and > 0) problems.Add($"{leftOut} clients lost their connection during the run");
            if (CrashStart is not null && Audit.Where(a => a.Channel != "WebSocket public").Sum(a => a.Expected) == 0)
            {
                problems.Add("the crash liquidated none of the fleet's accounts, so delivery to them was not tested");
            }
            var checks = After.MoneyChecks;
            if (checks.CashDiscrepancy != 0) problems.Add($"cash discrepancy {checks.CashDiscrepancy} USDC");
            if (!checks.OpenInterestBalanced) problems.Add("open interest not balanced (longs != shorts)");
            if (checks.NegativeEquityAccounts != 0) problems.Add($"{checks.NegativeEquityAccounts} accounts left with negative equity ({checks.NegativeEquity} USDC)");
            if (After.Liquidations.Active != 0) problems.Add($"{After.Liquidations.Active} liquidations still in progress at the end");
            return problems;
        }
    }
}

using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Reporting;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Tests;

/// <summary>Made-up run reports for the report views (comparison, capacity): one phase per channel, during the crash, and the whole run.</summary>
public static class TestReports
{
    public static RunReport Report(string plan, long p50, double okPerSecond, long p99 = 0, long lost = 0)
    {
        var ack = new Percentiles(100, p50, p50, p50 * 2, p99 == 0 ? p50 * 3 : p99, p50 * 4, Math.Max(p50 * 5, p99));
        var none = new Percentiles(0, 0, 0, 0, 0, 0, 0);
        PhaseLine Line(string channel, string phase, double seconds) =>
            new(channel, phase, seconds, (long)(okPerSecond * seconds), (long)(okPerSecond * seconds), 0, okPerSecond, ack, ack, ack, 10, ack, none,
                new Dictionary<string, long> { ["PRICE_OUT_OF_BAND"] = 3 }) { NewOrderService = ack, PacerLateness = ack };
        var market = new VenueSummary.Market("BTC_USDC_PERP", 0.1m, 0.00001m, 100_000, 100_000, 1, 1, 99_999, 100_001, 5, 5);
        var liquidations = new VenueSummary.LiquidationTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0);
        var summary = new VenueSummary(1, 1, "hash", 10, 2, 4, [market], 250_000, liquidations, new VenueSummary.Checks(0, true, 0, 0));
        var audit = new AuditLine("WebSocket", 3, 10, 10 - lost, lost, 0, 0, 0, []);
        return new RunReport("Crash load test", new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc), ["a setting"], 60, 15, 45,
            [Line("FIX", "during", 30), Line("WebSocket", "during", 30)], [Line("FIX", "whole run", 60), Line("WebSocket", "whole run", 60)],
            [("whole run", ack)], [audit], [], summary, summary,
            new Dictionary<string, IReadOnlyList<(int, long, long, long, long)>> { ["FIX"] = [(0, 1, 2, 3, 4)] },
            new Dictionary<string, IReadOnlyList<(long, long, long)>> { ["FIX"] = [(1, 2, 3)] }, ["a note"])
        {
            Plan = plan,
            Resources = new ResourceReport(
                [new ProcessLine("venue", "whole run", 60, okPerSecond / 100, 0.1, 1, 2, 3, 4.5, 100), new ProcessLine("venue", "during", 30, 1, 0.4, 1, 0, 0, 1, 10)],
                [new QueueLine("engine inbound queue (commands)", "whole run", 120, 3, 0.5)], 0, 0, 120, 0),
        };
    }
}

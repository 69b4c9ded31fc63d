using Backpack.Gateway.LoadTests.Reporting;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Tests;

public class RunComparisonTests
{
    [Fact]
    public void A_saved_report_reads_back_and_a_comparison_shows_each_figure_with_its_change()
    {
        var baseline = Report("fix 8 sessions inject:1200:60s", p50: 1000, okPerSecond: 1000);
        string folder = Path.Combine(Path.GetTempPath(), $"comparison-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "report.json"), RunComparison.Serialize(baseline));
            var saved = RunComparison.Load(folder);
            Assert.Equal(baseline.Plan, saved.Plan);
            Assert.Equal(baseline.Totals[0].NewOrderAck, saved.Totals[0].NewOrderAck);
            Assert.Equal(baseline.Resources.Processes, saved.Resources.Processes);
            Assert.Equal(baseline.Before.Markets[0], saved.Before.Markets[0]);

            string same = RunComparison.Render(saved, Report("fix 8 sessions inject:1200:60s", p50: 1500, okPerSecond: 1100), folder);
            Assert.Contains("| new order ack p50 | FIX | whole run | 1.00 ms | 1.50 ms | +500 us (+50%) |", same);
            Assert.Contains("| acknowledged/s | FIX | whole run | 1,000 | 1,100 | +100 (+10%) |", same);
            Assert.Contains("| venue CPU seconds | 10.00 | 11.00 | +1.00 (+10%) |", same);
            Assert.Contains("| venue allocated (MB) | 100 | 100 | +0 (0%) |", same);
            Assert.DoesNotContain("plans differ", same);
            Assert.Contains("**The plans differ**", RunComparison.Render(saved, Report("fix 200 sessions inject:5000:60s", 1000, 1000), folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_or_broken_baseline_is_refused_with_its_path()
    {
        string file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        Assert.Contains("no saved run", Assert.Throws<FileNotFoundException>(() => RunComparison.Load(file)).Message);
        File.WriteAllText(file, "{ not json");
        try
        {
            Assert.Contains(file, Assert.Throws<FormatException>(() => RunComparison.Load(file)).Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static RunReport Report(string plan, long p50, double okPerSecond)
    {
        var ack = new Percentiles(100, p50, p50, p50 * 2, p50 * 3, p50 * 4, p50 * 5);
        var none = new Percentiles(0, 0, 0, 0, 0, 0, 0);
        var total = new PhaseLine("FIX", "whole run", 60, 60_000, (long)(okPerSecond * 60), 0, okPerSecond, ack, ack, ack, 10, ack, none,
            new Dictionary<string, long> { ["PRICE_OUT_OF_BAND"] = 3 }) { NewOrderService = ack, PacerLateness = ack };
        var market = new VenueSummary.Market("BTC_USDC_PERP", 0.1m, 0.00001m, 100_000, 100_000, 1, 1, 99_999, 100_001, 5, 5);
        var liquidations = new VenueSummary.LiquidationTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0);
        var summary = new VenueSummary(1, 1, "hash", 10, 2, 4, [market], 250_000, liquidations, new VenueSummary.Checks(0, true, 0, 0));
        return new RunReport("Crash load test", new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc), ["a setting"], 60, 15, 45, [total], [total],
            [("whole run", ack)], [], [], summary, summary,
            new Dictionary<string, IReadOnlyList<(int, long, long, long, long)>> { ["FIX"] = [(0, 1, 2, 3, 4)] },
            new Dictionary<string, IReadOnlyList<(long, long, long)>> { ["FIX"] = [(1, 2, 3)] }, ["a note"])
        {
            Plan = plan,
            Resources = new ResourceReport([new ProcessLine("venue", "whole run", 60, okPerSecond / 100, 0.1, 1, 2, 3, 4.5, 100)],
                [new QueueLine("engine inbound queue (commands)", "whole run", 120, 3, 0.5)], 0, 0, 120, 0),
        };
    }
}

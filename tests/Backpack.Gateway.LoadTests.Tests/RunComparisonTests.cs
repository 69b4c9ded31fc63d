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

    private static RunReport Report(string plan, long p50, double okPerSecond) => TestReports.Report(plan, p50, okPerSecond);
}

using Backpack.Gateway.LoadTests.Capacity;
using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests.Tests;

public class CapacitySearchTests
{
    private static readonly CapacityOptions Search = new(FromRate: 2000, StepRate: 1000, MaxRate: 10_000, AckP99LimitMilliseconds: 10);

    [Fact]
    public async Task It_steps_the_rate_up_until_an_objective_breaks_and_reports_the_highest_rate_that_held()
    {
        // A made-up venue: p99 grows with the rate and passes 10 ms at 5,000/s.
        var asked = new List<(double Fix, double WebSocket, string Folder)>();
        var search = new CapacitySearch(Search, LoadTestOptions.Standard, TextWriter.Null);
        var steps = await search.RunAsync((options, _) =>
        {
            double rate = LoadSimulation.TopRate(options.FixPlan) + LoadSimulation.TopRate(options.WebSocketPlan);
            asked.Add((LoadSimulation.TopRate(options.FixPlan), LoadSimulation.TopRate(options.WebSocketPlan), options.ReportDirectory));
            var report = TestReports.Report(options.Plan, p50: 500, okPerSecond: rate / 2, p99: (long)(rate * 2.2));
            return Task.FromResult(new RunResult(report, "report.md", "report.html"));
        }, "/tmp/capacity", CancellationToken.None);

        Assert.Equal([2000.0, 3000, 4000, 5000], steps.Select(s => s.OfferedRate));
        Assert.Equal((1200.0, 800.0), (asked[0].Fix, asked[0].WebSocket));
        Assert.Equal(Path.Combine("/tmp/capacity", "step-002000"), asked[0].Folder);
        Assert.All(steps.SkipLast(1), s => Assert.True(s.Held));
        Assert.Equal(["FIX ack p99 11.0 ms > 10.0 ms", "WebSocket ack p99 11.0 ms > 10.0 ms"], steps[^1].Broken);

        string markdown = CapacityReport.Markdown(steps, Search, asked[0].Folder);
        Assert.Contains("**Highest offered rate that held: 4,000 requests/s** (2,400 FIX + 1,600 WebSocket); at 5,000: FIX ack p99", markdown);
        string knee = CapacityReport.Knee(steps, Search);
        Assert.Equal(4, knee.Split("<polyline").Length - 1); // p50 and p99 of both channels
        Assert.Contains("p99 limit 10.0 ms", knee);
    }

    [Fact]
    public async Task A_lost_liquidation_event_breaks_a_step_whatever_its_latency()
    {
        var search = new CapacitySearch(Search, LoadTestOptions.Standard, TextWriter.Null);
        var steps = await search.RunAsync((options, _) =>
            Task.FromResult(new RunResult(TestReports.Report(options.Plan, p50: 300, okPerSecond: 1000, p99: 900, lost: 1), "report.md", "report.html")),
            "/tmp/capacity", CancellationToken.None);
        var only = Assert.Single(steps);
        Assert.False(only.Held);
        Assert.Equal(1, only.EventsLost);
        Assert.Contains(only.Broken, b => b.Contains("did not reach their client"));
        Assert.Contains("**No step held**", CapacityReport.Markdown(steps, Search, "plan"));
    }

    [Fact]
    public async Task With_repeats_a_step_stands_on_its_median_run_and_any_run_that_loses_an_event_breaks_it()
    {
        // Three runs a step: p99 of 9, 12 and 8 ms at 2,000/s (the median, 9 ms, holds); at 3,000/s one run loses an event.
        var p99s = new Queue<(long P99, long Lost)>([(9_000, 0), (12_000, 0), (8_000, 0), (5_000, 0), (5_000, 1), (5_000, 0)]);
        var search = new CapacitySearch(Search with { Repeats = 3 }, LoadTestOptions.Standard, TextWriter.Null);
        var folders = new List<string>();
        var steps = await search.RunAsync((options, _) =>
        {
            folders.Add(options.ReportDirectory);
            var (p99, lost) = p99s.Dequeue();
            return Task.FromResult(new RunResult(TestReports.Report(options.Plan, p50: 500, okPerSecond: 1000, p99: p99, lost: lost), "report.md", "report.html"));
        }, "/tmp/capacity", CancellationToken.None);

        Assert.Equal(2, steps.Count);
        Assert.True(steps[0].Held);
        Assert.Equal((9_000L, 3), (steps[0].FixAck.P99, steps[0].Runs));
        Assert.False(steps[1].Held);
        Assert.Equal(1, steps[1].EventsLost);
        Assert.Equal(Path.Combine("/tmp/capacity", "step-002000-run2"), folders[1]);
    }

    [Fact]
    public void Every_step_runs_the_template_at_its_rate_with_the_crash_early_in_a_shorter_run()
    {
        var search = new CapacitySearch(Search, LoadTestOptions.Standard with { FixSessions = 200 }, TextWriter.Null);
        var options = search.StepOptions(7000, "/tmp/capacity");
        Assert.Equal("ramp:4200:3s,inject:4200:37s", LoadSimulation.Describe(options.FixPlan));
        Assert.Equal("ramp:2800:3s,inject:2800:37s", LoadSimulation.Describe(options.WebSocketPlan));
        Assert.Equal((5.0, 200, 40.0), (options.CrashAt, options.FixSessions, options.Duration));
    }
}

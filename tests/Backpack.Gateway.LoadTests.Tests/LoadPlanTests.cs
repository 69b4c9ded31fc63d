using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests.Tests;

public class LoadPlanTests
{
    [Fact]
    public void A_plan_reads_inject_ramp_constant_and_pause_steps_and_writes_them_back()
    {
        var plan = LoadSimulation.ParsePlan("ramp:1200:5s, inject:1200:55s,constant:4:500ms,pause:1m");
        Assert.Equal(
        [
            new LoadSimulation.RampingInject(1200, TimeSpan.FromSeconds(5)),
            new LoadSimulation.Inject(1200, TimeSpan.FromSeconds(55)),
            new LoadSimulation.KeepConstant(4, TimeSpan.FromMilliseconds(500)),
            new LoadSimulation.Pause(TimeSpan.FromMinutes(1)),
        ], plan);
        Assert.Equal(TimeSpan.FromSeconds(120.5), LoadSimulation.Length(plan));
        Assert.Equal("ramp:1200:5s,inject:1200:55s,constant:4:0.5s,pause:60s", LoadSimulation.Describe(plan));
    }

    [Theory]
    [InlineData("", "no steps")]
    [InlineData("inject:fast:5s", "rate must be")]
    [InlineData("inject:100", "expected inject")]
    [InlineData("constant:0:5s", "copies must be")]
    [InlineData("inject:100:2h", "at most one hour")]
    [InlineData("burst:100:5s", "expected inject")]
    public void A_bad_plan_is_refused_with_the_step_named(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => LoadSimulation.ParsePlan(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Inject_plans_requests_evenly_at_the_rate()
    {
        // 100 a second: the k-th request (counted from 1/2) is due k/100 s into the step.
        Assert.Equal(0.005, Pacer.OffsetOf(0.5, 100, 100, 10), 9);
        Assert.Equal(1.005, Pacer.OffsetOf(100.5, 100, 100, 10), 9);
    }

    [Fact]
    public void A_ramp_from_zero_plans_its_requests_under_the_line_of_its_rate()
    {
        // 0 to 200 a second over 10 s: 1,000 requests in all, a quarter of them in the first half.
        Assert.Equal(10, Pacer.OffsetOf(1000, 0, 200, 10), 6);
        Assert.Equal(5, Pacer.OffsetOf(250, 0, 200, 10), 6);
        Assert.True(double.IsNaN(Pacer.OffsetOf(5, 0, 0, 10)));
        // Ramping down from 200 to 0: the first half holds three quarters.
        Assert.Equal(5, Pacer.OffsetOf(750, 200, 0, 10), 6);
    }

    [Fact]
    public async Task The_pacer_sends_at_the_planned_times_and_keeps_them_when_it_is_late()
    {
        var clock = new RunClock();
        var planned = new List<long>();
        using var pacing = new PacingThread("pacer-test");
        // Two clients share 200 a second for 0.5 s: this one sends every other request, 50 in all.
        var pacer = new Pacer(LoadSimulation.ParsePlan("inject:200:500ms"), 0, 2, clock, pacing);
        await pacer.RunAsync(t =>
        {
            planned.Add(t);
            if (planned.Count == 10) Thread.Sleep(100); // a stall: later sends are late but keep their planned times
            return ValueTask.CompletedTask;
        }, _ => Task.CompletedTask, CancellationToken.None);
        Assert.Equal(50, planned.Count);
        var seconds = planned.Select(clock.SecondsAt).ToList();
        for (int i = 0; i < seconds.Count; i++) Assert.Equal(0.0025 + i * 0.01, seconds[i], 6);
    }

    [Fact]
    public async Task Each_step_starts_on_time_even_when_the_one_before_ran_out_of_requests_early()
    {
        var clock = new RunClock();
        var closedStarts = new List<double>();
        using var stop = new CancellationTokenSource();
        using var pacing = new PacingThread("pacer-test");
        var pacer = new Pacer(LoadSimulation.ParsePlan("inject:0:300ms,constant:1:2s"), 0, 1, clock, pacing);
        await pacer.RunAsync(_ => ValueTask.CompletedTask, async t =>
        {
            closedStarts.Add(clock.SecondsAt(t));
            if (closedStarts.Count == 3) stop.Cancel(); // three are enough: the run need not last the step
            await Task.Delay(20);
        }, stop.Token);
        // The empty first step still lasts its 300 ms: the closed step begins then, never before, and
        // sends only inside its own 2 s (a busy machine may wake the pacer late, not early).
        Assert.Equal(3, closedStarts.Count);
        Assert.True(closedStarts[0] >= 0.3, $"the closed step began at {closedStarts[0]} s");
        Assert.True(closedStarts[^1] < 2.3, $"the closed step sent at {closedStarts[^1]} s");
    }
}

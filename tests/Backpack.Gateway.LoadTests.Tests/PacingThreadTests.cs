using System.Diagnostics;
using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests.Tests;

public class PacingThreadTests
{
    [Fact]
    public async Task Every_wait_ends_on_the_pacing_thread_at_or_after_its_moment_never_before()
    {
        using var pacing = new PacingThread("pacer-test");
        var clock = new RunClock();
        // Two fleets' worth of clients: 200 moments in 0.2 s, asked for out of order.
        var moments = Enumerable.Range(0, 200).Select(i => clock.TicksAt(0.05 + (i * 7919 % 200) * 0.001)).ToList();
        var ended = new (long Due, long At, string? Thread)[moments.Count];
        // On the thread pool, as the runner's pacers are (the test framework's context would take the continuations).
        await Task.WhenAll(moments.Select((due, i) => Task.Run(async () =>
        {
            var wait = pacing.At(due);
            bool waited = !wait.IsCompleted; // a moment already past (a slow start) is not waited for
            await wait;
            ended[i] = (due, Stopwatch.GetTimestamp(), waited ? Thread.CurrentThread.Name : "pacer-test");
        })));
        Assert.All(ended, e =>
        {
            Assert.True(e.At >= e.Due, $"a wait ended {RunClock.Micros(e.At, e.Due)} us early");
            Assert.Equal("pacer-test", e.Thread);
        });
    }

    [Fact]
    public async Task A_moment_already_past_is_not_waited_for()
    {
        using var pacing = new PacingThread("pacer-test");
        var past = pacing.At(Stopwatch.GetTimestamp() - Stopwatch.Frequency);
        Assert.True(past.IsCompleted);
        await past;
    }

    [Fact]
    public async Task Stopping_it_releases_the_waits_left_and_it_can_be_stopped_from_its_own_thread()
    {
        var pacing = new PacingThread("pacer-test");
        var far = pacing.At(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 600);
        var stopped = new TaskCompletionSource();
        _ = Task.Run(async () =>
        {
            await pacing.At(Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100);
            pacing.Dispose(); // on the pacing thread: a run's last pacer ends there
            stopped.SetResult();
        });
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await far.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

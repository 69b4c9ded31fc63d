using System.Diagnostics;

namespace Backpack.Gateway.LoadTests.Simulation;

/// <summary>
/// Drives one client through the fleet's load plan: for open-model steps it calls the send action at
/// each planned time (late sends keep their planned time, so the latency they record includes the
/// delay: no coordinated omission); for closed-model steps it keeps the step's copies in flight.
/// </summary>
public sealed class Pacer(IReadOnlyList<LoadSimulation> plan, int client, int clients, RunClock clock, PacingThread pacing)
{
    /// <summary>Runs the plan from the clock's start. <paramref name="send"/> gets the planned time (clock ticks) and returns when the request is out; <paramref name="sendAndWait"/> returns when it was answered.</summary>
    public async Task RunAsync(Func<long, ValueTask> send, Func<long, Task> sendAndWait, CancellationToken cancellation)
    {
        double stepStart = 0, previousRate = 0;
        foreach (var step in plan)
        {
            double stepEnd = stepStart + step.During.TotalSeconds;
            switch (step)
            {
                case LoadSimulation.Inject inject:
                    await OpenAsync(stepStart, stepEnd, inject.Rate, inject.Rate, send, cancellation);
                    previousRate = inject.Rate;
                    break;
                case LoadSimulation.RampingInject ramp:
                    await OpenAsync(stepStart, stepEnd, previousRate, ramp.Rate, send, cancellation);
                    previousRate = ramp.Rate;
                    break;
                case LoadSimulation.KeepConstant constant:
                    var copies = new Task[constant.Copies];
                    for (int c = 0; c < copies.Length; c++) copies[c] = ClosedAsync(stepStart, stepEnd, sendAndWait, cancellation);
                    await Task.WhenAll(copies);
                    previousRate = 0;
                    break;
                default:
                    await WaitUntilAsync(stepEnd, cancellation);
                    previousRate = 0;
                    break;
            }
            stepStart = stepEnd;
        }
    }

    /// <summary>
    /// The fleet's k-th request of the step is planned where the step's cumulative request count
    /// (the integral of its rate, a straight line from <paramref name="fromRate"/> to
    /// <paramref name="toRate"/>) reaches k + 1/2; this client takes every <c>clients</c>-th one.
    /// </summary>
    private async Task OpenAsync(double start, double end, double fromRate, double toRate, Func<long, ValueTask> send, CancellationToken cancellation)
    {
        double length = end - start;
        for (long k = client; !cancellation.IsCancellationRequested; k += clients)
        {
            double x = OffsetOf(k + 0.5, fromRate, toRate, length);
            if (double.IsNaN(x) || x >= length) break;
            await WaitUntilAsync(start + x, cancellation);
            if (cancellation.IsCancellationRequested) return;
            await send(clock.TicksAt(start + x));
        }
        await WaitUntilAsync(end, cancellation); // the next step starts on time, not after this one's last request
    }

    /// <summary>Seconds into the step at which <paramref name="count"/> requests are due (NaN if never).</summary>
    public static double OffsetOf(double count, double fromRate, double toRate, double length)
    {
        double a = (toRate - fromRate) / (2 * length);
        if (Math.Abs(a) < 1e-12) return fromRate > 0 ? count / fromRate : double.NaN;
        double discriminant = fromRate * fromRate + 4 * a * count;
        return discriminant < 0 ? double.NaN : (-fromRate + Math.Sqrt(discriminant)) / (2 * a);
    }

    private async Task ClosedAsync(double start, double end, Func<long, Task> sendAndWait, CancellationToken cancellation)
    {
        await WaitUntilAsync(start, cancellation);
        while (!cancellation.IsCancellationRequested)
        {
            long now = clock.Ticks; // one reading: a request starts inside the step or not at all
            if (clock.SecondsAt(now) >= end) break;
            await sendAndWait(now);
        }
    }

    /// <summary>
    /// Returns at or after <paramref name="at"/>, never before, on the fleet's pacing thread (a send then
    /// leaves from that thread at its moment); at once when the run is cancelled (its pacing thread stopped).
    /// </summary>
    private async Task WaitUntilAsync(double at, CancellationToken cancellation)
    {
        if (at <= clock.Elapsed) return;
        await pacing.At(clock.TicksAt(at));
        while (clock.Elapsed < at && !cancellation.IsCancellationRequested) Thread.SpinWait(20); // a tick's rounding, or the thread stopped early
    }
}

/// <summary>The run's clock: seconds since the start for plans and phases, Stopwatch ticks for latencies, and wall-clock microseconds for comparing with engine times.</summary>
public sealed class RunClock
{
    private long _start = Stopwatch.GetTimestamp();

    /// <summary>Starts the clock again from now (the measured run begins after the warm-up).</summary>
    public void Restart() => _start = Stopwatch.GetTimestamp();

    /// <summary>Starts the clock at <paramref name="ticks"/> (Stopwatch: the machine's monotonic clock, the same in every process of a run).</summary>
    public void RestartAt(long ticks) => _start = ticks;

    public long Ticks => Stopwatch.GetTimestamp();
    public double Elapsed => (Stopwatch.GetTimestamp() - _start) / (double)Stopwatch.Frequency;
    public double SecondsAt(long ticks) => (ticks - _start) / (double)Stopwatch.Frequency;
    public long TicksAt(double seconds) => _start + (long)(seconds * Stopwatch.Frequency);

    /// <summary>Microseconds between two Stopwatch readings.</summary>
    public static long Micros(long fromTicks, long toTicks) => (toTicks - fromTicks) * 1_000_000 / Stopwatch.Frequency;

    /// <summary>Wall-clock microseconds since the Unix epoch, as the engine stamps its events.</summary>
    public static long UnixMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}

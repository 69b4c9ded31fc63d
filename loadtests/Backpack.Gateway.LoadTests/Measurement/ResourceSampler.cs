using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Measurement;

/// <summary>CPU and garbage collection of one process at one moment (counters since its start).</summary>
public readonly record struct ProcessSnapshot(double CpuSeconds, long Gen0, long Gen1, long Gen2, double GcPauseSeconds, double AllocatedBytes)
{
    /// <summary>This process (the load generator).</summary>
    public static ProcessSnapshot OfThisProcess() => new(Environment.CpuUsage.TotalTime.TotalSeconds,
        GC.CollectionCount(0) - GC.CollectionCount(1), GC.CollectionCount(1) - GC.CollectionCount(2), GC.CollectionCount(2),
        GC.GetTotalPauseDuration().TotalSeconds, GC.GetTotalAllocatedBytes());

    /// <summary>The gateway, from its /metrics.</summary>
    public static ProcessSnapshot OfVenue(VenueMetrics m) => new(m["process_cpu_time_seconds_total"],
        (long)m["dotnet_gc_collections_total{generation=\"gen0\"}"], (long)m["dotnet_gc_collections_total{generation=\"gen1\"}"],
        (long)m["dotnet_gc_collections_total{generation=\"gen2\"}"], m["dotnet_gc_pause_time_seconds_total"], m["dotnet_gc_heap_total_allocated_bytes_total"]);

    public static ProcessSnapshot operator -(ProcessSnapshot a, ProcessSnapshot b) =>
        new(a.CpuSeconds - b.CpuSeconds, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.GcPauseSeconds - b.GcPauseSeconds, a.AllocatedBytes - b.AllocatedBytes);
}

/// <summary>One sample: the run's second, the venue's scrape and both processes' counters.</summary>
public sealed record ResourceSample(double At, VenueMetrics Venue, ProcessSnapshot VenueProcess, ProcessSnapshot Generator);

/// <summary>
/// Reads the venue's /metrics and this process's own counters every <see cref="Interval"/> during the
/// measured run, so that the report can show where the time went beside the latency: CPU and
/// garbage collection of the venue and of the load generator per phase, and the depth of the
/// engine's inbound queue and of the dispatchers' backlogs as they were sampled. The load
/// generator's CPU includes its worker processes'.
/// </summary>
public sealed class ResourceSampler(AdminApi admin, RunClock clock, IReadOnlyList<System.Diagnostics.Process>? workers = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly List<ResourceSample> _samples = [];
    private int _failures;
    private string? _firstFailure;

    public IReadOnlyList<ResourceSample> Samples => _samples;
    public int Failures => _failures;
    public string? FirstFailure => _firstFailure;

    /// <summary>Samples at once and then every interval until <paramref name="stop"/> is cancelled, and once more at the end.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        await SampleAsync();
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) await SampleAsync();
        }
        catch (OperationCanceledException)
        {
        }
        await SampleAsync();
    }

    private async Task SampleAsync()
    {
        try
        {
            double at = clock.Elapsed;
            var generator = ProcessSnapshot.OfThisProcess();
            foreach (var worker in workers ?? [])
            {
                // A worker's CPU from the system (its GC is in its own notes at the end).
                worker.Refresh();
                if (!worker.HasExited) generator = generator with { CpuSeconds = generator.CpuSeconds + worker.TotalProcessorTime.TotalSeconds };
            }
            var venue = await admin.MetricsAsync(CancellationToken.None);
            _samples.Add(new ResourceSample(at, venue, ProcessSnapshot.OfVenue(venue), generator));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException or InvalidOperationException)
        {
            _failures++;
            _firstFailure ??= e.Message;
        }
    }
}

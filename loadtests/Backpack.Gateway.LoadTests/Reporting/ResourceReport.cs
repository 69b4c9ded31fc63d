using Backpack.Gateway.LoadTests.Measurement;

namespace Backpack.Gateway.LoadTests.Reporting;

/// <summary>One process in one phase: CPU (seconds, and the share of all the machine's cores) and garbage collection.</summary>
public sealed record ProcessLine(string Process, string Phase, double Seconds, double CpuSeconds, double CpuShare, long Gen0, long Gen1, long Gen2,
    double GcPauseMilliseconds, double AllocatedMegabytes);

/// <summary>A sampled gauge of the venue in one phase: its highest and mean sampled value.</summary>
public sealed record QueueLine(string Queue, string Phase, int Samples, double Max, double Mean);

/// <summary>Where the time went: the venue's and the load generator's CPU and GC per phase, and the venue's queues as sampled.</summary>
public sealed record ResourceReport(IReadOnlyList<ProcessLine> Processes, IReadOnlyList<QueueLine> Queues, long EventBufferWaits,
    long SlowConsumerDisconnects, int Samples, int FailedSamples)
{
    public static ResourceReport Empty { get; } = new([], [], 0, 0, 0, 0);

    /// <summary>The gauges sampled, by the name the report gives them.</summary>
    public static readonly (string Name, string Series)[] Gauges =
    [
        ("engine inbound queue (commands)", "backpack_engine_queue_depth"),
        ("FIX dispatch backlog (batches)", "backpack_dispatch_backlog{channel=\"fix\"}"),
        ("WebSocket dispatch backlog (batches)", "backpack_dispatch_backlog{channel=\"websocket\"}"),
        ("event buffers held (batches)", "backpack_engine_event_buffers_held"),
    ];

    /// <summary>Figures per phase from the samples; <paramref name="phases"/> are (name, from, to) in run seconds.</summary>
    public static ResourceReport From(IReadOnlyList<ResourceSample> samples, int failedSamples, IReadOnlyList<(string Name, double From, double To)> phases)
    {
        if (samples.Count < 2) return Empty with { Samples = samples.Count, FailedSamples = failedSamples };
        var processes = new List<ProcessLine>();
        var queues = new List<QueueLine>();
        foreach (var (name, from, to) in phases)
        {
            var first = At(samples, from);
            var last = At(samples, to);
            double seconds = last.At - first.At;
            if (seconds <= 0) continue;
            processes.Add(Line("venue", name, seconds, last.VenueProcess - first.VenueProcess));
            processes.Add(Line("load generator", name, seconds, last.Generator - first.Generator));
            var inside = samples.Where(s => s.At >= from && s.At <= to).ToList();
            if (inside.Count == 0) continue;
            foreach (var (gauge, series) in Gauges)
            {
                queues.Add(new QueueLine(gauge, name, inside.Count, inside.Max(s => s.Venue[series]), inside.Average(s => s.Venue[series])));
            }
        }
        var (start, end) = (samples[0].Venue, samples[^1].Venue);
        return new ResourceReport(processes, queues,
            (long)(end["backpack_engine_event_buffer_waits_total"] - start["backpack_engine_event_buffer_waits_total"]),
            (long)(end["backpack_websocket_slow_consumer_disconnects_total"] - start["backpack_websocket_slow_consumer_disconnects_total"]),
            samples.Count, failedSamples);
    }

    private static ProcessLine Line(string process, string phase, double seconds, ProcessSnapshot used) =>
        new(process, phase, seconds, used.CpuSeconds, used.CpuSeconds / (seconds * Environment.ProcessorCount), used.Gen0, used.Gen1, used.Gen2,
            used.GcPauseSeconds * 1000, used.AllocatedBytes / 1e6);

    /// <summary>The last sample taken at or before <paramref name="second"/>, else the first.</summary>
    private static ResourceSample At(IReadOnlyList<ResourceSample> samples, double second)
    {
        var found = samples[0];
        foreach (var s in samples)
        {
            if (s.At > second) break;
            found = s;
        }
        return found;
    }
}

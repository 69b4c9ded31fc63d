using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Backpack.Gateway.Host.Metrics;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// What the engine thread pays per command for the command latency histogram
/// (backpack.engine.command.duration): one Histogram.Record with its command tag, with nobody
/// listening, and with the /metrics exporter listening.
/// </summary>
[MemoryDiagnoser]
public class CommandMetricsBenchmark
{
    private Meter _quiet = null!, _heard = null!;
    private Histogram<double> _unobserved = null!, _observed = null!;
    private PrometheusExporter _exporter = null!;
    private readonly KeyValuePair<string, object?> _tag = new("command", "NewOrder");
    private double _value;

    [GlobalSetup]
    public void Setup()
    {
        _quiet = new Meter("bench.quiet");
        _unobserved = _quiet.CreateHistogram<double>("d", "s");
        _heard = new Meter("bench.heard");
        _observed = _heard.CreateHistogram("d", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = GatewayMetrics.CommandDurationBuckets });
        _exporter = new PrometheusExporter(_heard);
    }

    [Benchmark(Baseline = true)]
    public void Record_without_listener() => _unobserved.Record(_value += 1e-7, _tag);

    [Benchmark]
    public void Record_with_the_exporter_listening() => _observed.Record(_value += 1e-7, _tag);

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter.Dispose();
        _quiet.Dispose();
        _heard.Dispose();
    }
}

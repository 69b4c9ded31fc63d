using BenchmarkDotNet.Attributes;
using Backpack.Gateway.LoadTests.Measurement;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// The load runner's latency histogram against HdrHistogram 2.5.0 (its maintained .NET port), the
/// same values recorded by one writer and by two at once: HdrHistogram's LongHistogram for one
/// writer (its fastest, not thread-safe) and LongConcurrentHistogram for two, both at 2 significant
/// digits (our bucket layout) up to an hour in microseconds; ours has no range limit. Per value.
/// </summary>
[MemoryDiagnoser]
public class HistogramBenchmark
{
    private const int Values = 1 << 20;
    private long[] _values = null!;

    [Params(1, 2)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        // 10 us to about 3 s, log-uniform: acknowledgement latencies of a run and their tail.
        _values = Enumerable.Range(0, Values).Select(_ => (long)Math.Exp(Math.Log(10) + random.NextDouble() * (Math.Log(3_000_000) - Math.Log(10)))).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Values)]
    public long HdrHistogram()
    {
        HdrHistogram.HistogramBase histogram = Writers == 1
            ? new HdrHistogram.LongHistogram(3_600_000_000L, 2)
            : new HdrHistogram.LongConcurrentHistogram(1, 3_600_000_000L, 2);
        Run(v => histogram.RecordValue(v));
        return histogram.TotalCount;
    }

    [Benchmark(OperationsPerInvoke = Values)]
    public long Ours()
    {
        var histogram = new LatencyHistogram();
        Run(histogram.Record);
        return histogram.Count;
    }

    private void Run(Action<long> record)
    {
        if (Writers == 1)
        {
            foreach (long v in _values) record(v);
            return;
        }
        int half = _values.Length / 2;
        var other = new Thread(() =>
        {
            for (int i = half; i < _values.Length; i++) record(_values[i]);
        });
        other.Start();
        for (int i = 0; i < half; i++) record(_values[i]);
        other.Join();
    }
}

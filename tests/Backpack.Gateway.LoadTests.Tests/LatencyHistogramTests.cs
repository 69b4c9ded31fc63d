using Backpack.Gateway.LoadTests.Measurement;
using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Gateway.LoadTests.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void Small_values_are_exact_and_percentiles_follow_the_ranks()
    {
        var h = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) h.Record(v);
        Assert.Equal((100L, 1L, 100L), (h.Count, h.Min, h.Max));
        Assert.Equal(50, h.ValueAt(50));
        Assert.Equal(99, h.ValueAt(99));
        Assert.Equal(100, h.ValueAt(99.9));
        Assert.Equal(100, h.ValueAt(100));
        Assert.Equal(50.5, h.Mean);
    }

    [Fact]
    public void An_empty_histogram_reports_zeros_and_negative_values_count_as_zero()
    {
        var h = new LatencyHistogram();
        Assert.Equal((0L, 0L, 0L), (h.ValueAt(99), h.Max, h.Min));
        h.Record(-5);
        Assert.Equal((1L, 0L), (h.Count, h.Max));
    }

    [Fact]
    public void Any_percentile_is_within_one_sub_bucket_of_the_exact_value()
    {
        Prop.ForAll(Arb.From(Gen.ListOf(Gen.Choose(0, int.MaxValue)).Where(l => l.Count > 0)), Arb.From(Gen.Choose(1, 1000)), (values, permille) =>
        {
            var h = new LatencyHistogram();
            foreach (int v in values) h.Record(v);
            var sorted = values.Select(v => (long)v).Order().ToList();
            double p = permille / 10.0;
            long exact = sorted[(int)Math.Max(0, Math.Ceiling(p / 100 * sorted.Count) - 1)];
            long reported = h.ValueAt(p);
            // Reported is the highest value of the exact value's bucket: never below it, at most 1/128 above.
            return reported >= exact && reported - exact <= Math.Max(0, exact / 128) && h.Max == sorted[^1] && h.Count == sorted.Count;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Adding_histograms_is_the_same_as_recording_everything_in_one()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            long v = (long)Math.Exp(random.NextDouble() * 20);
            (i % 3 == 0 ? a : b).Record(v);
            all.Record(v);
        }
        a.Add(b);
        foreach (double p in new[] { 50, 75, 95, 99, 99.9, 100 }) Assert.Equal(all.ValueAt(p), a.ValueAt(p));
        Assert.Equal(all.Buckets(), a.Buckets());
        Assert.Equal((all.Min, all.Max, all.Count), (a.Min, a.Max, a.Count));
    }

    [Fact]
    public void Buckets_cover_the_recorded_values_in_order_without_overlap()
    {
        var h = new LatencyHistogram(6);
        foreach (long v in new long[] { 0, 63, 64, 65, 1000, 1_000_000, long.MaxValue / 2 }) h.Record(v);
        var buckets = h.Buckets().ToList();
        Assert.Equal(7, buckets.Sum(b => b.Count));
        for (int i = 1; i < buckets.Count; i++) Assert.True(buckets[i].Low > buckets[i - 1].High);
        Assert.All(buckets, b => Assert.True(b.Low <= b.High));
        Assert.Contains(buckets, b => b.Low <= 1000 && 1000 <= b.High);
    }
}

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

public class PercentileDistributionTests
{
    [Fact]
    public void The_hgrm_output_has_the_rows_HdrHistogram_writes_for_the_same_values()
    {
        // HdrHistogram 2.5.0 with 2 significant digits has our bucket layout (256 exact values, then 128 sub-buckets per power of two).
        var random = new Random(7);
        var ours = new LatencyHistogram();
        var oracle = new HdrHistogram.LongHistogram(3_600_000_000L, 2);
        for (int i = 0; i < 50_000; i++)
        {
            long micros = (long)Math.Exp(4 + random.NextDouble() * random.NextDouble() * 10); // 55 us to about a second, skewed low
            ours.Record(micros);
            oracle.RecordValue(micros);
        }
        var ourText = new StringWriter();
        ours.WritePercentileDistribution(ourText, scale: 1);
        var oracleText = new StringWriter();
        HdrHistogram.HistogramExtensions.OutputPercentileDistribution(oracle, oracleText);

        var ourRows = Rows(ourText.ToString());
        var oracleRows = Rows(oracleText.ToString());
        Assert.True(oracleRows.Count > 50, $"{oracleRows.Count} rows");
        Assert.Equal(oracleRows.Count, ourRows.Count);
        for (int i = 0; i < ourRows.Count; i++)
        {
            Assert.Equal(oracleRows[i].Percentile, ourRows[i].Percentile, 9);
            Assert.Equal(oracleRows[i].TotalCount, ourRows[i].TotalCount);
            Assert.Equal(oracleRows[i].Value, ourRows[i].Value, 2);
        }
        Assert.Equal(1.0, ourRows[^1].Percentile);
        Assert.Equal(50_000, ourRows[^1].TotalCount);
        Assert.StartsWith("       Value     Percentile TotalCount 1/(1-Percentile)", ourText.ToString());
        Assert.Contains($"#[Max     = {ours.Max,12:F3}, Total count    = {50_000,12}]", ourText.ToString());
    }

    [Fact]
    public void An_empty_histogram_writes_the_header_and_footer_only()
    {
        var text = new StringWriter();
        new LatencyHistogram().WritePercentileDistribution(text);
        Assert.Empty(Rows(text.ToString()));
        Assert.Contains("Total count    =            0]", text.ToString());
    }

    private static List<(double Value, double Percentile, long TotalCount)> Rows(string hgrm) =>
        hgrm.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 3 && double.TryParse(f[0], System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(f => (double.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(f[2])))
            .ToList();
}

public class ResourceReportTests
{
    [Fact]
    public void Each_phase_counts_what_was_used_between_its_first_and_last_sample_and_the_gauges_inside_it()
    {
        // A venue that uses 0.5 CPU seconds and one gen0 collection a second, with a queue 10 deep only at 3 s.
        static string Scrape(double t) =>
            $"process_cpu_time_seconds_total {0.5 * t}\ndotnet_gc_collections_total{{generation=\"gen0\"}} {t}\n" +
            $"dotnet_gc_pause_time_seconds_total 0\nbackpack_engine_queue_depth {(t == 3 ? 10 : 0)}\n# HELP x y\n";
        var samples = Enumerable.Range(0, 7).Select(t => new Backpack.Gateway.LoadTests.Measurement.ResourceSample(t,
            Backpack.Gateway.LoadTests.Venue.VenueMetrics.Parse(Scrape(t)), Backpack.Gateway.LoadTests.Measurement.ProcessSnapshot.OfVenue(Backpack.Gateway.LoadTests.Venue.VenueMetrics.Parse(Scrape(t))), default)).ToList();
        var report = Backpack.Gateway.LoadTests.Reporting.ResourceReport.From(samples, 0, [("before", 0, 2), ("during", 2, 4), ("whole run", 0, 6)]);

        var venue = report.Processes.Where(p => p.Process == "venue").ToDictionary(p => p.Phase);
        Assert.Equal((2.0, 1.0, 2L), (venue["during"].Seconds, venue["during"].CpuSeconds, venue["during"].Gen0));
        Assert.Equal((6.0, 3.0), (venue["whole run"].Seconds, venue["whole run"].CpuSeconds));
        var queue = report.Queues.Where(q => q.Queue.StartsWith("engine inbound")).ToDictionary(q => q.Phase);
        Assert.Equal((10.0, 0.0), (queue["during"].Max, queue["before"].Max));
        Assert.Equal(3, queue["during"].Samples);
    }
}

using System.Numerics;

namespace Backpack.Gateway.LoadTests.Measurement;

/// <summary>
/// A log-linear latency histogram in the manner of HdrHistogram: values (microseconds) below
/// 2^<c>SubBucketBits</c> are counted exactly; above, each power-of-two band is cut into
/// 2^(<c>SubBucketBits</c>-1) equal sub-buckets, so any value is known to within 1 part in
/// 2^(<c>SubBucketBits</c>-1) (0.8% with the default 8 bits) over the whole range of a long.
/// Recording is lock-free and safe from many threads; percentiles report the highest value a
/// bucket can hold, and the maximum is kept exactly.
/// </summary>
public sealed class LatencyHistogram
{
    private readonly int _subBits;
    private readonly long[] _counts;
    private long _max = long.MinValue;
    private long _min = long.MaxValue;

    public LatencyHistogram(int subBucketBits = 8)
    {
        if (subBucketBits is < 2 or > 16) throw new ArgumentOutOfRangeException(nameof(subBucketBits));
        _subBits = subBucketBits;
        _counts = new long[IndexOf(long.MaxValue) + 1];
    }

    /// <summary>Values recorded: the sum of the buckets (kept nowhere else, so that writers share no counter).</summary>
    public long Count
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _counts.Length; i++) total += Volatile.Read(ref _counts[i]);
            return total;
        }
    }

    public long Max => Volatile.Read(ref _max) is var max && max == long.MinValue ? 0 : max;
    public long Min => Volatile.Read(ref _min) is var min && min == long.MaxValue ? 0 : min;

    /// <summary>The mean of the buckets' middle values: exact below 2^SubBucketBits, within half a sub-bucket above.</summary>
    public double Mean
    {
        get
        {
            double sum = 0;
            long total = 0;
            foreach (var (low, high, count) in Buckets())
            {
                sum += (low + high) / 2.0 * count;
                total += count;
            }
            return total == 0 ? 0 : sum / total;
        }
    }

    /// <summary>Counts one value; negative values (clock steps) count as 0.</summary>
    public void Record(long value)
    {
        if (value < 0) value = 0;
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        long max = Volatile.Read(ref _max);
        while (value > max)
        {
            long seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max) break;
            max = seen;
        }
        long min = Volatile.Read(ref _min);
        while (value < min)
        {
            long seen = Interlocked.CompareExchange(ref _min, value, min);
            if (seen == min) break;
            min = seen;
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> (same bucket layout) to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        if (other._subBits != _subBits) throw new ArgumentException("different bucket layouts", nameof(other));
        if (other.Count == 0) return;
        for (int i = 0; i < _counts.Length; i++)
        {
            long c = Volatile.Read(ref other._counts[i]);
            if (c != 0) Interlocked.Add(ref _counts[i], c);
        }
        long max = other.Max, min = other.Min;
        if (max > Volatile.Read(ref _max)) Volatile.Write(ref _max, max);
        if (min < Volatile.Read(ref _min)) Volatile.Write(ref _min, min);
    }

    /// <summary>The counts as plain data (non-empty buckets by index), to cross a process boundary.</summary>
    public HistogramSnapshot Snapshot()
    {
        var indexes = new List<int>();
        var counts = new List<long>();
        for (int i = 0; i < _counts.Length; i++)
        {
            long c = Volatile.Read(ref _counts[i]);
            if (c == 0) continue;
            indexes.Add(i);
            counts.Add(c);
        }
        return new HistogramSnapshot(_subBits, [.. indexes], [.. counts], Min, Max);
    }

    /// <summary>Adds the counts of a snapshot (same bucket layout) to this histogram.</summary>
    public void Add(HistogramSnapshot snapshot)
    {
        if (snapshot.SubBucketBits != _subBits) throw new ArgumentException("different bucket layouts", nameof(snapshot));
        if (snapshot.Counts.Length == 0) return;
        for (int i = 0; i < snapshot.Indexes.Length; i++) Interlocked.Add(ref _counts[snapshot.Indexes[i]], snapshot.Counts[i]);
        if (snapshot.Max > Volatile.Read(ref _max)) Volatile.Write(ref _max, snapshot.Max);
        if (snapshot.Min < Volatile.Read(ref _min)) Volatile.Write(ref _min, snapshot.Min);
    }

    /// <summary>A new histogram holding every count of <paramref name="parts"/>.</summary>
    public static LatencyHistogram Merge(IEnumerable<LatencyHistogram> parts)
    {
        var all = new LatencyHistogram();
        foreach (var part in parts) all.Add(part);
        return all;
    }

    /// <summary>The value at or below which <paramref name="percentile"/>% of the values fall (0 when empty).</summary>
    public long ValueAt(double percentile)
    {
        long total = Count;
        if (total == 0) return 0;
        if (percentile >= 100) return Max;
        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank) return Math.Min(HighestIn(i), Max);
        }
        return Max;
    }

    /// <summary>The non-empty buckets as (lowest value, highest value, count), in order.</summary>
    public IEnumerable<(long Low, long High, long Count)> Buckets()
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            long c = Volatile.Read(ref _counts[i]);
            if (c != 0) yield return (LowestIn(i), HighestIn(i), c);
        }
    }

    /// <summary>
    /// Writes the percentile distribution in HdrHistogram's text format (.hgrm, as its
    /// outputPercentileDistribution writes it), which HdrHistogram's plotter and the usual tools read:
    /// value, percentile (0..1), count up to it and 1/(1-percentile), at levels that halve the
    /// distance to 100% every <paramref name="ticksPerHalfDistance"/> lines, then the mean, standard
    /// deviation, maximum and count. Values are divided by <paramref name="scale"/> (1000: microseconds
    /// written as milliseconds).
    /// </summary>
    public void WritePercentileDistribution(TextWriter output, double scale = 1000, int ticksPerHalfDistance = 5)
    {
        var us = System.Globalization.CultureInfo.InvariantCulture;
        output.Write(string.Format(us, "{0,12} {1,14} {2,10} {3,14}\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)"));
        long total = Count;
        var buckets = Buckets().ToList();
        double level = 0;
        long cumulative = 0;
        for (int b = 0; b < buckets.Count && total > 0; b++)
        {
            cumulative += buckets[b].Count;
            double reached = 100.0 * cumulative / total;
            double value = buckets[b].High / scale; // the bucket's highest value, as HdrHistogram writes it
            while (reached >= level)
            {
                if (cumulative == total) break; // the last bucket: one line at 100% below
                output.Write(string.Format(us, "{0,12:F3} {1,2:F12} {2,10} {3,14:F2}\n", value, level / 100, cumulative, 1 / (1 - level / 100)));
                level += 100.0 / (ticksPerHalfDistance * Math.Pow(2, Math.Floor(Math.Log2(100.0 / (100.0 - level))) + 1));
            }
            if (cumulative == total)
            {
                if (reached >= level && level < 100) output.Write(string.Format(us, "{0,12:F3} {1,2:F12} {2,10} {3,14:F2}\n", value, level / 100, cumulative, 1 / (1 - level / 100)));
                output.Write(string.Format(us, "{0,12:F3} {1,2:F12} {2,10}\n", value, 1.0, cumulative));
            }
        }
        double mean = Mean, variance = 0;
        foreach (var (low, high, count) in buckets)
        {
            double middle = (low + high) / 2.0 - mean;
            variance += middle * middle * count;
        }
        double deviation = total == 0 ? 0 : Math.Sqrt(variance / total);
        output.Write(string.Format(us, "#[Mean    = {0,12:F3}, StdDeviation   = {1,12:F3}]\n", mean / scale, deviation / scale));
        output.Write(string.Format(us, "#[Max     = {0,12:F3}, Total count    = {1,12}]\n", Max / scale, total));
        output.Write(string.Format(us, "#[Buckets = {0,12}, SubBuckets     = {1,12}]\n", _counts.Length / (1 << (_subBits - 1)) - 1, 1 << _subBits));
    }

    private int IndexOf(long value)
    {
        int exact = 1 << _subBits;
        if (value < exact) return (int)value;
        int magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = magnitude - _subBits + 1;
        return (shift << (_subBits - 1)) + (int)(value >> shift);
    }

    private long LowestIn(int index)
    {
        int exact = 1 << _subBits;
        if (index < exact) return index;
        int half = 1 << (_subBits - 1);
        int shift = index / half - 1;
        long sub = index - shift * half;
        return sub << shift;
    }

    private long HighestIn(int index)
    {
        if (index < 1 << _subBits) return index;
        int shift = index / (1 << (_subBits - 1)) - 1;
        return LowestIn(index) + (1L << shift) - 1;
    }
}

/// <summary>A <see cref="LatencyHistogram"/>'s counts as plain data: the non-empty buckets by index, the minimum and maximum.</summary>
public sealed record HistogramSnapshot(int SubBucketBits, int[] Indexes, long[] Counts, long Min, long Max);

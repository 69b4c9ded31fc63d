using System.Globalization;

namespace Backpack.Gateway.LoadTests.Venue;

/// <summary>
/// One scrape of the host's /metrics (Prometheus text, docs/operations.md): every sample by its
/// name with labels, e.g. <c>dotnet_gc_collections_total{generation="gen0"}</c>. Histogram buckets
/// are kept like any other sample.
/// </summary>
public sealed class VenueMetrics(IReadOnlyDictionary<string, double> samples)
{
    public IReadOnlyDictionary<string, double> Samples { get; } = samples;

    /// <summary>The sample's value, or 0 when the scrape lacks it (an older host, a series not yet written).</summary>
    public double this[string series] => Samples.TryGetValue(series, out double value) ? value : 0;

    public static VenueMetrics Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.LastIndexOf(' ');
            if (space <= 0) throw new FormatException($"not a Prometheus sample line: {line}");
            string value = line[(space + 1)..];
            samples[line[..space]] = value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" or "nan" => double.NaN,
                _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
        }
        return new VenueMetrics(samples);
    }
}

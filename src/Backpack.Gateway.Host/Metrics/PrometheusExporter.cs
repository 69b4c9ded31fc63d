using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Backpack.Gateway.Host.Metrics;

/// <summary>
/// Renders the instruments of one meter in the Prometheus text exposition format (version 0.0.4),
/// listening with a <see cref="MeterListener"/> like any other reader of System.Diagnostics.Metrics.
/// Names: dots become underscores, the unit is appended for seconds and USDC, counters end in
/// <c>_total</c> (and <c>_bytes</c> for bytes). Observable instruments are read at each scrape; counters and histograms recorded
/// between scrapes are aggregated here (histograms per value of their first tag, with the
/// instrument's advised bucket bounds).
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly List<Instrument> _instruments = [];
    private readonly ConcurrentDictionary<Instrument, ConcurrentDictionary<object, Aggregate>> _recorded = new();
    private readonly object _scrape = new();
    private Dictionary<Instrument, List<(string Labels, double Value)>>? _observed;

    public PrometheusExporter(Meter meter)
    {
        _meter = meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, _meter)) return;
            lock (_instruments) _instruments.Add(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => OnMeasurement(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => OnMeasurement(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => OnMeasurement(i, v, tags));
        _listener.Start();
    }

    /// <summary>The Content-Type of <see cref="Scrape"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (instrument.IsObservable)
        {
            // Only during a scrape (RecordObservableInstruments runs under _scrape).
            var observed = _observed;
            if (observed is null) return;
            if (!observed.TryGetValue(instrument, out var values)) observed[instrument] = values = [];
            values.Add((Labels(tags), value));
            return;
        }
        // Counters and histograms: keyed by the first tag's value (no allocation once the key is known).
        object key = tags.Length == 0 ? instrument : tags[0].Value ?? instrument;
        var series = _recorded.GetOrAdd(instrument, static _ => new ConcurrentDictionary<object, Aggregate>());
        if (!series.TryGetValue(key, out var aggregate))
        {
            aggregate = series.GetOrAdd(key, new Aggregate(Labels(tags), instrument is Histogram<double> h ? h.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultBuckets : null));
        }
        aggregate.Add(value);
    }

    /// <summary>The current figures of every instrument, as Prometheus text.</summary>
    public string Scrape()
    {
        var text = new StringBuilder(8192);
        lock (_scrape)
        {
            _observed = [];
            _listener.RecordObservableInstruments();
            Instrument[] instruments;
            lock (_instruments) instruments = [.. _instruments];
            foreach (var instrument in instruments.OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                bool counter = IsCounter(instrument);
                string name = Name(instrument, counter);
                text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description ?? instrument.Name).Append('\n');
                text.Append("# TYPE ").Append(name).Append(' ').Append(instrument is Histogram<double> ? "histogram" : counter ? "counter" : "gauge").Append('\n');
                if (_observed.TryGetValue(instrument, out var values))
                {
                    foreach (var (labels, value) in values) Sample(text, name, labels, value);
                }
                if (_recorded.TryGetValue(instrument, out var series))
                {
                    foreach (var aggregate in series.Values.OrderBy(a => a.Labels, StringComparer.Ordinal)) aggregate.Write(text, name);
                }
            }
            _observed = null;
        }
        return text.ToString();
    }

    private static bool IsCounter(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType) return false;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>);
    }

    private static string Name(Instrument instrument, bool counter)
    {
        var name = new StringBuilder(instrument.Name.Length + 16);
        foreach (char c in instrument.Name) name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        if (instrument.Unit == "s") name.Append("_seconds");
        else if (instrument.Unit == "USDC") name.Append("_usdc");
        else if (instrument.Unit == "By") name.Append("_bytes");
        if (counter) name.Append("_total");
        return name.ToString();
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var labels = new StringBuilder();
        foreach (var tag in tags)
        {
            if (labels.Length > 0) labels.Append(',');
            labels.Append(tag.Key).Append("=\"");
            foreach (char c in Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")
            {
                if (c is '\\' or '"') labels.Append('\\').Append(c);
                else if (c == '\n') labels.Append("\\n");
                else labels.Append(c);
            }
            labels.Append('"');
        }
        return labels.ToString();
    }

    private static void Sample(StringBuilder text, string name, string labels, double value, string suffix = "", string? extraLabel = null)
    {
        text.Append(name).Append(suffix);
        if (labels.Length > 0 || extraLabel is not null)
        {
            text.Append('{').Append(labels);
            if (extraLabel is not null) text.Append(labels.Length > 0 ? "," : "").Append(extraLabel);
            text.Append('}');
        }
        text.Append(' ').Append(Format(value)).Append('\n');
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();

    /// <summary>A counter's running sum, or a histogram's buckets, sum and count (thread-safe, allocation-free to add).</summary>
    private sealed class Aggregate(string labels, double[]? bounds)
    {
        private readonly long[]? _buckets = bounds is null ? null : new long[bounds.Length + 1];
        private double _sum;

        public string Labels { get; } = labels;

        public void Add(double value)
        {
            if (_buckets is not null)
            {
                int i = Array.BinarySearch(bounds!, value);
                Interlocked.Increment(ref _buckets[i >= 0 ? i : ~i]);
            }
            double seen = Volatile.Read(ref _sum);
            while (true)
            {
                double was = Interlocked.CompareExchange(ref _sum, seen + value, seen);
                if (was.Equals(seen)) break;
                seen = was;
            }
        }

        public void Write(StringBuilder text, string name)
        {
            if (_buckets is null)
            {
                Sample(text, name, Labels, Volatile.Read(ref _sum));
                return;
            }
            long cumulative = 0;
            for (int i = 0; i < _buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref _buckets[i]);
                string le = i < bounds!.Length ? Format(bounds[i]) : "+Inf";
                Sample(text, name, Labels, cumulative, "_bucket", $"le=\"{le}\"");
            }
            Sample(text, name, Labels, Volatile.Read(ref _sum), "_sum");
            Sample(text, name, Labels, cumulative, "_count");
        }
    }

    public void Dispose() => _listener.Dispose();
}

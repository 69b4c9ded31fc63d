using System.Globalization;
using System.Net;
using System.Text;

namespace Backpack.Gateway.LoadTests.Reporting;

/// <summary>
/// The run's report as one self-contained HTML file (report.html): the Markdown report's text and
/// tables, plus two inline SVG charts: order acknowledgement latency over time (p50 and p99 per
/// second, the crash shaded) and the latency histogram per channel. No script, no external file.
/// </summary>
public static class HtmlReport
{
    private static readonly string[] Colors = ["#1f6feb", "#d9480f", "#2f9e44"];

    public static string Render(RunReport r) => Page(r.Title, MarkdownReport.Render(r), Charts(r), "Event delivery");

    /// <summary>
    /// A self-contained page of a Markdown report (headings, tables, items, **bold**), with
    /// <paramref name="charts"/> placed before the first heading that contains <paramref name="chartsBefore"/>, else at the end.
    /// </summary>
    public static string Page(string title, string markdown, string charts, string chartsBefore)
    {
        var body = new StringBuilder();
        bool chartsPlaced = false;
        var lines = markdown.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.StartsWith("# ", StringComparison.Ordinal)) body.Append("<h1>").Append(Inline(line[2..])).AppendLine("</h1>");
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (!chartsPlaced && line.Contains(chartsBefore, StringComparison.Ordinal))
                {
                    body.AppendLine(charts);
                    chartsPlaced = true;
                }
                body.Append("<h2>").Append(Inline(line[3..])).AppendLine("</h2>");
            }
            else if (line.StartsWith('|'))
            {
                body.AppendLine("<table>");
                bool header = true;
                for (; i < lines.Length && lines[i].StartsWith('|'); i++)
                {
                    if (lines[i].StartsWith("|---", StringComparison.Ordinal)) continue;
                    string tag = header ? "th" : "td";
                    body.Append("<tr>");
                    foreach (string cell in lines[i].Trim().Trim('|').Split('|')) body.Append('<').Append(tag).Append('>').Append(Inline(cell.Trim())).Append("</").Append(tag).Append('>');
                    body.AppendLine("</tr>");
                    header = false;
                }
                i--;
                body.AppendLine("</table>");
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal)) body.Append("<p class=\"item\">&bull; ").Append(Inline(line[2..])).AppendLine("</p>");
            else if (line.Length > 0) body.Append("<p>").Append(Inline(line)).AppendLine("</p>");
        }
        if (!chartsPlaced) body.AppendLine(charts);
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #1b1f24; }
            table { border-collapse: collapse; margin: .5em 0 1.2em; }
            th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; }
            th { background: #f3f5f7; } td:first-child, td:nth-child(2), th:first-child { text-align: left; }
            p.item { margin: .2em 0 .2em 1em; } svg { background: #fff; border: 1px solid #d0d7de; margin: .5em 0; }
            </style></head><body>
            {{body}}
            </body></html>
            """;
    }

    private static string Inline(string text)
    {
        string html = WebUtility.HtmlEncode(text);
        // **bold** only: the Markdown report uses nothing else inline.
        var parts = html.Split("**");
        var s = new StringBuilder();
        for (int i = 0; i < parts.Length; i++) s.Append(i % 2 == 1 ? "<strong>" + parts[i] + "</strong>" : parts[i]);
        return s.ToString();
    }

    private static string Charts(RunReport r) =>
        "<h2>Charts</h2>\n" + LatencyOverTime(r) + "\n" + Histogram(r);

    /// <summary>p50 (solid) and p99 (dashed) of the new-order acknowledgement latency per second, log scale.</summary>
    public static string LatencyOverTime(RunReport r)
    {
        const int W = 1000, H = 340, L = 70, R = 20, T = 30, B = 40;
        var all = r.Series.Values.SelectMany(v => v).ToList();
        long top = Math.Max(1000, all.Count == 0 ? 1000 : all.Max(p => p.P99));
        double minLog = 1, maxLog = Math.Ceiling(Math.Log10(top) * 2) / 2;
        double duration = Math.Max(1, r.DurationSeconds);
        double X(double second) => L + second / duration * (W - L - R);
        double Y(long micros) => T + (1 - (Math.Log10(Math.Max(10, micros)) - minLog) / (maxLog - minLog)) * (H - T - B);
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-size=\"12\">");
        s.Append("<text x=\"").Append(L).Append("\" y=\"18\" font-weight=\"bold\">Order -> acknowledgement latency per second (solid p50, dashed p99)</text>");
        if (r.CrashStart is { } cs && r.CrashEnd is { } ce)
        {
            double x0 = X(cs), x1 = X(Math.Min(ce, duration));
            s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0:0.#}\" y=\"{T}\" width=\"{Math.Max(0, x1 - x0):0.#}\" height=\"{H - T - B}\" fill=\"#ffe3e3\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + 4:0.#}\" y=\"{T + 14}\" fill=\"#c92a2a\">crash</text>");
        }
        for (double e = minLog; e <= maxLog + 1e-9; e += 1)
        {
            long v = (long)Math.Pow(10, e);
            s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#e9ecef\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{L - 6}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{MarkdownReport.Latency(v)}</text>");
        }
        for (int sec = 0; sec <= duration; sec += duration > 120 ? 30 : 10)
        {
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(sec):0.#}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{sec} s</text>");
        }
        int c = 0;
        foreach (var (channel, series) in r.Series)
        {
            string color = Colors[c % Colors.Length];
            foreach (var (pick, dash) in new (Func<(int Second, long Count, long P50, long P99, long Max), long>, string)[] { (p => p.P50, ""), (p => p.P99, " stroke-dasharray=\"5 3\"") })
            {
                string points = string.Join(" ", series.Select(p => FormattableString.Invariant($"{X(p.Second + 0.5):0.#},{Y(pick(p)):0.#}")));
                s.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\"{dash} points=\"{points}\"/>");
            }
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{W - R - 160}\" y=\"{T + 16 + 16 * c}\" fill=\"{color}\">{WebUtility.HtmlEncode(channel)}</text>");
            c++;
        }
        s.Append("</svg>");
        return s.ToString();
    }

    /// <summary>The new-order acknowledgement latency distribution per channel, 10 bins per decade.</summary>
    public static string Histogram(RunReport r)
    {
        const int W = 1000, H = 300, L = 70, R = 20, T = 30, B = 40;
        var binned = r.AckHistograms.ToDictionary(h => h.Key, h => h.Value
            .GroupBy(b => (int)Math.Floor(Math.Log10(Math.Max(1, b.High)) * 10))
            .ToDictionary(g => g.Key, g => g.Sum(b => b.Count)));
        var bins = binned.Values.SelectMany(b => b.Keys).ToList();
        int lo = bins.Count == 0 ? 10 : bins.Min(), hi = bins.Count == 0 ? 40 : bins.Max();
        double fractionMax = binned.Values.Select(b => b.Values.Sum() is var total and > 0 ? b.Values.Max() / (double)total : 0).DefaultIfEmpty(1).Max();
        double binWidth = (W - L - R) / (double)(hi - lo + 1);
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-size=\"12\">");
        s.Append("<text x=\"").Append(L).Append("\" y=\"18\" font-weight=\"bold\">Order -> acknowledgement latency histogram (share of orders, log-scale bins)</text>");
        for (int bin = (int)Math.Ceiling(lo / 10.0) * 10; bin <= hi; bin += 10)
        {
            double x = L + (bin - lo) * binWidth;
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{MarkdownReport.Latency((long)Math.Pow(10, bin / 10.0))}</text>");
        }
        int c = 0, channels = Math.Max(1, binned.Count);
        foreach (var (channel, counts) in binned)
        {
            string color = Colors[c % Colors.Length];
            long total = Math.Max(1, counts.Values.Sum());
            foreach (var (bin, count) in counts)
            {
                double share = count / (double)total;
                double height = share / fractionMax * (H - T - B);
                double x = L + (bin - lo) * binWidth + c * binWidth / channels;
                s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{H - B - height:0.#}\" width=\"{Math.Max(1, binWidth / channels - 1):0.#}\" height=\"{height:0.#}\" fill=\"{color}\"><title>{WebUtility.HtmlEncode(channel)}: {share:P2} from {MarkdownReport.Latency((long)Math.Pow(10, bin / 10.0))} to {MarkdownReport.Latency((long)Math.Pow(10, (bin + 1) / 10.0))}</title></rect>");
            }
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{W - R - 160}\" y=\"{T + 16 + 16 * c}\" fill=\"{color}\">{WebUtility.HtmlEncode(channel)}</text>");
            c++;
        }
        s.Append("</svg>");
        return s.ToString();
    }
}

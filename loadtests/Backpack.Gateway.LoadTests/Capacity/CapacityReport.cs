using System.Globalization;
using System.Text;
using Backpack.Gateway.LoadTests.Reporting;

namespace Backpack.Gateway.LoadTests.Capacity;

/// <summary>The capacity search's report: the steps, the highest rate that held, and the knee plot (capacity.md, capacity.html, knee.svg).</summary>
public static class CapacityReport
{
    private static readonly string[] Colors = ["#1f6feb", "#d9480f"];

    public static string Markdown(IReadOnlyList<CapacityStep> steps, CapacityOptions capacity, string plan)
    {
        var s = new StringBuilder();
        s.AppendLine("# Crash load test: capacity");
        s.AppendLine();
        s.AppendLine($"Each step is a crash run on a fresh venue ({capacity.StepSeconds:0.#} s, the crash from {capacity.CrashAt:0.#} s) at a higher offered rate, " +
                     $"{capacity.FixShare:P0} of it on FIX; a step holds when, during the crash, the new-order acknowledgement p99 of both channels stays at or below " +
                     $"{capacity.AckP99LimitMilliseconds:0.#} ms and the run's verdict is correct (no liquidation or ADL event lost or duplicated, no client dropped, no request unanswered, the money checks hold)." +
                     (capacity.Repeats > 1 ? $" Each step ran {capacity.Repeats} times: its figures are those of the run with the median worse-channel p99, and every run had to be correct." : ""));
        s.AppendLine();
        s.AppendLine($"Plan of the first step: `{plan}`.");
        s.AppendLine();
        var held = steps.Where(x => x.Held).ToList();
        var first = steps.FirstOrDefault(x => !x.Held);
        s.AppendLine(held.Count == 0
            ? "**No step held**: " + (first is null ? "no step was run." : $"at {first.OfferedRate:N0} requests/s: {string.Join("; ", first.Broken)}.")
            : $"**Highest offered rate that held: {held.Max(x => x.OfferedRate):N0} requests/s** " +
              $"({held.MaxBy(x => x.OfferedRate)!.FixRate:N0} FIX + {held.MaxBy(x => x.OfferedRate)!.WebSocketRate:N0} WebSocket)" +
              (first is null ? $"; every step up to the last ({capacity.MaxRate:N0}) held, so the limit lies higher." : $"; at {first.OfferedRate:N0}: {string.Join("; ", first.Broken)}."));
        s.AppendLine();
        s.AppendLine("## Steps");
        s.AppendLine();
        MarkdownReport.Table(s, ["offered/s", "FIX + WebSocket", "acknowledged/s", "FIX ack p50 / p99", "WebSocket ack p50 / p99", "FIX service p99", "WebSocket service p99",
                "events lost / dup.", "CPU venue / generator", "held"],
            steps.Select(x => new[]
            {
                N(x.OfferedRate), $"{N(x.FixRate)} + {N(x.WebSocketRate)}", N(x.AcknowledgedPerSecond),
                $"{L(x.FixAck.P50, x.FixAck.Count)} / {L(x.FixAck.P99, x.FixAck.Count)}", $"{L(x.WebSocketAck.P50, x.WebSocketAck.Count)} / {L(x.WebSocketAck.P99, x.WebSocketAck.Count)}",
                L(x.FixService.P99, x.FixService.Count), L(x.WebSocketService.P99, x.WebSocketService.Count),
                $"{x.EventsLost} / {x.EventsDuplicated}", $"{x.VenueCpuShare:P0} / {x.GeneratorCpuShare:P0}", x.Held ? "yes" : "**no**: " + string.Join("; ", x.Broken),
            }));
        s.AppendLine("Latencies are from the planned send time (the service time from the actual send), during the crash; CPU shares are of all the machine's cores. Each step's own report: " +
                     string.Join(", ", steps.Select(x => $"{N(x.OfferedRate)}/s `{x.ReportPath}`")) + ".");
        s.AppendLine();
        return s.ToString();
    }

    public static string Html(IReadOnlyList<CapacityStep> steps, CapacityOptions capacity, string plan) =>
        HtmlReport.Page("Crash load test: capacity", Markdown(steps, capacity, plan), "<h2>The knee</h2>\n" + Knee(steps, capacity), "Steps");

    /// <summary>The knee: offered rate (x) against the acknowledgement p50 (solid) and p99 (dashed) during the crash per channel (log y), the limit as a red line.</summary>
    public static string Knee(IReadOnlyList<CapacityStep> steps, CapacityOptions capacity)
    {
        const int W = 900, H = 380, Lm = 70, R = 20, T = 30, B = 44;
        double limit = capacity.AckP99LimitMilliseconds * 1000;
        double xMin = steps.Count == 0 ? 0 : steps.Min(x => x.OfferedRate), xMax = steps.Count == 0 ? 1 : steps.Max(x => x.OfferedRate);
        if (xMax <= xMin) xMax = xMin + 1;
        long top = Math.Max((long)limit * 2, steps.Count == 0 ? 1000 : steps.Max(x => Math.Max(x.FixAck.P99, x.WebSocketAck.P99)));
        double minLog = 1, maxLog = Math.Ceiling(Math.Log10(top) * 2) / 2;
        double X(double rate) => Lm + (rate - xMin) / (xMax - xMin) * (W - Lm - R);
        double Y(double micros) => T + (1 - (Math.Log10(Math.Max(10, micros)) - minLog) / (maxLog - minLog)) * (H - T - B);
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-size=\"12\" font-family=\"sans-serif\">");
        s.Append(CultureInfo.InvariantCulture, $"<rect width=\"{W}\" height=\"{H}\" fill=\"#fff\"/>");
        s.Append(CultureInfo.InvariantCulture, $"<text x=\"{Lm}\" y=\"18\" font-weight=\"bold\">Acknowledgement latency during the crash against the offered rate (solid p50, dashed p99)</text>");
        for (double e = minLog; e <= maxLog + 1e-9; e += 1)
        {
            double v = Math.Pow(10, e);
            s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Lm}\" x2=\"{W - R}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#e9ecef\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{Lm - 6}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{MarkdownReport.Latency((long)v)}</text>");
        }
        s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Lm}\" x2=\"{W - R}\" y1=\"{Y(limit):0.#}\" y2=\"{Y(limit):0.#}\" stroke=\"#c92a2a\" stroke-dasharray=\"2 2\"/>");
        s.Append(CultureInfo.InvariantCulture, $"<text x=\"{W - R - 4}\" y=\"{Y(limit) - 4:0.#}\" text-anchor=\"end\" fill=\"#c92a2a\">p99 limit {MarkdownReport.Latency((long)limit)}</text>");
        foreach (var step in steps)
        {
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(step.OfferedRate):0.#}\" y=\"{H - B + 16}\" text-anchor=\"middle\" fill=\"{(step.Held ? "#1b1f24" : "#c92a2a")}\">{N(step.OfferedRate)}</text>");
        }
        s.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Lm + W - R) / 2}\" y=\"{H - 8}\" text-anchor=\"middle\">offered requests per second (FIX + WebSocket); red: the step broke an objective</text>");
        var channels = new (string Name, Func<CapacityStep, Percentiles> Pick)[] { ("FIX", x => x.FixAck), ("WebSocket", x => x.WebSocketAck) };
        for (int c = 0; c < channels.Length; c++)
        {
            var (name, pick) = channels[c];
            foreach (var (percentile, dash) in new (Func<Percentiles, long>, string)[] { (p => p.P50, ""), (p => p.P99, " stroke-dasharray=\"6 3\"") })
            {
                var points = steps.Where(x => pick(x).Count > 0).Select(x => FormattableString.Invariant($"{X(x.OfferedRate):0.#},{Y(percentile(pick(x))):0.#}")).ToList();
                s.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colors[c]}\" stroke-width=\"1.8\"{dash} points=\"{string.Join(" ", points)}\"/>");
                foreach (string point in points)
                {
                    var xy = point.Split(',');
                    s.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"3\" fill=\"{Colors[c]}\"/>");
                }
            }
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{Lm + 10}\" y=\"{T + 16 + 16 * c}\" fill=\"{Colors[c]}\">{name}</text>");
        }
        s.Append("</svg>");
        return s.ToString();
    }

    private static string N(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
    private static string L(long micros, long count) => MarkdownReport.Latency(micros, count);
}

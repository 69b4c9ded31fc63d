using System.Globalization;
using ScottPlot;

namespace Backpack.Gateway.Host.Cli;

/// <summary>
/// The study's plot (ScottPlot): the share of the liquidated notional closed on the book against the
/// playback speed, one line per scenario and stage 1 variant (the reference thin, with open
/// markers: SkiaSharp's SVG canvas draws no dashes).
/// </summary>
public static class BookSharePlot
{
    public static void Save(IReadOnlyList<MatrixRow> rows, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var scenarios = rows.Select(r => r.Scenario).Distinct().ToList();
        foreach (var group in rows.GroupBy(r => (r.Scenario, r.Stage)))
        {
            var points = group.OrderBy(r => r.Speed).ToList();
            var line = plot.Add.Scatter(points.Select(r => r.Speed).ToArray(), points.Select(r => 100 * r.Summary.Share(r.Summary.BookNotional)).ToArray());
            line.Color = palette.GetColor(scenarios.IndexOf(group.Key.Scenario));
            bool reference = group.Key.Stage == "reference";
            line.LineWidth = reference ? 1 : 2.5f;
            line.MarkerSize = reference ? 8 : 7;
            line.MarkerShape = reference ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
            line.LegendText = $"{group.Key.Scenario} ({group.Key.Stage})";
        }
        var goal = plot.Add.HorizontalLine(99.82);
        goal.Color = Colors.Gray;
        goal.LineWidth = 1;
        goal.LegendText = "Backpack's 99.82%";
        plot.Title("Liquidated notional closed on the order book");
        plot.XLabel("playback speed (x real time)");
        plot.YLabel("on the book (%)");
        plot.Axes.SetLimitsY(0, 105);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            rows.Select(r => r.Speed).Distinct().Order().Select(x => new Tick(x, x.ToString(CultureInfo.InvariantCulture))).ToArray());
        plot.ShowLegend(Edge.Right);
        if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) plot.SavePng(path, 1100, 520);
        else plot.SaveSvg(path, 1100, 520);
    }
}

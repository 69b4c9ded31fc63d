using Backpack.Gateway.LoadTests.Measurement;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Backpack.Gateway.LoadTests.Reporting;

/// <summary>What the live view shows at one moment.</summary>
public sealed record LiveStatus(double Elapsed, double Duration, string Phase, IReadOnlyList<LiveStatus.ChannelLine> Channels,
    IReadOnlyList<(string Symbol, decimal Mark)> Marks, long PublicLiquidations, string Crash)
{
    public sealed record ChannelLine(string Channel, int Clients, long Sent, long Ok, long Failed, double OkPerSecond, long P50, long P99, long Outstanding);
}

/// <summary>
/// The console while a run goes on: a Spectre.Console live table refreshed twice a second on a
/// terminal, or one plain line every five seconds when the output is redirected (CI, tests, files).
/// </summary>
public static class LiveView
{
    public static async Task RunAsync(Func<LiveStatus> status, Task until, bool live, TextWriter plain)
    {
        if (live && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await AnsiConsole.Live(Render(status())).AutoClear(false).StartAsync(async ctx =>
            {
                while (!until.IsCompleted)
                {
                    await Task.WhenAny(until, Task.Delay(500));
                    ctx.UpdateTarget(Render(status()));
                    ctx.Refresh();
                }
            });
            return;
        }
        while (!until.IsCompleted)
        {
            await Task.WhenAny(until, Task.Delay(5000));
            var s = status();
            plain.WriteLine($"[{s.Elapsed,5:0.0}/{s.Duration:0} s] {s.Phase,-6} " + string.Join("  ", s.Channels.Select(c =>
                $"{c.Channel}: {c.Ok:N0} ok {c.Failed:N0} failed, new orders {c.OkPerSecond:N0}/s p50 {MarkdownReport.Latency(c.P50)} p99 {MarkdownReport.Latency(c.P99)}")) +
                $"  public liquidations {s.PublicLiquidations}  {s.Crash}");
        }
    }

    private static IRenderable Render(LiveStatus s)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]Crash load test[/]  {s.Elapsed:0.0} / {s.Duration:0} s   phase [yellow]{s.Phase}[/]   {Markup.Escape(s.Crash)}");
        foreach (string column in new[] { "channel", "clients", "sent", "acknowledged", "refused", "new orders acked/s (last s)", "p50", "p99", "in flight" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        foreach (var c in s.Channels)
        {
            table.AddRow(c.Channel, c.Clients.ToString("N0"), c.Sent.ToString("N0"), c.Ok.ToString("N0"), c.Failed.ToString("N0"),
                c.OkPerSecond.ToString("N0"), MarkdownReport.Latency(c.P50), MarkdownReport.Latency(c.P99), c.Outstanding.ToString("N0"));
        }
        table.Caption("marks: " + string.Join("   ", s.Marks.Select(m => $"{m.Symbol} {m.Mark:0.##}")) + $"   public liquidation events: {s.PublicLiquidations}");
        return table;
    }
}

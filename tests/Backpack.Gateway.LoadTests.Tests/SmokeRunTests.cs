using Backpack.Gateway.LoadTests.Hosting;
using Backpack.Gateway.TestSupport;

namespace Backpack.Gateway.LoadTests.Tests;

/// <summary>
/// The runner end to end, for a few seconds: the real gateway program on free loopback ports, both
/// fleets connected, a gap-down crash started through the admin endpoint. Asserts correctness (every
/// liquidation and ADL event delivered exactly once, the money checks) and that the report has
/// figures; never timing.
/// </summary>
public class SmokeRunTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)] // two worker processes with half the fleet each, their figures and deliveries merged
    public async Task A_smoke_run_connects_both_channels_crashes_the_venue_and_reports_correct_figures(int generators)
    {
        string work = Path.Combine(Path.GetTempPath(), $"loadtest-smoke-{Guid.NewGuid():N}");
        string accounts = RepositoryFiles.PathOf("config/loadtest.json");
        var host = await HostLauncher.StartAsync(work, ["--config", accounts], TimeSpan.FromSeconds(90));
        var options = LoadTestOptions.Smoke with
        {
            HttpBase = host.HttpBase,
            WebSocketUri = host.WebSocketUri,
            FixEndpoint = host.FixEndpoint,
            AccountsFile = accounts,
            ReportDirectory = Path.Combine(work, "reports"),
            Generators = generators,
        };
        var progress = new StringWriter();
        try
        {
            var result = await new CrashLoadTest(options, progress).RunAsync(CancellationToken.None);
            var report = result.Report;

            Assert.Empty(report.Problems);
            Assert.NotNull(report.CrashStart);
            foreach (string channel in new[] { "FIX", "WebSocket" })
            {
                var total = report.Totals.Single(t => t.Channel == channel);
                Assert.True(total.Ok > 0 && total.NewOrderAck.Count > 0 && total.NewOrderAck.P50 > 0 && total.NewOrderAck.Max >= total.NewOrderAck.P99, channel);
                Assert.Equal(total.Sent, total.Ok + total.Failed);
            }
            // The crash liquidated the leveraged accounts of both channels, and every event reached its client once.
            Assert.True(report.Liquidations.Started >= 2, $"liquidations: {report.Liquidations}");
            // Every generator's clients were counted, and together they sent the whole plan.
            Assert.Contains($"Load generators: {generators}", string.Join("\n", report.Settings));
            Assert.Equal(480, report.Totals.Single(t => t.Channel == "FIX").Sent); // inject:60:8s
            Assert.True(report.Liquidations.TotalNotional > 0);
            Assert.All(report.Audit, a => Assert.True(a.Expected > 0 && a.Delivered == a.Expected && a.Lost == 0 && a.Duplicated == 0 && a.Unexpected == 0, a.ToString()));
            Assert.True(report.Phases.Single(p => p.Channel == "WebSocket" && p.Phase == "during").Ok > 0);
            Assert.Equal(0m, report.After.MoneyChecks.CashDiscrepancy);
            Assert.Equal(0, report.After.MoneyChecks.NegativeEquityAccounts);

            // Where the time went: both processes used CPU in the run, read from the venue's /metrics and from the runner itself.
            var whole = report.Resources.Processes.Where(p => p.Phase == "whole run").ToDictionary(p => p.Process);
            Assert.True(whole["venue"].CpuSeconds > 0 && whole["load generator"].CpuSeconds > 0, string.Join("; ", whole.Values));
            Assert.Equal(0, report.Resources.FailedSamples);
            Assert.Contains(report.Resources.Queues, q => q.Queue.StartsWith("engine inbound queue") && q.Phase == "during");

            string markdown = await File.ReadAllTextAsync(result.MarkdownPath);
            Assert.Contains("## Where the time went", markdown);
            Assert.Contains("**Verdict: correct.**", markdown);
            Assert.Contains("| FIX | whole run |", markdown);
            string html = await File.ReadAllTextAsync(result.HtmlPath);
            Assert.Equal(2, html.Split("<svg").Length - 1);
            Assert.Contains("<polyline", html);
            Assert.Contains("<rect", html);
            // HdrHistogram's text beside the report: its last row is the 100th percentile at the whole count.
            string folder = Path.GetDirectoryName(result.MarkdownPath)!;
            string hgrm = await File.ReadAllTextAsync(Path.Combine(folder, "fix-new-order-ack.hgrm"));
            var lastRow = hgrm.Split('\n').Last(l => l.Length > 0 && !l.StartsWith('#')).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(("1.000000000000", report.Totals.Single(t => t.Channel == "FIX").NewOrderAck.Count.ToString()), (lastRow[1], lastRow[2]));
            Assert.Equal(10, Directory.GetFiles(folder, "*.hgrm").Length);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\nrunner:\n{progress}\ngateway:\n{host.Log}", e);
        }
        finally
        {
            await host.DisposeAsync();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

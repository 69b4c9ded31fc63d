using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// CCXT pro (ccxt@4.5.84 from npm, pinned in CcxtClient/package-lock.json; installed on first use)
/// with its Backpack driver unchanged, against the WebSocket at the root path and the public REST on
/// the same port: watchOrderBook (deltas cached, then synced to the REST depth by update id),
/// watchTrades, watchTicker, watchBidsAsks, watchOHLCV, and Backpack's error frame. The values CCXT
/// returns are the venue's.
/// </summary>
public class CcxtProTests
{
    private const string Sol = "SOL_USDC_PERP";
    private static readonly string ClientDirectory = RepositoryFiles.PathOf("tests/Backpack.Gateway.WebSockets.Tests/CcxtClient");
    private static Task InstallAsync() => NodePackages.InstallAsync(ClientDirectory, "node_modules/ccxt/package.json");

    private static object Order(string side, string price, string quantity, string timeInForce = "GTC") =>
        new { symbol = Sol, side, orderType = "Limit", price, quantity, timeInForce };

    private static decimal[] Level(JsonElement level) => [level[0].GetDecimal(), level[1].GetDecimal()];

    [Fact]
    public async Task CCXT_pro_watches_the_book_trades_ticker_bids_asks_and_candles_and_reads_the_venues_values()
    {
        await InstallAsync();
        await using var host = new WsTestHost(rest: true);
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA);
        await using var b = await host.ConnectAsync();
        await b.LogOnAsync(WsTestHost.KeyB);
        await a.RequestAsync("orderExecute", Order("Ask", "181", "3"));
        await a.RequestAsync("orderExecute", Order("Ask", "182", "1"));
        await a.RequestAsync("orderExecute", Order("Bid", "179", "2"));

        await using var ccxt = NodeScript.Start(ClientDirectory, "ccxt.mjs", host.HttpBase, "31");
        await ccxt.WaitForLineAsync("ready book");
        // Thirty bids, one book change each: CCXT caches the deltas, loads the REST depth after ten and applies the rest by U/u.
        for (int i = 0; i < 30; i++)
        {
            await a.RequestAsync("orderExecute", Order("Bid", (170m + i * 0.01m).ToString(CultureInfo.InvariantCulture), "1"));
            await Task.Delay(20);
        }
        using var rest = new HttpClient();
        var depth = JsonDocument.Parse(await rest.GetStringAsync(host.HttpBase + "/api/v1/depth?symbol=" + Sol)).RootElement;

        await ccxt.WaitForLineAsync("ready trades");
        string buy = (await b.RequestAsync("orderExecute", Order("Bid", "181", "1", "IOC"))).GetProperty("result").GetProperty("id").GetString()!;
        var report = await ccxt.ReportAsync();

        // The book CCXT built is the venue's, at the REST depth's lastUpdateId.
        var book = report.GetProperty("orderBook");
        decimal[][] bids = [[179m, 2m], .. Enumerable.Range(0, 30).Select(i => new[] { 170.29m - i * 0.01m, 1m })];
        Assert.Equal(bids, book.GetProperty("bids").EnumerateArray().Select(Level).ToArray());
        Assert.Equal(new[] { new[] { 181m, 3m }, new[] { 182m, 1m } }, book.GetProperty("asks").EnumerateArray().Select(Level).ToArray());
        Assert.Equal(long.Parse(depth.GetProperty("lastUpdateId").GetString()!, CultureInfo.InvariantCulture), book.GetProperty("nonce").GetInt64());
        Assert.Equal(31, depth.GetProperty("bids").GetArrayLength());

        var trade = Assert.Single(report.GetProperty("trades").EnumerateArray());
        Assert.Equal((181m, 1m, "buy", buy), (trade.GetProperty("price").GetDecimal(), trade.GetProperty("amount").GetDecimal(), trade.GetProperty("side").GetString(), trade.GetProperty("order").GetString()));
        long tradeMs = trade.GetProperty("timestamp").GetInt64();
        Assert.InRange(tradeMs, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var ticker = report.GetProperty("ticker");
        Assert.Equal(("SOL/USDC:USDC", 181m, 181m, 181m, 181m, 1m, 181m),
            (ticker.GetProperty("symbol").GetString(), ticker.GetProperty("open").GetDecimal(), ticker.GetProperty("last").GetDecimal(), ticker.GetProperty("high").GetDecimal(),
             ticker.GetProperty("low").GetDecimal(), ticker.GetProperty("baseVolume").GetDecimal(), ticker.GetProperty("quoteVolume").GetDecimal()));
        Assert.True(ticker.GetProperty("timestamp").GetInt64() >= tradeMs, ticker.GetRawText());

        var top = report.GetProperty("bidsAsks");
        Assert.Equal((179m, 2m, 181m, 2m), (top.GetProperty("bid").GetDecimal(), top.GetProperty("bidVolume").GetDecimal(), top.GetProperty("ask").GetDecimal(), top.GetProperty("askVolume").GetDecimal()));

        // CCXT stamps a candle with its close time (Backpack's T): the end of the trade's minute.
        var candle = report.GetProperty("ohlcv").EnumerateArray().Last();
        Assert.Equal(new decimal[] { tradeMs - tradeMs % 60_000 + 60_000, 181, 181, 181, 181, 1 }, candle.EnumerateArray().Select(v => v.GetDecimal()).ToArray());

        Assert.Equal("ExchangeError: backpack Invalid stream 'ticker.NOPE_USDC'", report.GetProperty("error").GetString());
    }

    /// <summary>A Node script whose output lines the test reads as they come.</summary>
    private sealed class NodeScript : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly StringBuilder _seen = new();

        private NodeScript(Process process) => _process = process;

        public static NodeScript Start(string directory, string script, params string[] arguments)
        {
            var process = new Process
            {
                StartInfo = new ProcessStartInfo("node", [script, .. arguments])
                {
                    WorkingDirectory = directory,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                },
            };
            var node = new NodeScript(process);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) node._lines.Writer.TryComplete();
                else node._lines.Writer.TryWrite(e.Data);
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null) lock (node._seen) node._seen.AppendLine("stderr: " + e.Data);
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return node;
        }

        private async Task<string?> NextLineAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                string line = await _lines.Reader.ReadAsync(cancel.Token);
                lock (_seen) _seen.AppendLine(line);
                return line;
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                return null;
            }
        }

        private string Seen()
        {
            lock (_seen) return _seen.ToString();
        }

        public async Task WaitForLineAsync(string expected)
        {
            while (await NextLineAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                if (line == expected) return;
            }
            Assert.Fail($"no '{expected}' from the script: " + Seen());
        }

        /// <summary>The JSON report, the script's last line, once it exited with 0.</summary>
        public async Task<JsonElement> ReportAsync()
        {
            string? last = null;
            while (await NextLineAsync(TimeSpan.FromSeconds(90)) is { } line) last = line;
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(_process.ExitCode == 0 && last is not null, $"the script failed ({_process.ExitCode}): " + Seen());
            return JsonDocument.Parse(last!).RootElement.Clone();
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

using System.Text.Json;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.Host.Tests;

/// <summary>Backpack's REST API on the running venue: live market data, and history that survives a restart and a deleted database.</summary>
public class RestApiTests
{
    private static readonly string[] Quiet = ["--Demo:Enabled=false", "--PriceFeed:Walk=false", "--Sequencer:TickInterval=00:00:00"];

    /// <summary>The REST answer at <paramref name="path"/>, as text, once it satisfies <paramref name="ready"/> (the history follows the engine a moment later).</summary>
    private static async Task<string> WaitForAsync(HostTestVenue venue, string path, Func<JsonElement, bool> ready)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            string text = await venue.Http.GetStringAsync(path);
            if (ready(JsonDocument.Parse(text).RootElement)) return text;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} still answers {text}");
            await Task.Delay(50);
        }
    }

    /// <summary>Bob's fills and orders, signed with his demo key, once the history has his fill.</summary>
    private static async Task<(string Fills, string Orders)> BobsHistoryAsync(HostTestVenue venue)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var fills = await venue.Http.SendAsync(RestSigner.Sign(Demo.SecretOf("bob"), HttpMethod.Get, "wapi/v1/history/fills", "fillHistoryQueryAll",
                new Dictionary<string, string> { ["symbol"] = "SOL_USDC_PERP" }));
            using var orders = await venue.Http.SendAsync(RestSigner.Sign(Demo.SecretOf("bob"), HttpMethod.Get, "wapi/v1/history/orders", "orderHistoryQueryAll"));
            Assert.Equal((System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.OK), (fills.StatusCode, orders.StatusCode));
            string f = await fills.Content.ReadAsStringAsync(), o = await orders.Content.ReadAsStringAsync();
            if (JsonDocument.Parse(f).RootElement.GetArrayLength() == 1) return (f, o);
            if (DateTime.UtcNow > deadline) throw new TimeoutException("bob's fill is not in the history: " + f);
            await Task.Delay(50);
        }
    }

    /// <summary>The WebSocket's 24 h ticker, day candle and open interest of a restarted venue include the trade before the restart (bob bought 2 at 180.5).</summary>
    private static async Task AssertStreamsGoOnAsync(HostTestVenue venue)
    {
        await using var w = await WsTestClient.ConnectAsync(venue.WebSocketUri);
        await w.SubscribeAsync("ticker.SOL_USDC_PERP", "kline.1d.SOL_USDC_PERP", "openInterest.SOL_USDC_PERP");
        var ticker = await w.StreamAsync("ticker.SOL_USDC_PERP", "ticker");
        Assert.Equal(("180.5", "2", "361", 1), (ticker.GetProperty("c").GetString(), ticker.GetProperty("v").GetString(), ticker.GetProperty("V").GetString(), ticker.GetProperty("n").GetInt32()));
        var day = await w.StreamAsync("kline.1d.SOL_USDC_PERP", "kline");
        Assert.Equal(("180.5", "2", 1), (day.GetProperty("o").GetString(), day.GetProperty("v").GetString(), day.GetProperty("n").GetInt32()));
        Assert.Equal("2", (await w.StreamAsync("openInterest.SOL_USDC_PERP", "openInterest")).GetProperty("o").GetString());
    }

    [Fact]
    public async Task Trades_candles_fills_and_orders_answer_the_same_after_a_restart_and_after_the_history_database_is_deleted()
    {
        string folder = Directory.CreateTempSubdirectory("bp-rest-").FullName;
        const string Trades = "api/v1/trades?symbol=SOL_USDC_PERP";
        const string Klines = "api/v1/klines?symbol=SOL_USDC_PERP&interval=1d&startTime=0";
        try
        {
            string trades, klines, fills, orders;
            await using (var first = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                var endpoint = first.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
                using var alice = new FixTestClient(endpoint, "ALICE", Demo.SecretOf("alice"));
                using var bob = new FixTestClient(endpoint, "BOB", Demo.SecretOf("bob"));
                alice.Logon();
                bob.Logon();
                alice.Send("D", FixTestClient.LimitOrder("a-1", '2', "2", "180.5"));
                Assert.Equal("0", alice.Expect("8").GetString(FixTags.ExecType));
                bob.Send("D", FixTestClient.LimitOrder("b-1", '1', "2", "180.5"));
                Assert.Equal("0", bob.Expect("8").GetString(FixTags.ExecType));
                Assert.Equal("F", bob.Expect("8").GetString(FixTags.ExecType));

                trades = await WaitForAsync(first, Trades, t => t.GetArrayLength() == 1);
                var trade = JsonDocument.Parse(trades).RootElement[0];
                Assert.Equal(("180.5", "2", false), (trade.GetProperty("price").GetString(), trade.GetProperty("quantity").GetString(), trade.GetProperty("isBuyerMaker").GetBoolean()));
                klines = await WaitForAsync(first, Klines, k => k.GetArrayLength() == 1);
                Assert.Equal("361", JsonDocument.Parse(klines).RootElement[0].GetProperty("quoteVolume").GetString());
                (fills, orders) = await BobsHistoryAsync(first);
                var fill = JsonDocument.Parse(fills).RootElement[0];
                Assert.Equal(("180.5", "2", "Bid"), (fill.GetProperty("price").GetString(), fill.GetProperty("quantity").GetString(), fill.GetProperty("side").GetString()));
                var order = Assert.Single(JsonDocument.Parse(orders).RootElement.EnumerateArray());
                Assert.Equal(("Filled", fill.GetProperty("orderId").GetString()), (order.GetProperty("status").GetString(), order.GetProperty("id").GetString()));

                // The live book: bob's buy took alice's ask whole; the venue's depth is empty and its sequence is the engine's.
                var depth = JsonDocument.Parse(await first.Http.GetStringAsync("api/v1/depth?symbol=SOL_USDC_PERP")).RootElement;
                Assert.Equal((0, 0), (depth.GetProperty("asks").GetArrayLength(), depth.GetProperty("bids").GetArrayLength()));
                await first.StopAsync();
            }

            // A restart: the history is where it was.
            await using (var second = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                Assert.Equal(trades, await second.Http.GetStringAsync(Trades));
                Assert.Equal(klines, await second.Http.GetStringAsync(Klines));
                Assert.Equal((fills, orders), await BobsHistoryAsync(second));
                await AssertStreamsGoOnAsync(second);
                await second.StopAsync();
            }

            // The history database lost: the start rebuilds it from the journal.
            foreach (string file in Directory.GetFiles(folder, "history.db*")) File.Delete(file);
            await using (var third = await HostTestVenue.StartInAsync(folder, keep: false, Quiet))
            {
                Assert.Equal(0, third.App.Services.GetRequiredService<HistoryService>().Projector!.Dropped);
                Assert.Equal(trades, await third.Http.GetStringAsync(Trades));
                Assert.Equal(klines, await third.Http.GetStringAsync(Klines));
                Assert.Equal((fills, orders), await BobsHistoryAsync(third));
                await AssertStreamsGoOnAsync(third);
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}

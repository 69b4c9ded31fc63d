using System.Net;
using System.Text.Json;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// The streams CCXT pro reads, with Backpack's names and keys (docs/websocket.md section 5):
/// ticker, bookTicker, kline, openInterest and trade's order ids; the root path; UNSUBSCRIBE; and
/// Backpack's numeric errors for bad stream names. The engine runs on a clock the test moves, so
/// every time and every throttled message is known.
/// </summary>
public class MarketStreamTests
{
    private const string Sol = "SOL_USDC_PERP";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long StartMicros = (Start - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static string Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString()! : e.GetProperty(name).GetRawText();

    private static long Micros(double seconds) => StartMicros + (long)(seconds * 1_000_000);

    private static object Order(string side, string price, string quantity, string timeInForce = "GTC") =>
        new { symbol = Sol, side, orderType = "Limit", price, quantity, timeInForce };

    [Fact]
    public async Task Ticker_bookTicker_kline_and_openInterest_follow_the_trades_with_Backpack_keys()
    {
        var clock = new ManualClock(Start.AddSeconds(1));
        await using var host = new WsTestHost(clock: clock.Read);
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        host.Fund(WsTestHost.AccountC, 100_000);
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await using var c = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA);
        await b.LogOnAsync(WsTestHost.KeyB);
        await c.LogOnAsync(WsTestHost.KeyC);
        string ask = Str((await a.RequestAsync("orderExecute", Order("Ask", "181", "3"))).GetProperty("result"), "id");
        string bid = Str((await a.RequestAsync("orderExecute", Order("Bid", "179", "2"))).GetProperty("result"), "id");

        await using var w = await host.ConnectAsync();
        await w.SubscribeAsync($"ticker.{Sol}", $"bookTicker.{Sol}", $"kline.1m.{Sol}", $"kline.1h.{Sol}", $"openInterest.{Sol}", $"trade.{Sol}", $"depth.{Sol}");

        // On subscribe: the current values. No trade yet: the ticker sits at the mark (median of 180, 179, 181).
        var ticker = await w.StreamAsync($"ticker.{Sol}", "ticker");
        Assert.Equal(("180", "180", "180", "180", "0", "0", "0", Sol), (Str(ticker, "o"), Str(ticker, "c"), Str(ticker, "h"), Str(ticker, "l"), Str(ticker, "v"), Str(ticker, "V"), Str(ticker, "n"), Str(ticker, "s")));
        var snapshot = await w.StreamAsync($"depth.{Sol}", "depthSnapshot");
        var top = await w.StreamAsync($"bookTicker.{Sol}", "bookTicker");
        Assert.Equal(("181", "3", "179", "2", Str(snapshot, "u")), (Str(top, "a"), Str(top, "A"), Str(top, "b"), Str(top, "B"), Str(top, "u")));
        Assert.Equal("0", Str(await w.StreamAsync($"openInterest.{Sol}", "openInterest"), "o"));

        // B lifts 1 of A's ask at 00:00:10.
        clock.Set(Start.AddSeconds(10));
        string buy = Str((await b.RequestAsync("orderExecute", Order("Bid", "181", "1", "IOC"))).GetProperty("result"), "id");
        var trade = await w.StreamAsync($"trade.{Sol}", "trade");
        Assert.Equal(("181", "1", buy, ask, false, Micros(10)), (Str(trade, "p"), Str(trade, "q"), Str(trade, "b"), Str(trade, "a"), trade.GetProperty("m").GetBoolean(), trade.GetProperty("E").GetInt64()));
        ticker = await w.StreamAsync($"ticker.{Sol}", "ticker");
        Assert.Equal(("181", "181", "181", "181", "1", "181", 1, Micros(10)),
            (Str(ticker, "o"), Str(ticker, "c"), Str(ticker, "h"), Str(ticker, "l"), Str(ticker, "v"), Str(ticker, "V"), ticker.GetProperty("n").GetInt32(), ticker.GetProperty("E").GetInt64()));
        var delta = await w.StreamAsync($"depth.{Sol}", "depth");
        top = await w.StreamAsync($"bookTicker.{Sol}", "bookTicker");
        Assert.Equal(("181", "2", "179", "2", Str(delta, "u")), (Str(top, "a"), Str(top, "A"), Str(top, "b"), Str(top, "B"), Str(top, "u")));
        var minute = await w.StreamAsync($"kline.1m.{Sol}", "kline");
        Assert.Equal(("2026-01-01T00:00:00", "2026-01-01T00:01:00", "181", "181", "181", "181", "1", 1, false),
            (Str(minute, "t"), Str(minute, "T"), Str(minute, "o"), Str(minute, "h"), Str(minute, "l"), Str(minute, "c"), Str(minute, "v"), minute.GetProperty("n").GetInt32(), minute.GetProperty("X").GetBoolean()));
        var hour = await w.StreamAsync($"kline.1h.{Sol}", "kline");
        Assert.Equal(("2026-01-01T00:00:00", "2026-01-01T01:00:00", "1"), (Str(hour, "t"), Str(hour, "T"), Str(hour, "v")));

        // C sells 2 into A's bid half a second later: trade and bookTicker at once (the bid side is now empty),
        // ticker and candle only once a second of engine time has passed.
        clock.Set(Start.AddSeconds(10.5));
        string sell = Str((await c.RequestAsync("orderExecute", Order("Ask", "179", "2", "IOC"))).GetProperty("result"), "id");
        trade = await w.StreamAsync($"trade.{Sol}", "trade");
        Assert.Equal(("179", "2", bid, sell, true), (Str(trade, "p"), Str(trade, "q"), Str(trade, "b"), Str(trade, "a"), trade.GetProperty("m").GetBoolean()));
        top = await w.StreamAsync($"bookTicker.{Sol}", "bookTicker");
        Assert.Equal(("181", "2", false, false), (Str(top, "a"), Str(top, "A"), top.TryGetProperty("b", out _), top.TryGetProperty("B", out _)));
        Assert.DoesNotContain(w.Pending(), m => m.GetProperty("stream").GetString() is $"ticker.{Sol}" or $"kline.1m.{Sol}");

        clock.Set(Start.AddSeconds(12));
        host.Tick();
        ticker = await w.StreamAsync($"ticker.{Sol}", "ticker");
        Assert.Equal(("181", "179", "181", "179", "3", "539", 2, Micros(12)),
            (Str(ticker, "o"), Str(ticker, "c"), Str(ticker, "h"), Str(ticker, "l"), Str(ticker, "v"), Str(ticker, "V"), ticker.GetProperty("n").GetInt32(), ticker.GetProperty("E").GetInt64()));
        minute = await w.StreamAsync($"kline.1m.{Sol}", "kline");
        Assert.Equal(("181", "181", "179", "179", "3", 2, false), (Str(minute, "o"), Str(minute, "h"), Str(minute, "l"), Str(minute, "c"), Str(minute, "v"), minute.GetProperty("n").GetInt32(), minute.GetProperty("X").GetBoolean()));

        // Past the minute (and 60 s after the last open interest message): the minute closes, open interest is sent:
        // B long 1, A long 1 (short 1, then bought 2), C short 2.
        clock.Set(Start.AddSeconds(65));
        host.Tick();
        minute = await w.StreamAsync($"kline.1m.{Sol}", "kline");
        Assert.Equal(("2026-01-01T00:00:00", "179", "3", true, Micros(65)), (Str(minute, "t"), Str(minute, "c"), Str(minute, "v"), minute.GetProperty("X").GetBoolean(), minute.GetProperty("E").GetInt64()));
        var interest = await w.StreamAsync($"openInterest.{Sol}", "openInterest");
        Assert.Equal(("2", Micros(65), Sol), (Str(interest, "o"), interest.GetProperty("E").GetInt64(), Str(interest, "s")));
        Assert.DoesNotContain(w.Pending(), m => m.GetProperty("stream").GetString() == $"kline.1h.{Sol}" && m.GetProperty("data").GetProperty("X").GetBoolean());

        // A new subscriber of the hour gets the candle under way at once.
        await using var late = await host.ConnectAsync(messagePack: true);
        await late.SubscribeAsync($"kline.1h.{Sol}", $"ticker.{Sol}");
        hour = await late.StreamAsync($"kline.1h.{Sol}", "kline");
        Assert.Equal(("181", "179", "3", 2, false), (Str(hour, "o"), Str(hour, "c"), Str(hour, "v"), hour.GetProperty("n").GetInt32(), hour.GetProperty("X").GetBoolean()));
        Assert.Equal("539", Str(await late.StreamAsync($"ticker.{Sol}", "ticker"), "V"));
    }

    [Fact]
    public async Task After_UNSUBSCRIBE_no_more_messages_of_the_stream_arrive()
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA);
        await using var b = await host.ConnectAsync();
        await b.LogOnAsync(WsTestHost.KeyB);
        await a.RequestAsync("orderExecute", Order("Ask", "181", "3"));

        await using var w = await host.ConnectAsync();
        await w.SubscribeAsync($"trade.{Sol}", $"bookTicker.{Sol}", $"ticker.{Sol}");
        await w.StreamAsync($"bookTicker.{Sol}", "bookTicker");
        await w.StreamAsync($"ticker.{Sol}", "ticker");
        await b.RequestAsync("orderExecute", Order("Bid", "181", "1", "IOC"));
        Assert.Equal("1", Str(await w.StreamAsync($"trade.{Sol}", "trade"), "q"));
        Assert.Equal("2", Str(await w.StreamAsync($"bookTicker.{Sol}", "bookTicker"), "A"));

        var answer = await w.ResponseAsync(await w.SendAsync("UNSUBSCRIBE", new[] { $"trade.{Sol}", $"ticker.{Sol}", "liquidation" }));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("result").ValueKind);
        w.Clear();
        await b.RequestAsync("orderExecute", Order("Bid", "181", "1", "IOC"));
        // The bookTicker of the same event batch is written after its trade: once it is here, a trade message would be too.
        Assert.Equal("1", Str(await w.StreamAsync($"bookTicker.{Sol}", "bookTicker"), "A"));
        await Task.Delay(1200); // and a ticker would be due (a second later) with any later batch
        host.Tick();
        await b.RequestAsync("orderExecute", Order("Bid", "181", "1", "IOC"));
        Assert.False((await w.StreamAsync($"bookTicker.{Sol}", "bookTicker")).TryGetProperty("a", out _), "the ask side emptied");
        Assert.DoesNotContain(w.Pending(), m => m.TryGetProperty("stream", out var s) && s.GetString() is $"trade.{Sol}" or $"ticker.{Sol}");

        // Subscribing again brings the stream back.
        await w.SubscribeAsync($"trade.{Sol}");
        await a.RequestAsync("orderExecute", Order("Ask", "181.5", "1"));
        await b.RequestAsync("orderExecute", Order("Bid", "181.5", "1", "IOC"));
        Assert.Equal("181.5", Str(await w.StreamAsync($"trade.{Sol}", "trade"), "p"));
    }

    [Theory]
    [InlineData("kline.2m.SOL_USDC_PERP")]
    [InlineData("kline.1m.DOGE_USDC_PERP")]
    [InlineData("kline.1m")]
    [InlineData("kline.SOL_USDC_PERP")]
    [InlineData("ticker")]
    [InlineData("ticker.SOL_USDC")]
    [InlineData("bookTicker.")]
    [InlineData("openInterest.sol_usdc_perp")]
    [InlineData("Ticker.SOL_USDC_PERP")]
    public async Task A_bad_stream_name_gets_Backpacks_4006_and_subscribes_nothing(string name)
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA);
        await using var w = await host.ConnectAsync();

        // With a good name beside it: the whole request is refused.
        var refused = await w.ResponseAsync(await w.SendAsync("SUBSCRIBE", new[] { $"bookTicker.{Sol}", name }));
        var error = refused.GetProperty("error");
        Assert.Equal((4006, $"Invalid stream '{name}'"), (error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString()));
        var unsubscribe = await w.ResponseAsync(await w.SendAsync("UNSUBSCRIBE", new[] { name }));
        Assert.Equal(4006, unsubscribe.GetProperty("error").GetProperty("code").GetInt32());

        // Nothing was subscribed: a book change brings no bookTicker (the depth delta, written before it, shows the batch went out).
        await w.SubscribeAsync($"depth.{Sol}");
        await w.StreamAsync($"depth.{Sol}", "depthSnapshot");
        await a.RequestAsync("orderExecute", Order("Ask", "181", "1"));
        Assert.Equal("[[\"181\",\"1\"]]", (await w.StreamAsync($"depth.{Sol}", "depth")).GetProperty("a").GetRawText());
        Assert.DoesNotContain(w.Pending(), m => m.TryGetProperty("stream", out _));
    }

    [Fact]
    public async Task A_CCXT_style_error_frame_has_a_null_id_when_the_request_had_none()
    {
        await using var host = new WsTestHost();
        await using var w = await host.ConnectAsync();
        // CCXT sends no id: {"method":"SUBSCRIBE","params":["ticker.NOPE"]}.
        await w.SendRawAsync("{\"method\":\"SUBSCRIBE\",\"params\":[\"ticker.NOPE\"]}"u8.ToArray());
        var error = await w.ExpectAsync(m => m.TryGetProperty("error", out _), "an error");
        Assert.StartsWith("{\"id\":null,\"error\":{\"code\":4006,\"message\":", error.GetRawText());
        Assert.Equal("Invalid stream 'ticker.NOPE'", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_API_answers_WebSocket_upgrades_at_the_root_path_as_well()
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        var root = new UriBuilder(host.Uri) { Path = "/" }.Uri;
        Assert.NotEqual(host.Uri.AbsolutePath, root.AbsolutePath);
        await using var w = await WsTestClient.ConnectAsync(root);
        await w.SubscribeAsync($"depth.{Sol}", $"ticker.{Sol}");
        Assert.Equal(Sol, Str(await w.StreamAsync($"depth.{Sol}", "depthSnapshot"), "s"));
        Assert.Equal("180", Str(await w.StreamAsync($"ticker.{Sol}", "ticker"), "c"));

        // The root takes upgrades only: a plain GET there is left to the rest of the pipeline (none here: 404),
        // while the configured path explains itself (400).
        using var http = new HttpClient();
        var httpRoot = new UriBuilder(root) { Scheme = "http" }.Uri;
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(httpRoot)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new UriBuilder(host.Uri) { Scheme = "http" }.Uri)).StatusCode);
    }

    [Fact]
    public async Task Order_and_position_updates_carry_the_keys_CCXT_reads_on_the_per_symbol_streams()
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 1_000);
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA, $"account.orderUpdate.{Sol}", $"account.positionUpdate.{Sol}");
        await using var b = await host.ConnectAsync();
        await b.LogOnAsync(WsTestHost.KeyB, "account.orderUpdate", "account.positionUpdate");

        var placed = await a.RequestAsync("orderExecute", new { symbol = Sol, side = "Bid", orderType = "Limit", price = "179.5", quantity = "2", clientId = 5, selfTradePrevention = "RejectMaker" });
        string id = Str(placed.GetProperty("result"), "id");
        var accepted = await a.StreamAsync($"account.orderUpdate.{Sol}", "orderAccepted");
        Assert.Equal((id, "5", "New", Sol, "LIMIT", "GTC", "Bid", "179.5", "2", "0", "0", "RejectMaker", Str(accepted, "E")),
            (Str(accepted, "i"), Str(accepted, "c"), Str(accepted, "X"), Str(accepted, "s"), Str(accepted, "o"), Str(accepted, "f"), Str(accepted, "S"),
             Str(accepted, "p"), Str(accepted, "q"), Str(accepted, "z"), Str(accepted, "Z"), Str(accepted, "V"), Str(accepted, "T")));

        await b.RequestAsync("orderExecute", new { symbol = Sol, side = "Ask", orderType = "Market", quantity = "1.5" });
        var fill = await a.StreamAsync($"account.orderUpdate.{Sol}", "orderFill");
        Assert.Equal((id, "PartiallyFilled", "1.5", "179.5", "1.5", "269.25", "USDC"), (Str(fill, "i"), Str(fill, "X"), Str(fill, "l"), Str(fill, "L"), Str(fill, "z"), Str(fill, "Z"), Str(fill, "N")));

        // A long 1.5 at 179.5 with 100,000 USDC: no liquidation price (l "0"); id = account x 65536 + market.
        var longPosition = await a.StreamAsync($"account.positionUpdate.{Sol}", "positionOpened");
        Assert.Equal(("1.5", "1.5", "179.5", "179.5", "0", (101L * 65536 + 1).ToString(), Sol),
            (Str(longPosition, "q"), Str(longPosition, "Q"), Str(longPosition, "b"), Str(longPosition, "B"), Str(longPosition, "l"), Str(longPosition, "i"), Str(longPosition, "s")));
        // B short 1.5 with 1,000 USDC: q negative, Q the size, l the estimate.
        var shortPosition = await b.StreamAsync("account.positionUpdate", "positionOpened");
        Assert.Equal(("-1.5", "1.5", (102L * 65536 + 1).ToString()), (Str(shortPosition, "q"), Str(shortPosition, "Q"), Str(shortPosition, "i")));
        Assert.Equal(Str(shortPosition, "estLiquidationPrice"), Str(shortPosition, "l"));
        Assert.True(decimal.Parse(Str(shortPosition, "l"), System.Globalization.CultureInfo.InvariantCulture) > 179.5m, shortPosition.GetRawText());
        Assert.StartsWith("-", Str(shortPosition, "n"));
    }
}

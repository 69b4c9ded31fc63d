using System.Text.Json;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>Public streams, logon and order entry over a real loopback Kestrel, in JSON and in MessagePack.</summary>
public class OrderFlowTests
{
    private static string Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString()! : e.GetProperty(name).GetRawText();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Orders_are_acknowledged_filled_and_canceled_with_responses_and_order_updates(bool messagePack)
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        await using var a = await host.ConnectAsync(messagePack);
        await using var b = await host.ConnectAsync(messagePack);
        var logon = await a.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate", "account.positionUpdate");
        Assert.True(logon.GetProperty("result").ValueKind == JsonValueKind.Null, logon.GetRawText());
        await b.LogOnAsync(WsTestHost.KeyB, "account.orderUpdate");

        // A rests a bid: the response carries the order, then the stream says orderAccepted.
        var placed = await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "179.5", quantity = "2", clientId = 7 });
        var order = placed.GetProperty("result");
        Assert.Equal(("New", "179.5", "2", "0", 7L, "Bid", "Limit", "GTC"), (Str(order, "status"), Str(order, "price"), Str(order, "quantity"), Str(order, "executedQuantity"),
            order.GetProperty("clientId").GetInt64(), Str(order, "side"), Str(order, "orderType"), Str(order, "timeInForce")));
        string orderId = Str(order, "id");
        var accepted = await a.StreamAsync("account.orderUpdate", "orderAccepted");
        Assert.Equal((orderId, "New", "LIMIT", "USER", "179.5", "SOL_USDC_PERP"), (Str(accepted, "i"), Str(accepted, "X"), Str(accepted, "o"), Str(accepted, "O"), Str(accepted, "p"), Str(accepted, "s")));

        // B sells 1.5 into it: both sides get orderFill; A's position opens.
        var sell = await b.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Ask", orderType = "Market", quantity = "1.5" });
        Assert.Equal("New", Str(sell.GetProperty("result"), "status"));
        var makerFill = await a.StreamAsync("account.orderUpdate", "orderFill");
        Assert.Equal(("PartiallyFilled", "1.5", "179.5", "1.5", "269.25", "true", "0.05385", "USDC"),
            (Str(makerFill, "X"), Str(makerFill, "l"), Str(makerFill, "L"), Str(makerFill, "z"), Str(makerFill, "Z"), Str(makerFill, "m"), Str(makerFill, "n"), Str(makerFill, "N")));
        var takerFill = await b.StreamAsync("account.orderUpdate", "orderFill");
        Assert.Equal(("Filled", "false", "MARKET", Str(makerFill, "t")), (Str(takerFill, "X"), Str(takerFill, "m"), Str(takerFill, "o"), Str(takerFill, "t")));
        var position = await a.StreamAsync("account.positionUpdate", "positionOpened");
        Assert.Equal(("1.5", "179.5"), (Str(position, "q"), Str(position, "B")));
        Assert.False(position.TryGetProperty("estLiquidationPrice", out _), "100,000 USDC behind 1.5 SOL: no price liquidates it");
        Assert.True(position.TryGetProperty("adlQuintile", out _), position.GetRawText());

        // A cancels the rest by order id: the response, then orderCancelled.
        var canceled = await a.RequestAsync("orderCancel", new { symbol = "SOL_USDC_PERP", orderId });
        Assert.Equal(("Cancelled", "1.5"), (Str(canceled.GetProperty("result"), "status"), Str(canceled.GetProperty("result"), "executedQuantity")));
        var cancelUpdate = await a.StreamAsync("account.orderUpdate", "orderCancelled");
        Assert.Equal((orderId, "Cancelled"), (Str(cancelUpdate, "i"), Str(cancelUpdate, "X")));

        // Two more orders and a cancel-all: the response lists both.
        await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "170", quantity = "1", clientId = 8 });
        await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "171", quantity = "1", clientId = 9 });
        var all = await a.RequestAsync("orderCancelAll", new { symbol = "SOL_USDC_PERP" });
        Assert.Equal([8L, 9L], all.GetProperty("result").EnumerateArray().Select(o => o.GetProperty("clientId").GetInt64()).Order());

        // A cancel by client id of an order that is gone: the engine's reason, with the request id.
        var missing = await a.RequestAsync("orderCancel", new { symbol = "SOL_USDC_PERP", clientId = 8 });
        Assert.Equal("ORDER_NOT_FOUND", Str(missing.GetProperty("error"), "code"));
        Assert.Equal(0, a.WrongFrameType + b.WrongFrameType);
    }

    [Fact]
    public async Task Engine_rejections_and_bad_parameters_answer_the_request_with_a_code()
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100);
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA);

        async Task<string> Code(object parameters) => Str((await a.RequestAsync("orderExecute", parameters)).GetProperty("error"), "code");

        Assert.Equal("INSUFFICIENT_MARGIN", await Code(new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180", quantity = "100" }));
        Assert.Equal("PRICE_OUT_OF_BAND", await Code(new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "100", quantity = "0.01" }));
        Assert.Equal("INVALID_PRICE", await Code(new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180.001", quantity = "0.01" }));
        Assert.Equal("INVALID_QUANTITY", await Code(new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180", quantity = "0.0001" }));
        Assert.Equal("UNKNOWN_MARKET", await Code(new { symbol = "DOGE_USDC_PERP", side = "Bid", orderType = "Limit", price = "1", quantity = "1" }));
        Assert.Equal("INVALID_ORDER", await Code(new { symbol = "SOL_USDC_PERP", side = "Buy", orderType = "Limit", price = "180", quantity = "1" }));
        Assert.Equal("INVALID_REQUEST", await Code(new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180", quantity = "1", colour = "red" }));
        Assert.Equal("INVALID_ORDER", await Code(new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180", quantity = "1", clientId = -3 }));

        // Still connected and able to trade after all of that.
        var ok = await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = 179.99, quantity = 0.01 });
        Assert.Equal("New", Str(ok.GetProperty("result"), "status"));
    }

    [Fact]
    public async Task Depth_starts_with_a_snapshot_and_deltas_continue_its_sequence_and_trades_and_marks_stream()
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        await using var trader = await host.ConnectAsync();
        await trader.LogOnAsync(WsTestHost.KeyA);
        await trader.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Ask", orderType = "Limit", price = "181", quantity = "3" });
        await trader.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "179", quantity = "2" });

        await using var watcher = await host.ConnectAsync(messagePack: true);
        await watcher.SubscribeAsync("depth.SOL_USDC_PERP", "trade.SOL_USDC_PERP", "markPrice.SOL_USDC_PERP");
        var snapshot = await watcher.StreamAsync("depth.SOL_USDC_PERP", "depthSnapshot");
        Assert.Equal("[[\"181\",\"3\"]]", snapshot.GetProperty("a").GetRawText());
        Assert.Equal("[[\"179\",\"2\"]]", snapshot.GetProperty("b").GetRawText());
        long last = snapshot.GetProperty("u").GetInt64();

        await using var taker = await host.ConnectAsync();
        await taker.LogOnAsync(WsTestHost.KeyB);
        await taker.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "181", quantity = "1", timeInForce = "IOC" });
        var delta = await watcher.StreamAsync("depth.SOL_USDC_PERP", "depth");
        Assert.Equal(last + 1, delta.GetProperty("U").GetInt64());
        Assert.Equal("[[\"181\",\"2\"]]", delta.GetProperty("a").GetRawText());
        var trade = await watcher.StreamAsync("trade.SOL_USDC_PERP", "trade");
        Assert.Equal(("181", "1", false), (Str(trade, "p"), Str(trade, "q"), trade.GetProperty("m").GetBoolean()));
        host.Index(18_050);
        // (A funding estimate may send a markPrice of the old index first: the one of the new index comes.)
        var mark = await watcher.StreamAsync("markPrice.SOL_USDC_PERP", "markPrice", d => Str(d, "i") == "180.5");
        Assert.Equal("180.5", Str(mark, "p"));
    }

    [Fact]
    public async Task Private_streams_and_orders_need_a_valid_fresh_signature()
    {
        await using var host = new WsTestHost();
        await using var c = await host.ConnectAsync();

        async Task<string> Code(long id) => Str((await c.ResponseAsync(id)).GetProperty("error"), "code");

        // SUBSCRIBE errors have Backpack's numeric codes (4001 UNAUTHENTICATED ... 4004 SIGNATURE_EXPIRED); order requests keep string codes.
        Assert.Equal("4001", await Code(await c.SendAsync("SUBSCRIBE", new[] { "account.orderUpdate" })));
        Assert.Equal("UNAUTHENTICATED", await Code(await c.SendAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Market", quantity = "1" })));

        var stale = WsTestClient.Signature(WsTestHost.KeyA, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000);
        Assert.Equal("4004", await Code(await c.SendAsync("SUBSCRIBE", new[] { "account.orderUpdate" }, stale)));

        var forged = WsTestClient.Signature(WsTestHost.KeyA);
        forged[1] = WsTestClient.Signature(WsTestHost.KeyB)[1]; // B's signature under A's key
        Assert.Equal("4003", await Code(await c.SendAsync("SUBSCRIBE", new[] { "account.orderUpdate" }, forged)));

        var unknown = WsTestClient.Signature(Convert.FromHexString("1111111111111111111111111111111111111111111111111111111111111111"));
        Assert.Equal("4002", await Code(await c.SendAsync("SUBSCRIBE", new[] { "account.orderUpdate" }, unknown)));

        var tooLong = WsTestClient.Signature(WsTestHost.KeyA, window: 600_000);
        Assert.Equal("4003", await Code(await c.SendAsync("SUBSCRIBE", new[] { "account.orderUpdate" }, tooLong)));

        // None of that leaked private data; a good signature opens the streams.
        Assert.DoesNotContain(c.Pending(), m => m.TryGetProperty("stream", out _));
        var ok = await c.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate");
        Assert.Equal(JsonValueKind.Null, ok.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task A_key_whose_account_has_not_deposited_logs_on_and_its_streams_start_once_it_trades()
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        await using var c = await host.ConnectAsync();
        var logon = await c.LogOnAsync(WsTestHost.KeyC, "account.orderUpdate");
        Assert.Equal(JsonValueKind.Null, logon.GetProperty("result").ValueKind);
        Assert.Equal("UNKNOWN_ACCOUNT", Str((await c.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "179", quantity = "1" })).GetProperty("error"), "code"));

        host.Fund(WsTestHost.AccountC, 10_000);
        await c.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "179", quantity = "1" });
        Assert.Equal("179", Str(await c.StreamAsync("account.orderUpdate", "orderAccepted"), "p"));
    }
}

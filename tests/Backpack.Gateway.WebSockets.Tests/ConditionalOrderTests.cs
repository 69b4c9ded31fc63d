using System.Text.Json;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// Trigger orders and stop-loss / take-profit legs over real sockets: orderExecute with Backpack's
/// trigger fields, the TriggerPending answer, triggerPlaced, the order going live under the same id
/// when its price crosses, triggerFailed, one leg canceling the other, cancels of pending orders,
/// and refusals that change nothing. The engine's clock stands still (no funding intervals pass).
/// </summary>
public class ConditionalOrderTests
{
    private const string Sol = "SOL_USDC_PERP";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 10, TimeSpan.Zero);

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString()! : e.GetProperty(name).GetRawText();

    private static bool Has(JsonElement e, string name) => e.TryGetProperty(name, out _);

    /// <summary>A host at index 180 whose engine clock stands still; A and B funded with 100,000 USDC each.</summary>
    private static WsTestHost Host()
    {
        var host = new WsTestHost(clock: new ManualClock(Start).Read);
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        return host;
    }

    private static async Task<JsonElement> Execute(WsTestClient c, object parameters) => (await c.RequestAsync("orderExecute", parameters)).GetProperty("result");

    private static async Task<List<JsonElement>> OpenOrders(WsTestClient c) =>
        [.. (await c.RequestAsync("orderQueryAll", new { })).GetProperty("result").EnumerateArray()];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_trigger_order_waits_as_TriggerPending_and_fills_under_its_order_id_when_the_index_crosses_it(bool messagePack)
    {
        await using var host = Host();
        await using var a = await host.ConnectAsync(messagePack);
        await using var b = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate");
        await b.LogOnAsync(WsTestHost.KeyB);
        await Execute(b, new { symbol = Sol, side = "Bid", orderType = "Limit", price = "175", quantity = "5" });

        // As CCXT sends a market stop: triggerQuantity instead of quantity.
        var placed = await Execute(a, new { symbol = Sol, side = "Ask", orderType = "Market", triggerPrice = "176", triggerQuantity = "2", triggerBy = "IndexPrice", clientId = 11 });
        Assert.Equal(("TriggerPending", "176", "2", "IndexPrice", "Market", "Ask", 11L, "0"),
            (Str(placed, "status"), Str(placed, "triggerPrice"), Str(placed, "triggerQuantity"), Str(placed, "triggerBy"), Str(placed, "orderType"),
             Str(placed, "side"), placed.GetProperty("clientId").GetInt64(), Str(placed, "executedQuantity")));
        Assert.False(Has(placed, "quantity"), "a pending trigger's size is its triggerQuantity: " + placed.GetRawText());
        Assert.False(Has(placed, "stopLossTriggerPrice") || Has(placed, "relatedOrderId"), placed.GetRawText());
        string id = Str(placed, "id");

        var pending = await a.StreamAsync("account.orderUpdate", "triggerPlaced");
        Assert.Equal((id, "TriggerPending", "176", "IndexPrice", "2", "0", "MARKET", 11L, "Ask", "0"),
            (Str(pending, "i"), Str(pending, "X"), Str(pending, "P"), Str(pending, "B"), Str(pending, "Y"), Str(pending, "q"), Str(pending, "o"),
             pending.GetProperty("c").GetInt64(), Str(pending, "S"), Str(pending, "z")));

        // A cent above the trigger: still waiting, and orderQueryAll shows it.
        host.Index(17_601);
        var open = Assert.Single(await OpenOrders(a));
        Assert.Equal((id, "TriggerPending", "2", "176"), (Str(open, "id"), Str(open, "status"), Str(open, "triggerQuantity"), Str(open, "triggerPrice")));
        Assert.DoesNotContain(a.Pending(), m => m.TryGetProperty("stream", out _));

        // At the trigger: live under the same id (orderAccepted keeps P and B), then its fill against B's bid.
        host.Index(17_600);
        var live = await a.StreamAsync("account.orderUpdate", "orderAccepted");
        Assert.Equal((id, "New", "2", "176", "IndexPrice", "MARKET", 11L), (Str(live, "i"), Str(live, "X"), Str(live, "q"), Str(live, "P"), Str(live, "B"), Str(live, "o"),
            live.GetProperty("c").GetInt64()));
        var fill = await a.StreamAsync("account.orderUpdate", "orderFill");
        Assert.Equal((id, "Filled", "2", "175", "2", "350"), (Str(fill, "i"), Str(fill, "X"), Str(fill, "l"), Str(fill, "L"), Str(fill, "z"), Str(fill, "Z")));
        Assert.Empty(await OpenOrders(a));
        Assert.Equal(-2_000, await host.Runner.InspectAsync(e => e.GetAccount(WsTestHost.AccountA)!.Positions[0].Quantity)); // lots of 0.001
    }

    [Fact]
    public async Task A_trigger_that_cannot_enter_the_book_gives_triggerFailed_with_the_reason_and_no_orderAccepted()
    {
        await using var host = Host();
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate");

        // Reduce-only without a position: accepted as a trigger, refused when it fires.
        var placed = await Execute(a, new { symbol = Sol, side = "Ask", orderType = "Limit", price = "178.5", triggerPrice = "179", triggerQuantity = "1", reduceOnly = true, clientId = 5 });
        string id = Str(placed, "id");
        Assert.Equal(("TriggerPending", "MarkPrice", "178.5"), (Str(placed, "status"), Str(placed, "triggerBy"), Str(placed, "price")));
        await a.StreamAsync("account.orderUpdate", "triggerPlaced");

        host.Index(17_900);
        var failed = await a.StreamAsync("account.orderUpdate", "triggerFailed");
        Assert.Equal((id, "TriggerFailed", "REDUCE_ONLY_NOT_REDUCING", "179", "1", "178.5", 5L, "LIMIT"),
            (Str(failed, "i"), Str(failed, "X"), Str(failed, "R"), Str(failed, "P"), Str(failed, "Y"), Str(failed, "p"), failed.GetProperty("c").GetInt64(), Str(failed, "o")));
        Assert.Empty(await OpenOrders(a));
        Assert.DoesNotContain(a.Pending(), m => m.TryGetProperty("stream", out _)); // no orderAccepted before it
        Assert.Empty(await host.Runner.InspectAsync(e => e.GetPendingOrders(WsTestHost.AccountA)));
    }

    [Fact]
    public async Task A_fill_arms_the_stop_loss_and_take_profit_legs_and_the_one_that_fires_cancels_the_other()
    {
        await using var host = Host();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate");
        await b.LogOnAsync(WsTestHost.KeyB);
        await Execute(b, new { symbol = Sol, side = "Ask", orderType = "Limit", price = "180", quantity = "2" });

        var entry = await Execute(a, new
        {
            symbol = Sol, side = "Bid", orderType = "Limit", price = "180", quantity = "2", clientId = 1,
            stopLossTriggerPrice = "170", stopLossTriggerBy = "IndexPrice", takeProfitTriggerPrice = "190", takeProfitLimitPrice = "189.5",
        });
        string parent = Str(entry, "id");
        Assert.Equal(("New", "2", "170", "IndexPrice", "190", "189.5", "MarkPrice"),
            (Str(entry, "status"), Str(entry, "quantity"), Str(entry, "stopLossTriggerPrice"), Str(entry, "stopLossTriggerBy"), Str(entry, "takeProfitTriggerPrice"),
             Str(entry, "takeProfitLimitPrice"), Str(entry, "takeProfitTriggerBy")));
        Assert.False(Has(entry, "triggerPrice") || Has(entry, "stopLossLimitPrice"), entry.GetRawText());

        var accepted = await a.StreamAsync("account.orderUpdate", "orderAccepted");
        Assert.Equal((parent, "170", "IndexPrice", "190", "MarkPrice", "189.5"), (Str(accepted, "i"), Str(accepted, "b"), Str(accepted, "g"), Str(accepted, "a"), Str(accepted, "d"), Str(accepted, "j")));
        Assert.False(Has(accepted, "P") || Has(accepted, "k"), accepted.GetRawText());
        var filled = await a.StreamAsync("account.orderUpdate", "orderFill");
        Assert.Equal((parent, "Filled"), (Str(filled, "i"), Str(filled, "X")));

        // Both legs: reduce-only sells of the filled 2, related to the entry.
        var stop = await a.StreamAsync("account.orderUpdate", "triggerPlaced", d => Str(d, "P") == "170");
        var take = await a.StreamAsync("account.orderUpdate", "triggerPlaced", d => Str(d, "P") == "190");
        Assert.Equal(("Ask", "IndexPrice", "2", "0", true, "MARKET", parent), (Str(stop, "S"), Str(stop, "B"), Str(stop, "Y"), Str(stop, "q"), stop.GetProperty("r").GetBoolean(), Str(stop, "o"), Str(stop, "I")));
        Assert.Equal(("Ask", "MarkPrice", "2", "LIMIT", "189.5", parent), (Str(take, "S"), Str(take, "B"), Str(take, "Y"), Str(take, "o"), Str(take, "p"), Str(take, "I")));
        Assert.False(Has(stop, "c"), "a leg has no client id");
        string stopId = Str(stop, "i"), takeId = Str(take, "i");

        var open = await OpenOrders(a);
        Assert.Equal([(stopId, "TriggerPending", parent), (takeId, "TriggerPending", parent)],
            open.Select(o => (Str(o, "id"), Str(o, "status"), Str(o, "relatedOrderId"))).OrderBy(o => o.Item1 == stopId ? 0 : 1));

        // The index falls through 170: the stop-loss goes live and sells into B's bid; the take-profit is canceled.
        await Execute(b, new { symbol = Sol, side = "Bid", orderType = "Limit", price = "169", quantity = "5" });
        host.Index(16_950);
        var live = await a.StreamAsync("account.orderUpdate", "orderAccepted", d => Str(d, "i") == stopId);
        Assert.Equal(("New", "2", "170"), (Str(live, "X"), Str(live, "q"), Str(live, "P")));
        var stopFill = await a.StreamAsync("account.orderUpdate", "orderFill", d => Str(d, "i") == stopId);
        Assert.Equal(("Filled", "169", "2"), (Str(stopFill, "X"), Str(stopFill, "L"), Str(stopFill, "l")));
        var oco = await a.StreamAsync("account.orderUpdate", "orderCancelled");
        Assert.Equal((takeId, "Cancelled", "0", "2", "190", parent), (Str(oco, "i"), Str(oco, "X"), Str(oco, "q"), Str(oco, "Y"), Str(oco, "P"), Str(oco, "I")));
        Assert.False(Has(oco, "R"), oco.GetRawText());
        Assert.Empty(await OpenOrders(a));
        Assert.Equal(0, await host.Runner.InspectAsync(e => e.GetAccount(WsTestHost.AccountA)!.Positions[0].Quantity));
    }

    [Fact]
    public async Task A_pending_trigger_is_canceled_by_order_id_and_by_client_id()
    {
        await using var host = Host();
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate");
        string first = Str(await Execute(a, new { symbol = Sol, side = "Bid", orderType = "Market", triggerPrice = "185", triggerQuantity = "1", triggerBy = "LastPrice", clientId = 21 }), "id");
        string second = Str(await Execute(a, new { symbol = Sol, side = "Bid", orderType = "Market", triggerPrice = "186", triggerQuantity = "1.5", clientId = 22 }), "id");
        Assert.Equal(2, (await OpenOrders(a)).Count);

        var byId = (await a.RequestAsync("orderCancel", new { symbol = Sol, orderId = first })).GetProperty("result");
        Assert.Equal((first, "Cancelled", "185", "1", "LastPrice"), (Str(byId, "id"), Str(byId, "status"), Str(byId, "triggerPrice"), Str(byId, "triggerQuantity"), Str(byId, "triggerBy")));
        Assert.False(Has(byId, "quantity"), byId.GetRawText());
        var canceled = await a.StreamAsync("account.orderUpdate", "orderCancelled", d => Str(d, "i") == first);
        Assert.Equal(("Cancelled", "0", "1", "185", "LastPrice", 21L), (Str(canceled, "X"), Str(canceled, "q"), Str(canceled, "Y"), Str(canceled, "P"), Str(canceled, "B"), canceled.GetProperty("c").GetInt64()));

        var byClientId = (await a.RequestAsync("orderCancel", new { symbol = Sol, clientId = 22 })).GetProperty("result");
        Assert.Equal((second, "Cancelled", "1.5"), (Str(byClientId, "id"), Str(byClientId, "status"), Str(byClientId, "triggerQuantity")));
        Assert.Equal("1.5", Str(await a.StreamAsync("account.orderUpdate", "orderCancelled", d => Str(d, "i") == second), "Y"));

        Assert.Empty(await OpenOrders(a));
        Assert.Empty(await host.Runner.InspectAsync(e => e.GetPendingOrders(WsTestHost.AccountA)));
        Assert.Equal("ORDER_NOT_FOUND", Str((await a.RequestAsync("orderCancel", new { symbol = Sol, orderId = first })).GetProperty("error"), "code"));
    }

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        {
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"170","quantity":"1"}""",
            "INVALID_CLIENT_REQUEST", "Must specify both `triggerPrice` and `triggerQuantity` or neither"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerQuantity":"1"}""",
            "INVALID_CLIENT_REQUEST", "Must specify both `triggerPrice` and `triggerQuantity` or neither"
        },
        {
            // What CCXT builds for a market trigger bought by cost.
            """{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Market","triggerPrice":"190","quoteQuantity":"100"}""",
            "INVALID_CLIENT_REQUEST", "Must specify both `triggerPrice` and `triggerQuantity` or neither"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"170","triggerQuantity":"1","quantity":"1"}""",
            "INVALID_CLIENT_REQUEST", "A trigger order gives its size as `triggerQuantity`: send `triggerQuantity` or `quantity`, not both"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"170","triggerQuantity":"1","triggerBy":"Mark"}""",
            "INVALID_ORDER", "triggerBy must be MarkPrice, LastPrice or IndexPrice"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"170","triggerQuantity":"100%","reduceOnly":true}""",
            "INVALID_QUANTITY", "triggerQuantity as a percentage of the position (\"100%\") is not supported: send the quantity"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"170","triggerQuantity":"0.0001"}""",
            "INVALID_QUANTITY", "triggerQuantity must be a positive multiple of the step size 0.001"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"170.005","triggerQuantity":"1"}""",
            "INVALID_TRIGGER_PRICE", "triggerPrice must be a positive multiple of the tick size 0.01"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"180","quantity":"1","stopLossLimitPrice":"169"}""",
            "INVALID_ORDER", "stopLossLimitPrice needs stopLossTriggerPrice"
        },
        {
            """{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"180","quantity":"1","takeProfitTriggerPrice":"190","takeProfitTriggerBy":"Last"}""",
            "INVALID_ORDER", "takeProfitTriggerBy must be MarkPrice, LastPrice or IndexPrice"
        },
        {
            // From the engine: a trigger at the current mark (180) has no direction.
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"180","triggerQuantity":"1"}""",
            "INVALID_TRIGGER_PRICE", "Invalid trigger price (not positive, at the current price, or on the wrong side)"
        },
        {
            // From the engine: a buy's stop-loss above its price.
            """{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"180","quantity":"1","stopLossTriggerPrice":"181"}""",
            "INVALID_TRIGGER_PRICE", "Invalid trigger price (not positive, at the current price, or on the wrong side)"
        },
        {
            // From the engine: a sell's take-profit above its trigger.
            """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Market","triggerPrice":"175","triggerQuantity":"1","takeProfitTriggerPrice":"176"}""",
            "INVALID_TRIGGER_PRICE", "Invalid trigger price (not positive, at the current price, or on the wrong side)"
        },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_trigger_request_gets_its_exact_error_and_changes_nothing(string parameters, string code, string message)
    {
        await using var host = Host();
        await using var a = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate");
        ulong before = host.StateHash();

        await a.SendRawAsync(System.Text.Encoding.UTF8.GetBytes($$"""{"method":"orderExecute","params":{{parameters}},"id":70}"""));
        var error = (await a.ResponseAsync(70)).GetProperty("error");
        Assert.Equal((code, message), (Str(error, "code"), Str(error, "message")));

        Assert.Empty(await OpenOrders(a));
        Assert.Equal(before, host.StateHash());
        Assert.Empty(await host.Runner.InspectAsync(e => e.GetPendingOrders(WsTestHost.AccountA)));
        Assert.DoesNotContain(a.Pending(), m => m.TryGetProperty("stream", out _));
    }
}

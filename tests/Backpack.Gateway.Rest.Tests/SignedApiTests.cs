using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Rest.Tests;

/// <summary>Backpack's signed REST endpoints over a real Kestrel and engine: orders, positions, balances, history.</summary>
public sealed class SignedApiTests
{
    private const string Sol = "SOL_USDC_PERP";

    private static async Task<SignedTestHost> Venue(RestOptions? options = null)
    {
        var host = new SignedTestHost(options);
        await host.Fund(1, 10_000);
        await host.Fund(2, 10_000);
        await host.Index(18_000);
        return host;
    }

    private static string Order(string side, string type, string? price, string quantity, string extra = "") =>
        $$"""{"symbol":"{{Sol}}","side":"{{side}}","orderType":"{{type}}",{{(price is null ? "" : $"\"price\":\"{price}\",")}}"quantity":"{{quantity}}"{{extra}}}""";

    [Fact]
    public async Task An_account_reads_the_full_trail_of_its_own_liquidation_and_no_one_elses()
    {
        // Account 1 buys 10 SOL at 180 from account 2 on 100 USDC; a maker (3) bids 173.90; the index falls to 174:
        // account 1 is liquidating, and the first step sells a slice into the maker's bid.
        await using var host = new SignedTestHost();
        await host.Fund(1, 100);
        await host.Fund(2, 100_000);
        await host.Fund(3, 100_000);
        await host.Index(18_000);
        await host.Command(new NewOrder(new CommandHeader(0, 0, 0), 2, 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 18_000, 10_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
        await host.Command(new NewOrder(new CommandHeader(0, 0, 0), 1, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Ioc, 18_000, 10_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
        await host.Command(new NewOrder(new CommandHeader(0, 0, 0), 3, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 17_390, 20_000, OrderFlags.PostOnly, SelfTradePrevention.RejectTaker));
        await host.Index(17_400);
        await host.HistoryCaughtUp();

        var (status, trail, _) = await host.Get(1, "/wapi/v1/x/liquidation", "liquidationQuery", new() { ["id"] = "1" });
        Assert.True(status == HttpStatusCode.OK, trail.GetRawText());
        var items = trail.GetProperty("trail").EnumerateArray().ToList();
        Assert.Equal(1, items[0].GetProperty("account").GetInt32());
        var fill = Assert.Single(items, i => i.GetProperty("kind").GetString() == "fill");
        Assert.Equal((3, "173.9"), (fill.GetProperty("counterparty").GetInt32(), fill.GetProperty("price").GetString()));

        var (other, body, _) = await host.Get(2, "/wapi/v1/x/liquidation", "liquidationQuery", new() { ["id"] = "1" });
        Assert.Equal((HttpStatusCode.NotFound, "No liquidation 1 of this account"), (other, body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task An_order_placed_filled_queried_and_canceled_over_rest_shows_in_positions_balances_and_history()
    {
        await using var host = await Venue();

        var (status, ask, _) = await host.Post(2, "/api/v1/order", "orderExecute", Order("Ask", "Limit", "181.5", "2", ",\"clientId\":7"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("New", ask.GetProperty("status").GetString());
        Assert.Equal("181.5", ask.GetProperty("price").GetString());
        Assert.Equal("2", ask.GetProperty("quantity").GetString());
        Assert.Equal("0", ask.GetProperty("executedQuantity").GetString());
        Assert.Equal(7, ask.GetProperty("clientId").GetInt64());
        Assert.Equal("Ask", ask.GetProperty("side").GetString());
        Assert.Equal("GTC", ask.GetProperty("timeInForce").GetString());
        Assert.InRange(ask.GetProperty("createdAt").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 10_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        string id = ask.GetProperty("id").GetString()!;
        var resting = Assert.Single(await host.Inspect(e => e.GetOpenOrders(2)));
        Assert.Equal(long.Parse(id, CultureInfo.InvariantCulture), resting.OrderId);
        Assert.Equal((18_150L, 2_000L), (resting.Price, resting.Quantity));

        // A market buy of 0.5 takes it: filled at once, at the ask.
        var (_, buy, _) = await host.Post(1, "/api/v1/order", "orderExecute", Order("Bid", "Market", null, "0.5"));
        Assert.Equal("Filled", buy.GetProperty("status").GetString());
        Assert.Equal("0.5", buy.GetProperty("executedQuantity").GetString());
        Assert.Equal("90.75", buy.GetProperty("executedQuoteQuantity").GetString());

        var (_, queried, _) = await host.Get(2, "/api/v1/order", "orderQuery", new() { ["symbol"] = Sol, ["orderId"] = id });
        Assert.Equal("PartiallyFilled", queried.GetProperty("status").GetString());
        Assert.Equal("0.5", queried.GetProperty("executedQuantity").GetString());
        Assert.Equal(id, queried.GetProperty("id").GetString());
        var (_, byClient, _) = await host.Get(2, "/api/v1/order", "orderQuery", new() { ["symbol"] = Sol, ["clientId"] = "7" });
        Assert.Equal(id, byClient.GetProperty("id").GetString());

        var (_, positions, _) = await host.Get(1, "/api/v1/position", "positionQuery");
        var position = Assert.Single(positions.EnumerateArray());
        Assert.Equal(Sol, position.GetProperty("symbol").GetString());
        Assert.Equal("0.5", position.GetProperty("netQuantity").GetString());
        Assert.Equal("181.5", position.GetProperty("entryPrice").GetString());
        var (_, shortSide, _) = await host.Get(2, "/api/v1/position", "positionQuery", new() { ["symbol"] = Sol });
        Assert.Equal("-0.5", Assert.Single(shortSide.EnumerateArray()).GetProperty("netQuantity").GetString());

        // Balances: what the engine holds, split into locked (initial margin) and available.
        var account = (await host.Inspect(e => e.GetAccount(1)))!;
        var (_, capital, _) = await host.Get(1, "/api/v1/capital", "balanceQuery");
        decimal available = decimal.Parse(capital.GetProperty("USDC").GetProperty("available").GetString()!, CultureInfo.InvariantCulture);
        decimal locked = decimal.Parse(capital.GetProperty("USDC").GetProperty("locked").GetString()!, CultureInfo.InvariantCulture);
        // Bought at 181.50 with the mark at 180: at a loss, so what is usable is the equity, not the cash.
        Assert.Equal(10_000m - 0.045375m, account.Collateral / 1_000_000m); // the taker fee: 90.75 x 5 bp
        Assert.Equal(account.Collateral - 750_000, account.Equity); // 0.5 x (180 - 181.5)
        Assert.Equal(account.Equity / 1_000_000m, available + locked);
        Assert.Equal(account.InitialMargin / 1_000_000m, locked);

        var (cancelStatus, canceled, _) = await host.Delete(2, "/api/v1/order", "orderCancel", $$"""{"symbol":"{{Sol}}","orderId":"{{id}}"}""");
        Assert.Equal(HttpStatusCode.OK, cancelStatus);
        Assert.Equal("Cancelled", canceled.GetProperty("status").GetString());
        Assert.Equal("0.5", canceled.GetProperty("executedQuantity").GetString());
        Assert.Empty(await host.Inspect(e => e.GetOpenOrders(2)));
        var (_, open, _) = await host.Get(2, "/api/v1/orders", "orderQueryAll", new() { ["symbol"] = Sol });
        Assert.Equal(0, open.GetArrayLength());
        var (againStatus, again, _) = await host.Delete(2, "/api/v1/order", "orderCancel", $$"""{"symbol":"{{Sol}}","orderId":"{{id}}"}""");
        Assert.Equal((HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND"), (againStatus, again.GetProperty("code").GetString()));

        await host.HistoryCaughtUp();
        var (_, fills, fillsAnswer) = await host.Get(1, "/wapi/v1/history/fills", "fillHistoryQueryAll", new() { ["symbol"] = Sol, ["fillType"] = "User" });
        Assert.Equal("0", fillsAnswer.Headers.GetValues("X-History-Behind").Single());
        var fill = Assert.Single(fills.EnumerateArray());
        Assert.Equal(("181.5", "0.5", "Bid", false, "0.045375", "USDC"), (fill.GetProperty("price").GetString(), fill.GetProperty("quantity").GetString(),
            fill.GetProperty("side").GetString(), fill.GetProperty("isMaker").GetBoolean(), fill.GetProperty("fee").GetString(), fill.GetProperty("feeSymbol").GetString()));
        Assert.Equal(buy.GetProperty("id").GetString(), fill.GetProperty("orderId").GetString());
        Assert.True(DateTime.TryParseExact(fill.GetProperty("timestamp").GetString(), "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
        var (_, liquidationFills, _) = await host.Get(1, "/wapi/v1/history/fills", "fillHistoryQueryAll", new() { ["fillType"] = "Liquidation" });
        Assert.Equal(0, liquidationFills.GetArrayLength());

        var (_, history, _) = await host.Get(2, "/wapi/v1/history/orders", "orderHistoryQueryAll", new() { ["symbol"] = Sol });
        var past = Assert.Single(history.EnumerateArray());
        Assert.Equal((id, "Cancelled", "0.5"), (past.GetProperty("id").GetString(), past.GetProperty("status").GetString(), past.GetProperty("executedQuantity").GetString()));

        var (_, deposits, _) = await host.Get(1, "/wapi/v1/capital/deposits", "depositQueryAll");
        var deposit = Assert.Single(deposits.EnumerateArray());
        Assert.Equal(("10000", "USDC", "confirmed"), (deposit.GetProperty("quantity").GetString(), deposit.GetProperty("symbol").GetString(), deposit.GetProperty("status").GetString()));
        var (_, future, _) = await host.Get(1, "/wapi/v1/capital/deposits", "depositQueryAll",
            new() { ["from"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(0, future.GetArrayLength());
    }

    [Fact]
    public async Task A_batch_answers_each_order_in_its_place_and_cancel_all_cancels_them()
    {
        await using var host = await Venue();
        string batch = "[" + Order("Bid", "Limit", "170", "1") + "," + Order("Bid", "Limit", "170.005", "1") + "," + Order("Bid", "Limit", "171", "1", ",\"postOnly\":true") + "]";
        var (status, answers, _) = await host.Post(1, "/api/v1/orders", "orderExecute", batch);
        Assert.Equal(HttpStatusCode.OK, status);
        var items = answers.EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.Equal(("Ok", "170", "New"), (items[0].GetProperty("operation").GetString(), items[0].GetProperty("price").GetString(), items[0].GetProperty("status").GetString()));
        Assert.Equal(("Err", "INVALID_PRICE"), (items[1].GetProperty("operation").GetString(), items[1].GetProperty("code").GetString()));
        Assert.Equal(("Ok", "171", true), (items[2].GetProperty("operation").GetString(), items[2].GetProperty("price").GetString(), items[2].GetProperty("postOnly").GetBoolean()));
        Assert.Equal([17_000L, 17_100L], (await host.Inspect(e => e.GetOpenOrders(1))).Select(o => o.Price).Order());

        // A stop: waits off the book as TriggerPending, listed with the open orders, canceled with them.
        var (_, stop, _) = await host.Post(1, "/api/v1/order", "orderExecute",
            $$"""{"orderType":"Market","side":"Ask","symbol":"{{Sol}}","triggerBy":"MarkPrice","triggerPrice":"170.5","triggerQuantity":"1"}""");
        Assert.Equal(("TriggerPending", "170.5"), (stop.GetProperty("status").GetString(), stop.GetProperty("triggerPrice").GetString()));
        var (_, open, _) = await host.Get(1, "/api/v1/orders", "orderQueryAll", new() { ["symbol"] = Sol });
        Assert.Equal(["New", "New", "TriggerPending"], open.EnumerateArray().Select(o => o.GetProperty("status").GetString()).Order());

        var (cancelStatus, canceled, _) = await host.Delete(1, "/api/v1/orders", "orderCancelAll", $$"""{"symbol":"{{Sol}}"}""");
        Assert.Equal(HttpStatusCode.OK, cancelStatus);
        Assert.Equal(3, canceled.GetArrayLength());
        Assert.All(canceled.EnumerateArray(), o => Assert.Equal("Cancelled", o.GetProperty("status").GetString()));
        Assert.Empty(await host.Inspect(e => e.GetOpenOrders(1)));
        Assert.Empty(await host.Inspect(e => e.GetPendingOrders(1)));
    }

    [Fact]
    public async Task Cancel_all_with_an_order_type_cancels_only_the_conditional_or_only_the_resting_orders()
    {
        await using var host = await Venue();
        // A resting bid, a stop waiting for its trigger, and the stop-loss and take-profit a bought bracket armed.
        var (_, bid, _) = await host.Post(1, "/api/v1/order", "orderExecute", Order("Bid", "Limit", "170", "1"));
        var (_, stop, _) = await host.Post(1, "/api/v1/order", "orderExecute",
            $$"""{"orderType":"Market","side":"Ask","symbol":"{{Sol}}","triggerPrice":"170.5","triggerQuantity":"1"}""");
        await host.Post(2, "/api/v1/order", "orderExecute", Order("Ask", "Limit", "180", "1"));
        var (_, bracket, _) = await host.Post(1, "/api/v1/order", "orderExecute",
            Order("Bid", "Market", null, "1", ",\"stopLossTriggerPrice\":\"160\",\"takeProfitTriggerPrice\":\"200\""));
        Assert.Equal("Filled", bracket.GetProperty("status").GetString());
        var pending = await host.Inspect(e => e.GetPendingOrders(1));
        Assert.Equal([16_000L, 17_050L, 20_000L], pending.Select(p => p.TriggerPrice).Order());

        // An order type Backpack does not have: refused, nothing canceled.
        var (badStatus, bad, _) = await host.Delete(1, "/api/v1/orders", "orderCancelAll", $$"""{"orderType":"StopOrder","symbol":"{{Sol}}"}""");
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST"), (badStatus, bad.GetProperty("code").GetString()));
        Assert.Equal(3, (await host.Inspect(e => e.GetPendingOrders(1))).Count);
        Assert.Single(await host.Inspect(e => e.GetOpenOrders(1)));

        var (status, conditional, _) = await host.Delete(1, "/api/v1/orders", "orderCancelAll", $$"""{"orderType":"ConditionalOrder","symbol":"{{Sol}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(pending.Select(p => p.OrderId.ToString(CultureInfo.InvariantCulture)).Order(), conditional.EnumerateArray().Select(o => o.GetProperty("id").GetString()).Order());
        Assert.Contains(stop.GetProperty("id").GetString(), conditional.EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        Assert.All(conditional.EnumerateArray(), o => Assert.Equal("Cancelled", o.GetProperty("status").GetString()));
        Assert.Empty(await host.Inspect(e => e.GetPendingOrders(1)));
        Assert.Equal(long.Parse(bid.GetProperty("id").GetString()!, CultureInfo.InvariantCulture), Assert.Single(await host.Inspect(e => e.GetOpenOrders(1))).OrderId);

        var (_, resting, _) = await host.Delete(1, "/api/v1/orders", "orderCancelAll", $$"""{"orderType":"RestingLimitOrder","symbol":"{{Sol}}"}""");
        var only = Assert.Single(resting.EnumerateArray());
        Assert.Equal((bid.GetProperty("id").GetString(), "Cancelled", "170"), (only.GetProperty("id").GetString(), only.GetProperty("status").GetString(), only.GetProperty("price").GetString()));
        Assert.Empty(await host.Inspect(e => e.GetOpenOrders(1)));
        Assert.Equal(1_000L, (await host.Inspect(e => e.GetAccount(1)))!.Positions[0].Quantity); // the position (1 SOL) stays
    }

    [Fact]
    public async Task Requests_that_are_not_signed_right_are_refused_with_backpacks_codes_and_change_nothing()
    {
        await using var host = await Venue();
        string body = Order("Bid", "Limit", "170", "1");

        var bare = new HttpRequestMessage(HttpMethod.Post, "/api/v1/order") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        await Refused(bare, "UNAUTHORIZED", "Missing X-API-Key");

        var unknownKey = host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body);
        unknownKey.Headers.Remove("X-API-Key");
        unknownKey.Headers.Add("X-API-Key", Convert.ToBase64String(Ed25519.PublicKeyOf(Ed25519.NewPrivateKey())));
        await Refused(unknownKey, "UNAUTHORIZED", "Unknown API key");

        await Refused(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, signWith: Ed25519.NewPrivateKey()), "INVALID_SIGNATURE", "does not verify");

        var tampered = host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body);
        tampered.Content = new StringContent(body.Replace("\"1\"", "\"9\""), Encoding.UTF8, "application/json");
        await Refused(tampered, "INVALID_SIGNATURE", "does not verify");

        // Signed for another instruction (a cancel's signature on an order).
        await Refused(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderCancel", body: body), "INVALID_SIGNATURE", "does not verify");

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Refused(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, timestamp: now - 10_000, window: 5_000), "UNAUTHORIZED", "expired");
        await Refused(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, timestamp: now + 60_000, window: 5_000), "UNAUTHORIZED", "after the server's time");
        await Refused(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, window: 600_000), "UNAUTHORIZED", "X-Window");

        // A GET signed wrong returns nothing of the account.
        var (getStatus, getBody, _) = await host.Send(host.Signed(1, HttpMethod.Get, "/api/v1/capital", "balanceQuery", signWith: Ed25519.NewPrivateKey()));
        Assert.Equal(HttpStatusCode.Unauthorized, getStatus);
        Assert.False(getBody.TryGetProperty("USDC", out _));
        Assert.Empty(await host.Inspect(e => e.GetOpenOrders(1)));

        // The same signed order twice: placed once, the second is a replay.
        long ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (first, _, _) = await host.Send(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, timestamp: ts));
        Assert.Equal(HttpStatusCode.OK, first);
        await Refused(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, timestamp: ts), "INVALID_SIGNATURE", "replay", expectNoOrder: false);
        Assert.Single(await host.Inspect(e => e.GetOpenOrders(1)));

        async Task Refused(HttpRequestMessage request, string code, string words, bool expectNoOrder = true)
        {
            var (status, answer, _) = await host.Send(request);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(code, answer.GetProperty("code").GetString());
            Assert.Contains(words, answer.GetProperty("message").GetString());
            if (expectNoOrder) Assert.Empty(await host.Inspect(e => e.GetOpenOrders(1)));
        }
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    public async Task A_replay_with_the_signature_written_another_way_is_refused(string inserted)
    {
        await using var host = await Venue();
        string body = Order("Bid", "Limit", "170", "1");
        long ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (first, _, _) = await host.Send(host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, timestamp: ts));
        Assert.Equal(HttpStatusCode.OK, first);

        var again = host.Signed(1, HttpMethod.Post, "/api/v1/order", "orderExecute", body: body, timestamp: ts);
        string signature = again.Headers.GetValues("X-Signature").Single();
        again.Headers.Remove("X-Signature");
        again.Headers.TryAddWithoutValidation("X-Signature", signature[..40] + inserted + signature[40..]);
        var (status, answer, _) = await host.Send(again);
        Assert.Equal((HttpStatusCode.Unauthorized, "INVALID_SIGNATURE"), (status, answer.GetProperty("code").GetString()));
        Assert.Single(await host.Inspect(e => e.GetOpenOrders(1)));
    }

    [Fact]
    public async Task What_a_post_or_delete_acts_on_comes_from_the_signed_body_never_the_url()
    {
        await using var host = await Venue();
        await host.Post(1, "/api/v1/order", "orderExecute", Order("Bid", "Limit", "170", "1"));
        // Signed for SOL in the body; the URL names another symbol: refused, nothing canceled.
        var request = host.Signed(1, HttpMethod.Delete, "/api/v1/orders", "orderCancelAll", body: $$"""{"symbol":"{{Sol}}"}""");
        request.RequestUri = new Uri("/api/v1/orders?symbol=BTC_USDC_PERP", UriKind.Relative);
        var (status, answer, _) = await host.Send(request);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST"), (status, answer.GetProperty("code").GetString()));
        Assert.Contains("signed JSON body", answer.GetProperty("message").GetString());
        Assert.Single(await host.Inspect(e => e.GetOpenOrders(1)));

        var (emptyBatch, emptyAnswer, _) = await host.Send(host.Signed(1, HttpMethod.Post, "/api/v1/orders", "orderExecute"));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST"), (emptyBatch, emptyAnswer.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Requests_that_fail_their_signature_still_use_up_the_addresss_bucket()
    {
        const int perSecond = 5, burst = 5, sent = 40;
        await using var host = await Venue(new RestOptions { PublicRequestsPerSecond = perSecond, PublicRequestBurst = burst });
        int unauthorized = 0, limited = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < sent; i++)
        {
            var (status, _, _) = await host.Send(host.Signed(1, HttpMethod.Get, "/api/v1/capital", "balanceQuery", signWith: Ed25519.NewPrivateKey()));
            if (status == HttpStatusCode.Unauthorized) unauthorized++;
            else if (status == HttpStatusCode.TooManyRequests) limited++;
        }
        Assert.Equal(sent, unauthorized + limited);
        Assert.InRange(unauthorized, burst, burst + (int)(perSecond * clock.Elapsed.TotalSeconds) + 1);
    }

    [Theory]
    [InlineData("""{"symbol":"DOGE_USDC_PERP","side":"Bid","orderType":"Limit","price":"170","quantity":"1"}""", "INVALID_SYMBOL", "DOGE_USDC_PERP")]
    [InlineData("""{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"abc","quantity":"1"}""", "INVALID_PRICE", "tick size")]
    [InlineData("""{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"170.005","quantity":"1"}""", "INVALID_PRICE", "tick size 0.01")]
    [InlineData("""{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"170","quantity":"0.0005"}""", "INVALID_QUANTITY", "step size 0.001")]
    [InlineData("""{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"170"}""", "INVALID_QUANTITY", "quantity is required")]
    [InlineData("""{"symbol":"SOL_USDC_PERP","orderType":"Limit","price":"170","quantity":"1"}""", "INVALID_ORDER", "side is required")]
    [InlineData("""{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"170","quantity":"1","timeInForce":"GTD"}""", "INVALID_ORDER", "timeInForce")]
    [InlineData("""{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"100","quantity":"1"}""", "INVALID_ORDER", "band")]
    public async Task Bad_orders_get_a_clear_error_and_nothing_is_placed(string body, string code, string words)
    {
        await using var host = await Venue();
        var (status, answer, _) = await host.Post(1, "/api/v1/order", "orderExecute", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, answer.GetProperty("code").GetString());
        Assert.Contains(words, answer.GetProperty("message").GetString());
        Assert.Empty(await host.Inspect(e => e.GetOpenOrders(1)));
        Assert.Equal(10_000_000_000L, (await host.Inspect(e => e.GetAccount(1)))!.Collateral);
    }

    [Fact]
    public async Task Bodies_that_are_not_json_or_too_large_are_refused_before_anything_else()
    {
        await using var host = await Venue(new RestOptions { MaxBodyBytes = 8_192 });
        var (status, answer, _) = await host.Send(new HttpRequestMessage(HttpMethod.Post, "/api/v1/order") { Content = new StringContent("{\"symbol\":", Encoding.UTF8, "application/json") });
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST"), (status, answer.GetProperty("code").GetString()));

        string huge = Order("Bid", "Limit", "170", "1", ",\"padding\":\"" + new string('x', 9_000) + "\"");
        var (tooLarge, refusal, _) = await host.Post(1, "/api/v1/order", "orderExecute", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.Contains("8192 bytes", refusal.GetProperty("message").GetString());

        string tooMany = "[" + string.Join(',', Enumerable.Repeat(Order("Bid", "Limit", "170", "0.001"), 51)) + "]";
        var (batchStatus, batchAnswer, _) = await host.Post(1, "/api/v1/orders", "orderExecute", tooMany);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST"), (batchStatus, batchAnswer.GetProperty("code").GetString()));
        Assert.Empty(await host.Inspect(e => e.GetOpenOrders(1)));
    }

    [Fact]
    public async Task A_key_that_floods_gets_429_while_another_key_is_served()
    {
        const int rate = 20, burst = 20, sent = 80;
        await using var host = await Venue(new RestOptions { RequestsPerSecond = rate, RequestBurst = burst });
        int served = 0, limited = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < sent; i++)
        {
            var (status, answer, _) = await host.Get(1, "/api/v1/capital", "balanceQuery");
            if (status == HttpStatusCode.OK) served++;
            else if (status == HttpStatusCode.TooManyRequests && answer.GetProperty("code").GetString() == "TOO_MANY_REQUESTS") limited++;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var (other, otherAnswer, _) = await host.Get(2, "/api/v1/capital", "balanceQuery");

        Assert.Equal(sent, served + limited);
        Assert.InRange(served, burst, burst + (int)(rate * seconds) + 1);
        Assert.Equal(HttpStatusCode.OK, other);
        Assert.Equal("10000", otherAnswer.GetProperty("USDC").GetProperty("available").GetString());
    }

    [Fact]
    public async Task Account_and_collateral_answer_the_engines_figures()
    {
        await using var host = await Venue();
        await host.Post(2, "/api/v1/order", "orderExecute", Order("Ask", "Limit", "180", "10"));
        var (_, buy, _) = await host.Post(1, "/api/v1/order", "orderExecute", Order("Bid", "Limit", "180", "10", ",\"timeInForce\":\"IOC\""));
        Assert.Equal("Filled", buy.GetProperty("status").GetString());
        var view = (await host.Inspect(e => e.GetAccount(1)))!;

        var (_, collateral, _) = await host.Get(1, "/api/v1/capital/collateral", "collateralQuery");
        Assert.Equal(view.Equity / 1_000_000m, decimal.Parse(collateral.GetProperty("netEquity").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(1_800m, decimal.Parse(collateral.GetProperty("netExposureFutures").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(0.05m, decimal.Parse(collateral.GetProperty("imf").GetString()!, CultureInfo.InvariantCulture));

        var (_, account, _) = await host.Get(1, "/api/v1/account", "accountQuery");
        Assert.Equal(("20", false, 0), (account.GetProperty("leverageLimit").GetString(), account.GetProperty("liquidating").GetBoolean(), account.GetProperty("limitOrders").GetInt32()));
    }
}

using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.Host.Services;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Backpack.Gateway.Host.Tests.CcxtTests;

namespace Backpack.Gateway.Host.Tests;

/// <summary>
/// CCXT pro's own Backpack driver (npm ccxt, pinned in Ccxt/package.json) on the running demo venue's
/// private WebSocket streams, as alice: watchOrders with and without a symbol and watchPositions, while
/// the same CCXT instance places and cancels orders over the REST API (Ccxt/ccxt-pro-private.mjs). The
/// watched orders and positions are checked against CCXT's REST answers, the fills and the engine.
/// </summary>
public class CcxtProPrivateTests(ITestOutputHelper log)
{
    private const int Alice = 1001;
    private const string Sol = "SOL/USDC:USDC";
    private const string Eth = "ETH/USDC:USDC";

    [Fact]
    public async Task Ccxt_pro_watches_alices_orders_and_position_as_she_trades_over_rest()
    {
        await InstallAsync();
        // The demo's traders pause (an action an hour on average): none sweeps a side of the book while the script trades. The maker quotes on.
        await using var venue = await HostTestVenue.StartAsync("--Demo:TradeInterval=01:00:00");
        var host = venue.App.Services.GetRequiredService<Venue>();
        var sol = host.Markets.Single(m => m.Symbol == "SOL_USDC_PERP");
        await WaitForAsync(venue, "api/v1/depth?symbol=SOL_USDC_PERP", d => d.GetProperty("bids").GetArrayLength() > 0 && d.GetProperty("asks").GetArrayLength() > 0);
        await WaitForAsync(venue, "api/v1/depth?symbol=ETH_USDC_PERP", d => d.GetProperty("bids").GetArrayLength() > 0);

        var account = Demo.Settings.Accounts.Single(a => a.Id == Alice);
        string baseUrl = venue.BaseAddress.ToString().TrimEnd('/');
        var (code, output) = await RunAsync("node", ["ccxt-pro-private.mjs", baseUrl, account.ApiKey, account.ApiSecret!], TimeSpan.FromMinutes(3));
        log.WriteLine(output); // every CCXT call and every batch a watch resolved with
        Assert.True(code == 0, "the CCXT script failed: " + output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal("done", S(lines[^1], "step"));
        var errors = lines.Where(l => l.TryGetProperty("error", out _)).Select(l => l.GetRawText()).ToList();
        Assert.True(errors.Count == 0, "CCXT calls failed:\n" + string.Join('\n', errors));
        string[] watches = ["watchOrders SOL", "watchOrders", "watchPositions SOL"];
        var steps = lines.Where(l => l.TryGetProperty("result", out _) && !watches.Contains(S(l, "step")))
            .ToDictionary(l => S(l, "step")!, l => l.GetProperty("result"));
        JsonElement R(string step) => steps.TryGetValue(step, out var r) ? r : throw new Xunit.Sdk.XunitException($"no result for {step}: {output}");
        JsonElement Args(string step) => lines.Single(l => S(l, "step") == step && l.TryGetProperty("result", out _)).GetProperty("args");
        // Each watch: the copies of what it resolved with, in order (a batch holds an order once, as its last message left it).
        List<JsonElement> Watched(string step) => lines.Where(l => S(l, "step") == step && l.TryGetProperty("result", out _))
            .SelectMany(l => l.GetProperty("result").EnumerateArray()).ToList();
        var solOrders = Watched("watchOrders SOL");
        var allOrders = Watched("watchOrders");
        var positions = Watched("watchPositions SOL");

        string Id(string step) => S(R(step), "id")!;
        string resting = Id("createOrder limit"), market = Id("createOrder market"), crossing = Id("createOrder limit crossing"), reduce = Id("createOrder market reduceOnly"),
            sweep = Id("createOrder market sweep"), back = Id("createOrder market reduceOnly back"), close = Id("createOrder market reduceOnly close"),
            eth = Id("createOrder ETH limit"), last = Id("createOrder limit after unwatch");

        // ---- which orders each watch saw: the SOL watch alice's SOL orders up to its unwatch; the all-markets watch the same messages, the ETH order and the last one ----
        Assert.Equal([resting, market, crossing, reduce, sweep, back, close], solOrders.Select(o => S(o, "id")).Distinct());
        Assert.Equal([resting, market, crossing, reduce, sweep, back, eth, close, last], allOrders.Select(o => S(o, "id")).Distinct());
        Assert.Equal(solOrders.Select(o => o.GetRawText()), allOrders.Where(o => S(o, "symbol") == Sol && S(o, "id") != last).Select(o => o.GetRawText()));
        Assert.All(solOrders, o => Assert.Equal(Sol, S(o, "symbol")));
        Assert.All(allOrders.Where(o => S(o, "id") == eth), o => Assert.Equal(Eth, S(o, "symbol")));
        foreach (string step in new[] { "watchOrders SOL", "watchPositions SOL" })
            Assert.StartsWith("UnsubscribeError: backpack ", S(lines.Single(l => S(l, "step") == step && l.TryGetProperty("ended", out _)), "ended"));

        // ---- resting orders: open, then canceled by cancelOrder; price, amount and client id as placed ----
        foreach (var (id, step, watch, side) in new[] { (resting, "createOrder limit", solOrders, "buy"), (eth, "createOrder ETH limit", allOrders, "buy"), (last, "createOrder limit after unwatch", allOrders, "sell") })
        {
            var seen = watch.Where(o => S(o, "id") == id).ToList();
            Assert.Equal(["open", "canceled"], seen.Select(o => S(o, "status")));
            Assert.All(seen, o => Assert.Equal(("limit", side, "GTC", Args(step)[4].GetDecimal(), Args(step)[3].GetDecimal(), 0m),
                (S(o, "type"), S(o, "side"), S(o, "timeInForce"), D(o, "price"), D(o, "amount"), D(o, "cost"))));
            Assert.Equal(T(R(step)), T(seen[0])); // the watch's time (E, µs) is the order's (createdAt, ms): one engine command
            Assert.True(T(seen[1]) > T(seen[0]), "canceled after it was placed");
        }
        Assert.Equal("8001", S(solOrders.First(o => S(o, "id") == resting), "clientOrderId"));
        Assert.All(solOrders.Where(o => S(o, "id") == resting), o => Assert.Equal("8001", S(o, "clientOrderId")));

        // ---- filled orders: closed, at the prices and with the cost of their fills ----
        var fills = R("fetchMyTrades").EnumerateArray().ToList();
        List<JsonElement> FillsOf(string id) => fills.Where(f => S(f, "order") == id).OrderBy(f => long.Parse(S(f, "id")!, CultureInfo.InvariantCulture)).ToList();
        foreach (var (id, step, side) in new[]
        {
            (market, "createOrder market", "buy"), (crossing, "createOrder limit crossing", "buy"), (reduce, "createOrder market reduceOnly", "sell"),
            (sweep, "createOrder market sweep", "buy"), (back, "createOrder market reduceOnly back", "sell"), (close, "createOrder market reduceOnly close", "sell"),
        })
        {
            var seen = solOrders.Where(o => S(o, "id") == id).ToList();
            var final = seen[^1];
            Assert.Equal("closed", S(final, "status"));
            Assert.All(seen.SkipLast(1), o => Assert.Equal("open", S(o, "status")));
            var own = FillsOf(id);
            decimal amount = Args(step)[3].GetDecimal(), cost = own.Sum(f => D(f, "price") * D(f, "amount"));
            Assert.Equal(amount, own.Sum(f => D(f, "amount")));
            Assert.Equal((Args(step)[1].GetString(), side, amount, cost, "USDC"), (S(final, "type"), S(final, "side"), D(final, "amount"), D(final, "cost"), S(final.GetProperty("fee"), "currency")));
            Assert.Equal(T(own[^1]), T(final));
            // CCXT reads `filled` from `l`, Backpack's quantity of this fill: the last fill's. The venue's executed quantity `z` is the whole order.
            Assert.Equal(D(own[^1], "amount"), D(final, "filled"));
            Assert.Equal((amount, cost), (D(final.GetProperty("info"), "z"), D(final.GetProperty("info"), "Z")));
            Near(cost / D(final, "filled"), D(final, "average"), "CCXT's average: cost / filled");
            Assert.Equal(D(R(step), "cost"), cost); // CCXT's REST answer to createOrder
        }
        Assert.Equal(Args("createOrder limit crossing")[4].GetDecimal(), D(solOrders.Last(o => S(o, "id") == crossing), "price"));
        Assert.True(FillsOf(sweep).Count >= 2, "the sweep is larger than any level of the book: it fills at two prices or more");
        Assert.True(D(solOrders.Last(o => S(o, "id") == sweep), "filled") < Args("createOrder market sweep")[3].GetDecimal());

        // ---- the order history holds the same orders with the same ends ----
        var history = R("fetchOrders").EnumerateArray().ToDictionary(o => S(o, "id")!);
        Assert.Equal(new[] { resting, market, crossing, reduce, sweep, back, close, last }.Order(), history.Keys.Order());
        foreach (var o in allOrders.GroupBy(o => S(o, "id")!).Select(g => g.Last()).Where(o => S(o, "symbol") == Sol))
            Assert.Equal((S(history[S(o, "id")!], "status"), D(history[S(o, "id")!], "amount")), (S(o, "status"), D(o, "amount")));

        // ---- the position: opened by the market buy, enlarged, cut by the reduce-only sells, closed ----
        decimal sweepAmount = Args("createOrder market sweep")[3].GetDecimal();
        Assert.Equal([2m, 2.3m, 1.5m, 1.5m + sweepAmount, 1.5m, 0m], positions.Select(p => D(p, "contracts")));
        string[] causes = [market, crossing, reduce, sweep, back, close];
        string positionId = (Alice * 65536L + sol.Id).ToString(CultureInfo.InvariantCulture);
        decimal quantity = 0, entryCost = 0, realized = 0;
        for (int i = 0; i < positions.Count; i++)
        {
            var p = positions[i];
            var own = FillsOf(causes[i]);
            decimal signed = own.Sum(f => (S(f, "side") == "buy" ? 1 : -1) * D(f, "amount"));
            if (signed > 0) entryCost += own.Sum(f => D(f, "price") * D(f, "amount"));
            else
            {
                decimal entry = entryCost / quantity;
                realized += own.Sum(f => (D(f, "price") - entry) * D(f, "amount"));
                entryCost -= entry * -signed;
            }
            quantity += signed;
            Assert.Equal((positionId, Sol, "long", quantity, T(own[^1])), (S(p, "id"), S(p, "symbol"), S(p, "side"), D(p, "contracts"), T(p)));
            Assert.Equal(quantity * D(p, "markPrice"), D(p, "notional"));
            Near(realized, D(p, "realizedPnl"), "realized PnL");
            if (quantity == 0)
            {
                Assert.Equal((0m, 0m), (D(p, "notional"), D(p, "unrealizedPnl")));
                Assert.False(p.TryGetProperty("entryPrice", out _), "a closed position has no entry price");
                continue;
            }
            Near(entryCost / quantity, D(p, "entryPrice"), "entry price");
            Near(D(p, "notional") - entryCost, D(p, "unrealizedPnl"), "unrealized PnL");
            Assert.Equal("0", S(p, "liquidationPrice")); // alice's collateral keeps her long safe at any price
        }
        // CCXT's REST position while 1.5 was held is the watched one.
        var restPosition = Assert.Single(R("fetchPositions open").EnumerateArray());
        var watched = positions[4];
        Assert.Equal((S(watched, "side"), D(watched, "contracts")), (S(restPosition, "side"), D(restPosition, "contracts")));
        Assert.Equal(S(restPosition, "id"), S(watched, "id")); // one position id over REST and WebSocket
        // The stream's entry price has 4 decimals more than the tick; the REST API's is the unrounded quotient.
        Assert.Equal(Math.Round(D(restPosition, "entryPrice"), 6), D(watched, "entryPrice"));
        Assert.Equal(0, R("fetchPositions").GetArrayLength());

        // ---- the engine: flat, nothing resting, the realized PnL CCXT saw last ----
        var (open, held) = await host.Runner.InspectAsync(e => (e.GetOpenOrders(Alice), e.GetAccount(Alice)!.Positions[sol.Id - 1]));
        Assert.Empty(open);
        Assert.Equal((0L, held.RealizedPnl / 1_000_000m), (held.Quantity, D(positions[^1], "realizedPnl")));
    }

    /// <summary>Equal up to the venue's rounding: micro-USDC amounts, entry prices to 4 decimals past the tick.</summary>
    private static void Near(decimal expected, decimal actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 0.0001m, $"{what}: expected {expected}, got {actual}");
}

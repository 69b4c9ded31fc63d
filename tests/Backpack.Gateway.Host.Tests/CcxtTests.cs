using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Backpack.Gateway.Host.Tests;

/// <summary>
/// CCXT's own Backpack driver (npm ccxt, pinned in Ccxt/package.json; the test installs it on first
/// use) against the running demo venue's REST API: market data, account, orders of every kind,
/// history. Ccxt/ccxt-check.mjs prints CCXT's unified answer of each call; this test checks the
/// values against each other and against what the engine and the history database hold.
/// </summary>
public class CcxtTests(ITestOutputHelper log)
{
    private const int Alice = 1001;
    private const string Sol = "SOL/USDC:USDC";
    private static readonly string ClientDirectory = RepositoryFiles.PathOf("tests/Backpack.Gateway.Host.Tests/Ccxt");
    /// <summary>The pinned ccxt; a folder holding another version is installed again.</summary>
    internal static Task InstallAsync()
    {
        string installed = Path.Combine(ClientDirectory, "node_modules", "ccxt", "package.json");
        bool pinned = File.Exists(installed) && JsonDocument.Parse(File.ReadAllText(installed)).RootElement.GetProperty("version").GetString() == "4.5.84";
        return NodePackages.InstallAsync(ClientDirectory, pinned ? "node_modules/ccxt/package.json" : "node_modules/.ccxt-4.5.84-missing");
    }

    [Fact]
    public async Task Ccxt_backpack_driver_reads_the_market_trades_and_reads_back_its_orders_positions_and_history()
    {
        await InstallAsync();
        // SOL settles funding every 10 s (sampled every second), so a position pays within the run.
        await using var venue = await HostTestVenue.StartAsync("--Markets:2:FundingIntervalSeconds=10", "--Engine:FundingSampleSeconds=1");
        var host = venue.App.Services.GetRequiredService<Venue>();
        var history = venue.App.Services.GetRequiredService<HistoryService>().Reader!;
        var sol = host.Markets.Single(m => m.Symbol == "SOL_USDC_PERP");
        host.Submit(new Withdraw(new CommandHeader(0, 0, 0), Alice, 250_000_000));
        host.Submit(new Deposit(new CommandHeader(0, 0, 0), Alice, 1_000_000_000));
        await WaitForAsync(venue, "api/v1/trades?symbol=SOL_USDC_PERP", t => t.GetArrayLength() > 0);
        await WaitForAsync(venue, "api/v1/depth?symbol=SOL_USDC_PERP", d => d.GetProperty("bids").GetArrayLength() > 0 && d.GetProperty("asks").GetArrayLength() > 0);

        var account = Demo.Settings.Accounts.Single(a => a.Id == Alice);
        string baseUrl = venue.BaseAddress.ToString().TrimEnd('/');
        var (code, output) = await RunAsync("node", ["ccxt-check.mjs", baseUrl, account.ApiKey, account.ApiSecret!], TimeSpan.FromMinutes(3));
        log.WriteLine(output); // every CCXT call with its unified answer
        Assert.True(code == 0, "the CCXT script failed: " + output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal("done", lines[^1].GetProperty("step").GetString());
        var errors = lines.Where(l => l.TryGetProperty("error", out _)).Select(l => l.GetRawText()).ToList();
        Assert.True(errors.Count == 0, "CCXT calls failed:\n" + string.Join('\n', errors));
        var steps = lines.Where(l => l.TryGetProperty("result", out _)).ToDictionary(l => l.GetProperty("step").GetString()!, l => l.GetProperty("result"));
        JsonElement R(string step) => steps.TryGetValue(step, out var r) ? r : throw new Xunit.Sdk.XunitException($"no result for {step}: {output}");
        decimal Arg(string step, int index) => lines.Single(l => l.GetProperty("step").GetString() == step).GetProperty("args")[index].GetDecimal();

        // ---- markets, currencies, status ----
        var markets = R("loadMarkets");
        Assert.Equal(["BTC/USDC:USDC", "ETH/USDC:USDC", Sol], markets.EnumerateObject().Select(p => p.Name).Order());
        foreach (var m in host.Markets)
        {
            var mk = markets.GetProperty(m.Symbol.Split('_')[0] + "/USDC:USDC");
            Assert.Equal((m.Symbol, "swap", true, true, "USDC"), (S(mk, "id"), S(mk, "type"), mk.GetProperty("active").GetBoolean(), mk.GetProperty("linear").GetBoolean(), S(mk, "settle")));
            Assert.Equal((m.TickSize, m.StepSize), (D(mk.GetProperty("precision"), "price"), D(mk.GetProperty("precision"), "amount")));
            Assert.Equal((m.MinQuantity, m.MaxQuantity), (D(mk.GetProperty("limits").GetProperty("amount"), "min"), D(mk.GetProperty("limits").GetProperty("amount"), "max")));
        }
        var currencies = R("fetchCurrencies");
        Assert.Equal(["BTC", "ETH", "SOL", "USDC"], currencies.EnumerateObject().Select(p => p.Name).Order());
        Assert.True(currencies.GetProperty("USDC").GetProperty("deposit").GetBoolean() && currencies.GetProperty("USDC").GetProperty("withdraw").GetBoolean());
        Assert.False(currencies.GetProperty("SOL").GetProperty("deposit").GetBoolean());
        Assert.InRange(R("fetchTime").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal("ok", S(R("fetchStatus"), "status"));

        // ---- trades and candles: every one-minute candle is the trades of its minute ----
        int attempt = R("tradesAndCandles").GetInt32();
        var trades = R($"fetchTrades#{attempt}").EnumerateArray()
            .Select(t => (Time: t.GetProperty("timestamp").GetInt64(), Id: long.Parse(S(t, "id")!, CultureInfo.InvariantCulture), Price: D(t, "price"), Amount: D(t, "amount"), Side: S(t, "side")))
            .OrderBy(t => t.Time).ThenBy(t => t.Id).ToList();
        Assert.InRange(trades.Count, 1, 999); // every trade of the venue so far: the first minute is whole
        var expected = trades.GroupBy(t => t.Time / 60_000 * 60_000)
            .Select(g => $"{g.Key} {g.First().Price} {g.Max(t => t.Price)} {g.Min(t => t.Price)} {g.Last().Price} {Plain(g.Sum(t => t.Amount))}");
        var candles = R($"fetchOHLCV#{attempt}").EnumerateArray()
            .Select(c => $"{c[0].GetInt64()} {c[1].GetDecimal()} {c[2].GetDecimal()} {c[3].GetDecimal()} {c[4].GetDecimal()} {Plain(c[5].GetDecimal())}");
        // A sum of decimals keeps the widest scale (110.98 + ... = 1813.10); JSON numbers drop trailing zeros.
        static string Plain(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);
        Assert.Equal(expected, candles);
        var ticker = R("fetchTicker");
        Assert.Equal(Sol, S(ticker, "symbol"));
        Assert.Equal(trades[0].Price, D(ticker, "open")); // the day's first trade is the venue's first
        Assert.InRange(D(ticker, "high"), D(ticker, "last"), trades.Max(t => t.Price));
        Assert.InRange(D(ticker, "low"), trades.Min(t => t.Price), D(ticker, "last"));
        Assert.Equal(["BTC/USDC:USDC", "ETH/USDC:USDC", Sol], R("fetchTickers").EnumerateObject().Select(p => p.Name).Order());
        var book = R("fetchOrderBook");
        decimal bestBid = book.GetProperty("bids")[0][0].GetDecimal(), bestAsk = book.GetProperty("asks")[0][0].GetDecimal();
        Assert.True(bestBid < bestAsk, $"bid {bestBid} ask {bestAsk}");
        Assert.True(book.GetProperty("nonce").GetInt64() > 0);

        // ---- mark and index candles, funding rate, open interest ----
        var funding = R("fetchFundingRate");
        decimal mark = D(funding, "markPrice");
        foreach (string price in new[] { "mark", "index" })
        {
            var c = R($"fetchOHLCV {price}").EnumerateArray().Last();
            Assert.True(c[3].GetDecimal() <= c[4].GetDecimal() && c[4].GetDecimal() <= c[2].GetDecimal(), $"{price} candle {c}");
            Assert.InRange(c[4].GetDecimal(), mark * 0.99m, mark * 1.01m);
            Assert.Equal(0, c[5].GetDecimal());
        }
        Assert.Equal(0, funding.GetProperty("nextFundingTimestamp").GetInt64() % 10_000);
        Assert.True(D(funding, "indexPrice") > 0);

        // ---- account before: the opening deposit, the test's withdrawal and deposit; no position ----
        var before = R("fetchBalance before").GetProperty("USDC");
        Assert.Equal((100_750m, 100_750m, 0m), (D(before, "total"), D(before, "free"), D(before, "used")));
        Assert.Equal(0, R("fetchPositions before").GetArrayLength());

        // ---- orders as placed ----
        var postOnly = R("createOrder limit postOnly");
        AssertOrder(postOnly, "limit", "buy", Arg("createOrder limit postOnly", 4), 1, 0, "open");
        Assert.True(postOnly.GetProperty("postOnly").GetBoolean());
        var withClientId = R("createOrder limit clientOrderId");
        AssertOrder(withClientId, "limit", "buy", Arg("createOrder limit clientOrderId", 4), 0.5m, 0, "open");
        Assert.Equal("7001", S(withClientId, "clientOrderId"));
        var fetched = R("fetchOpenOrder");
        AssertOrder(fetched, "limit", "buy", D(postOnly, "price"), 1, 0, "open");
        Assert.Equal(S(postOnly, "id"), S(fetched, "id"));
        var canceled = R("cancelOrder");
        AssertOrder(canceled, "limit", "buy", D(withClientId, "price"), 0.5m, 0, "canceled");
        Assert.Equal((S(withClientId, "id"), "7001"), (S(canceled, "id"), S(canceled, "clientOrderId")));

        var market = R("createOrder market");
        AssertOrder(market, "market", "buy", null, 2, 2, "closed");
        var iocUnfilled = R("createOrder limit IOC unfilled");
        AssertOrder(iocUnfilled, "limit", "buy", Arg("createOrder limit IOC unfilled", 4), 1, 0, "canceled");
        Assert.Equal("IOC", S(iocUnfilled, "timeInForce"));
        var iocFilled = R("createOrder limit IOC filled");
        AssertOrder(iocFilled, "limit", "buy", Arg("createOrder limit IOC filled", 4), 0.3m, 0.3m, "closed");
        Assert.True(D(iocFilled, "average") <= D(iocFilled, "price"));
        var reduce = R("createOrder market reduceOnly");
        AssertOrder(reduce, "market", "sell", null, 0.5m, 0.5m, "closed");
        Assert.True(reduce.GetProperty("reduceOnly").GetBoolean());
        var trigger = R("createOrder trigger");
        AssertOrder(trigger, "market", "buy", null, 1, 0, "open");
        Assert.Equal(TriggerArg("createOrder trigger"), D(trigger, "triggerPrice"));
        var bracket = R("createOrder takeProfit stopLoss");
        AssertOrder(bracket, "market", "buy", null, 1, 1, "closed");
        var bracketArgs = lines.Single(l => S(l, "step") == "createOrder takeProfit stopLoss").GetProperty("args")[5];
        decimal takeProfit = bracketArgs.GetProperty("takeProfit").GetProperty("triggerPrice").GetDecimal();
        decimal stopLoss = bracketArgs.GetProperty("stopLoss").GetProperty("triggerPrice").GetDecimal();
        Assert.Equal((stopLoss, takeProfit), (D(bracket, "stopLossPrice"), D(bracket, "takeProfitPrice")));
        var batch = R("createOrders");
        Assert.Equal(2, batch.GetArrayLength());
        var batchArgs = lines.Single(l => S(l, "step") == "createOrders").GetProperty("args")[0];
        for (int i = 0; i < 2; i++)
        {
            AssertOrder(batch[i], "limit", "buy", D(batchArgs[i], "price"), D(batchArgs[i], "amount"), 0, "open");
            Assert.Equal(i == 1, batch[i].GetProperty("postOnly").GetBoolean());
        }

        // Open: the post-only order, the trigger, the two legs the bracket's fill armed, the batch.
        var open = R("fetchOpenOrders").EnumerateArray().ToList();
        var legs = open.Where(o => o.GetProperty("reduceOnly").GetBoolean()).ToList();
        Assert.Equal(new[] { S(postOnly, "id"), S(trigger, "id"), S(batch[0], "id"), S(batch[1], "id") }.Order(),
            open.Except(legs).Select(o => S(o, "id")).Order());
        Assert.Equal([stopLoss, takeProfit], legs.Select(l => D(l, "triggerPrice")).Order());
        Assert.All(legs, l => AssertOrder(l, "market", "sell", null, 1, 0, "open"));

        var balance = R("fetchBalance").GetProperty("USDC");
        Assert.True(D(balance, "used") > 0);
        Assert.Equal(D(balance, "total"), D(balance, "free") + D(balance, "used"));
        var position = Assert.Single(R("fetchPositions").EnumerateArray());
        Assert.Equal((Sol, "long", 2.8m), (S(position, "symbol"), S(position, "side"), D(position, "contracts")));
        Assert.InRange(D(R("fetchOpenInterest"), "openInterestValue"), 2.8m, decimal.MaxValue);

        // ---- fills: each filled order's fills add up to what the order says it filled, at its prices, with the taker fee ----
        var fills = R("fetchMyTrades").EnumerateArray().ToList();
        var filledOrders = new[] { market, iocFilled, reduce, bracket };
        Assert.Equal(filledOrders.Select(o => S(o, "id")).Order(), fills.Select(f => S(f, "order")).Distinct().Order());
        foreach (var order in filledOrders)
        {
            var own = fills.Where(f => S(f, "order") == S(order, "id")).ToList();
            Assert.Equal(D(order, "filled"), own.Sum(f => D(f, "amount")));
            // The fill's time (naive ISO on the wire) is the order's (milliseconds on the wire): one engine command.
            Assert.All(own, f => Assert.Equal(T(order), T(f)));
            Assert.Equal(D(order, "cost"), own.Sum(f => D(f, "price") * D(f, "amount")));
            Assert.All(own, f => Assert.Equal((S(order, "side"), "taker", "USDC"), (S(f, "side"), S(f, "takerOrMaker"), S(f.GetProperty("fee"), "currency"))));
            // The engine charges the fee rounded up to a micro-USDC.
            Assert.All(own, f => Assert.Equal(Math.Ceiling(D(f, "price") * D(f, "amount") * sol.TakerFee * 1_000_000m) / 1_000_000m, D(f.GetProperty("fee"), "cost")));
        }
        Assert.All(fills.Where(f => S(f, "order") == S(iocFilled, "id")), f => Assert.True(D(f, "price") <= D(iocFilled, "price")));
        Assert.Equal(2.8m, fills.Sum(f => (S(f, "side") == "buy" ? 1 : -1) * D(f, "amount")));

        // ---- order history: every order with its end ----
        var orders = R("fetchOrders").EnumerateArray().ToDictionary(o => S(o, "id")!);
        foreach (var (order, status, filled) in new[]
        {
            (postOnly, "open", 0m), (withClientId, "canceled", 0m), (market, "closed", 2m), (iocUnfilled, "canceled", 0m), (iocFilled, "closed", 0.3m),
            (reduce, "closed", 0.5m), (trigger, "open", 0m), (bracket, "closed", 1m), (batch[0], "open", 0m), (batch[1], "open", 0m),
        })
        {
            var o = orders[S(order, "id")!];
            Assert.Equal((S(order, "side"), S(order, "type"), status, filled, D(order, "amount"), T(order)), (S(o, "side"), S(o, "type"), S(o, "status"), D(o, "filled"), D(o, "amount"), T(o)));
        }

        // ---- funding: the payments CCXT lists are the history's, at the rates of the rate history ----
        var payments = R("fetchFundingHistory").EnumerateArray().ToList();
        Assert.NotEmpty(payments);
        var paid = history.FundingPayments(Alice, sol.Id, 1000, 0).ToDictionary(p => p.IntervalEnd / 1000);
        var rates = R("fetchFundingRateHistory").EnumerateArray().ToDictionary(r => r.GetProperty("timestamp").GetInt64(), r => D(r, "fundingRate"));
        foreach (var p in payments)
        {
            long time = p.GetProperty("timestamp").GetInt64();
            var row = paid[time];
            Assert.Equal((Sol, row.Amount / 1_000_000m, row.Rate / 1_000_000_000m), (S(p, "symbol"), D(p, "amount"), D(p, "rate")));
            Assert.Equal(rates[time], D(p, "rate"));
            Assert.Equal(0, time % 10_000);
            // A long pays a positive rate: the amount is the rate of the position's value at the mark, in whole micro-USDC.
            Assert.True(row.Quantity > 0 && Math.Sign(row.Amount) == -Math.Sign(row.Rate), $"payment {p}");
        }

        // ---- cancel all, then what stays on the venue is what the engine holds ----
        // Backpack's orderType (passed through by CCXT): first the conditional orders (the trigger, the legs), then the rest.
        var conditional = new[] { S(trigger, "id") }.Concat(legs.Select(l => S(l, "id"))).Order().ToList();
        Assert.Equal(conditional, R("cancelAllOrders conditional").EnumerateArray().Select(o => S(o, "id")).Order());
        Assert.Equal(open.Select(o => S(o, "id")).Except(conditional).Order(), R("fetchOpenOrders after conditional").EnumerateArray().Select(o => S(o, "id")).Order());
        Assert.Equal(open.Select(o => S(o, "id")).Except(conditional).Order(), R("cancelAllOrders").EnumerateArray().Select(o => S(o, "id")).Order());
        Assert.All(R("cancelAllOrders conditional").EnumerateArray().Concat(R("cancelAllOrders").EnumerateArray()), o => Assert.Equal("canceled", S(o, "status")));
        Assert.Equal(0, R("fetchOpenOrders after cancelAll").GetArrayLength());
        Assert.Equal(T(postOnly), T(open.Single(o => S(o, "id") == S(postOnly, "id"))));
        var finalLimit = R("createOrder final limit");
        AssertOrder(finalLimit, "limit", "buy", Arg("createOrder final limit", 4), 0.7m, 0, "open");
        var finalTrigger = R("createOrder final trigger");
        AssertOrder(finalTrigger, "limit", "sell", Arg("createOrder final trigger", 4), 0.4m, 0, "open");
        Assert.Equal(TriggerArg("createOrder final trigger"), D(finalTrigger, "triggerPrice"));
        Assert.Equal([S(finalLimit, "id"), S(finalTrigger, "id")], R("fetchOpenOrders final").EnumerateArray().Select(o => S(o, "id")).Order());
        var level = R("fetchOrderBook final").GetProperty("bids").EnumerateArray().Single(l => l[0].GetDecimal() == D(finalLimit, "price"));
        Assert.Equal(0.7m, level[1].GetDecimal());
        var finalPosition = Assert.Single(R("fetchPositions final").EnumerateArray());

        var (resting, pending, held) = await host.Runner.InspectAsync(e => (e.GetOpenOrders(Alice), e.GetPendingOrders(Alice), e.GetAccount(Alice)!.Positions[sol.Id - 1]));
        var engineOrder = Assert.Single(resting);
        Assert.Equal((long.Parse(S(finalLimit, "id")!, CultureInfo.InvariantCulture), 7002L, Side.Buy, D(finalLimit, "price") / sol.TickSize, 0.7m / sol.StepSize),
            (engineOrder.OrderId, engineOrder.ClientOrderId, engineOrder.Side, (decimal)engineOrder.Price, (decimal)engineOrder.Quantity));
        var enginePending = Assert.Single(pending);
        Assert.Equal((long.Parse(S(finalTrigger, "id")!, CultureInfo.InvariantCulture), Side.Sell, D(finalTrigger, "triggerPrice") / sol.TickSize, D(finalTrigger, "price") / sol.TickSize, 0.4m / sol.StepSize),
            (enginePending.OrderId, enginePending.Side, (decimal)enginePending.TriggerPrice, (decimal)enginePending.Price, (decimal)enginePending.Quantity));
        Assert.Equal(D(finalPosition, "contracts") / sol.StepSize, held.Quantity);
        Assert.Equal(held.Cost / 1_000_000m, D(finalPosition, "notional"));
        Assert.InRange(D(finalPosition, "entryPrice"), held.Cost / 1_000_000m / 2.8m - 0.000001m, held.Cost / 1_000_000m / 2.8m + 0.000001m);

        // ---- transfers ----
        var deposits = R("fetchDeposits").EnumerateArray().ToList();
        Assert.Equal([1_000m, 100_000m], deposits.Select(d => D(d, "amount")).Order());
        Assert.All(deposits, d => Assert.Equal(("USDC", "ok"), (S(d, "currency"), S(d, "status"))));
        Assert.All(deposits, d => Assert.InRange(T(d), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var withdrawal = Assert.Single(R("fetchWithdrawals").EnumerateArray());
        Assert.Equal(("USDC", "ok", 250m, true), (S(withdrawal, "currency"), S(withdrawal, "status"), D(withdrawal, "amount"), withdrawal.GetProperty("internal").GetBoolean()));
        Assert.True(T(withdrawal) > 0 && T(withdrawal) <= T(deposits.Single(d => D(d, "amount") == 1_000m)), "the withdrawal was made no later than the deposit of 1000");

        decimal TriggerArg(string step) => lines.Single(l => S(l, "step") == step).GetProperty("args")[5].GetProperty("triggerPrice").GetDecimal();
    }

    /// <summary>A unified order's terms; price null = not checked (a market order's is its average).</summary>
    private static void AssertOrder(JsonElement o, string type, string side, decimal? price, decimal amount, decimal filled, string status)
    {
        Assert.Equal((Sol, type, side, amount, filled, status), (S(o, "symbol"), S(o, "type"), S(o, "side"), D(o, "amount"), D(o, "filled"), S(o, "status")));
        if (price is { } p) Assert.Equal(p, D(o, "price"));
        Assert.False(string.IsNullOrEmpty(S(o, "id")));
    }

    /// <summary>A unified structure's timestamp (ms); 0 when CCXT could not parse one.</summary>
    internal static long T(JsonElement e) => e.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : 0;

    internal static string? S(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A decimal CCXT gives as a number or, for positions, as a string.</summary>
    internal static decimal D(JsonElement e, string name)
    {
        var v = e.GetProperty(name);
        return v.ValueKind == JsonValueKind.String ? decimal.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture) : v.GetDecimal();
    }

    internal static async Task WaitForAsync(HostTestVenue venue, string path, Func<JsonElement, bool> ready)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            string text = await venue.Http.GetStringAsync(path);
            if (ready(JsonDocument.Parse(text).RootElement)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} still answers {text}");
            await Task.Delay(100);
        }
    }

    /// <summary>Runs a program in the CCXT folder: the script's lines only (npm or node diagnostics go to stderr, which a failure shows).</summary>
    internal static async Task<(int Code, string Output)> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var (code, output, errors) = await NodePackages.RunAsync(ClientDirectory, program, arguments, timeout);
        return (code, code == 0 ? output : output + errors);
    }
}

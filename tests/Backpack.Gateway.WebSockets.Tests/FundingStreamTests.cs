using System.Text.Json;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// Funding over real sockets, on a market that funds every minute while the test moves the
/// engine's clock: markPrice's f (estimated rate) and n (next funding time in ms), and
/// account.fundingPayment, every figure worked out by hand.
/// </summary>
public class FundingStreamTests
{
    private const string Sol = "SOL_USDC_PERP";

    /// <summary>2026-01-01 00:00:10 UTC: the first funding time is 00:01:00 (1767225660000 ms).</summary>
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 10, TimeSpan.Zero);
    private const long FirstFundingMs = 1_767_225_660_000;

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString()! : e.GetProperty(name).GetRawText();

    /// <summary>
    /// SOL_USDC_PERP funding every 60 s; interest 0.36% a day = 0.0036 x 60 / 86400 = 0.0000025 (2,500 ppb) an
    /// interval; premium clamp 0.05%, bounds +-1%; impact bid and ask over 100 USDC.
    /// </summary>
    private static MarketDefinition Market()
    {
        var market = TestMarkets.Sol();
        market.FundingIntervalSeconds = 60;
        market.FundingInterestPerDay = 0.0036m;
        market.FundingImpactNotional = 100m;
        return market;
    }

    [Fact]
    public async Task MarkPrice_carries_the_estimated_rate_and_the_next_funding_time_and_is_sent_when_the_estimate_moves()
    {
        var clock = new ManualClock(Start);
        await using var host = new WsTestHost(market: Market(), clock: clock.Read);
        await using var watcher = await host.ConnectAsync(messagePack: true);
        await watcher.SubscribeAsync("markPrice." + Sol);
        host.Index(18_000);
        host.Fund(WsTestHost.AccountB, 100_000);

        // Before any premium sample the estimate is the interest alone: 0.0000025.
        var first = await watcher.StreamAsync("markPrice." + Sol, "markPrice", d => d.TryGetProperty("f", out _));
        Assert.Equal(("180", "180", "0.0000025", FirstFundingMs), (Str(first, "p"), Str(first, "i"), Str(first, "f"), first.GetProperty("n").GetInt64()));

        // An ask at 179 under the index 180: the impact ask is 179, the premium (0 - (180 - 179)) / 180 =
        // -0.005555556 (rounded down, in ppb); the interest can move it by 0.0005 at most: -0.005055556.
        await using var b = await host.ConnectAsync();
        await b.LogOnAsync(WsTestHost.KeyB);
        await b.RequestAsync("orderExecute", new { symbol = Sol, side = "Ask", orderType = "Limit", price = "179", quantity = "10" });
        clock.Set(Start.AddSeconds(5)); // the premium sample of 00:00:15
        host.Tick();
        var moved = await watcher.StreamAsync("markPrice." + Sol, "markPrice", d => d.TryGetProperty("f", out var f) && f.GetString() != "0.0000025");
        Assert.Equal(("-0.005055556", FirstFundingMs, "180", "180", 1_767_225_615_000_000L, 1_767_225_615_000_000L),
            (Str(moved, "f"), moved.GetProperty("n").GetInt64(), Str(moved, "p"), Str(moved, "i"), moved.GetProperty("E").GetInt64(), moved.GetProperty("T").GetInt64()));
        Assert.Equal((-5_055_556L, FirstFundingMs * 1000), await host.Runner.InspectAsync(e => (e.GetFunding(1).EstimatedRate, e.GetFunding(1).NextFundingTime)));

        // A mark move carries the latest estimate too.
        host.Index(18_010);
        var marked = await watcher.StreamAsync("markPrice." + Sol, "markPrice", d => Str(d, "i") == "180.1");
        Assert.Equal(("180.1", "-0.005055556", FirstFundingMs), (Str(marked, "p"), Str(marked, "f"), marked.GetProperty("n").GetInt64()));
    }

    [Fact]
    public async Task A_funding_payment_arrives_on_the_account_stream_and_the_collateral_it_leaves_drives_the_next_position_message()
    {
        var clock = new ManualClock(Start);
        await using var host = new WsTestHost(market: Market(), clock: clock.Read);
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100);
        host.Fund(WsTestHost.AccountB, 100_000);
        host.Fund(WsTestHost.AccountC, 100_000);
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync(messagePack: true);
        await using var c = await host.ConnectAsync();
        await using var watcher = await host.ConnectAsync();
        await a.LogOnAsync(WsTestHost.KeyA, "account.fundingPayment", "account.positionUpdate");
        await b.LogOnAsync(WsTestHost.KeyB, "account.fundingPayment." + Sol);
        await c.LogOnAsync(WsTestHost.KeyC, "account.fundingPayment");
        await watcher.SubscribeAsync("markPrice." + Sol);

        // A buys 10 SOL at 180 from B: A pays the maker fee 1800 x 0.0002 = 0.36, B the taker fee 0.9.
        await a.RequestAsync("orderExecute", new { symbol = Sol, side = "Bid", orderType = "Limit", price = "180", quantity = "10" });
        await b.RequestAsync("orderExecute", new { symbol = Sol, side = "Ask", orderType = "Market", quantity = "10" });
        // Liquidation estimate of the long: (1800 - 99.64) / (10 x (1 - 0.025)) = 174.3959 -> 174.4 (rounded up).
        var opened = await a.StreamAsync("account.positionUpdate", "positionOpened");
        Assert.Equal(("10", "174.4"), (Str(opened, "q"), Str(opened, "estLiquidationPrice")));

        // C offers 1 SOL at 179 under the index 180 (the mark stays 180): every sample of the minute has
        // the premium (0 - (180 - 179)) / 180 = -0.005555556, so the rate is -0.005555556 + 0.0005 =
        // -0.005055556: shorts pay longs. At 00:01:00 the long receives 1800 x 0.005055556 = 9.1000008,
        // rounded down to 9.1; the short pays it rounded up, 9.100001.
        await c.RequestAsync("orderExecute", new { symbol = Sol, side = "Ask", orderType = "Limit", price = "179", quantity = "1" });
        clock.Set(Start.AddSeconds(50));
        host.Tick();
        var received = await a.StreamAsync("account.fundingPayment", "fundingPayment");
        Assert.Equal((Sol, "-0.005055556", "10", "180", "9.1", "108.74", FirstFundingMs * 1000, FirstFundingMs * 1000),
            (Str(received, "s"), Str(received, "fundingRate"), Str(received, "positionQuantity"), Str(received, "markPrice"), Str(received, "amount"),
             Str(received, "collateral"), received.GetProperty("fundingTime").GetInt64(), received.GetProperty("E").GetInt64()));
        var paid = await b.StreamAsync("account.fundingPayment." + Sol, "fundingPayment");
        Assert.Equal(("-10", "-9.100001", "99989.999999"), (Str(paid, "positionQuantity"), Str(paid, "amount"), Str(paid, "collateral")));
        Assert.Equal((108_740_000L, 99_989_999_999L), await host.Runner.InspectAsync(e => (e.GetAccount(WsTestHost.AccountA)!.Collateral, e.GetAccount(WsTestHost.AccountB)!.Collateral)));

        // The next interval's estimate goes out on markPrice at once: the interest alone until a sample, next funding at 00:02:00.
        var next = await watcher.StreamAsync("markPrice." + Sol, "markPrice", d => d.GetProperty("n").GetInt64() == FirstFundingMs + 60_000);
        Assert.Equal("0.0000025", Str(next, "f"));

        // A second connection of A gets the position snapshot with the collateral after the payment:
        // (1800 - 108.74) / 9.75 = 173.4626 -> 173.47.
        await using var again = await host.ConnectAsync();
        await again.LogOnAsync(WsTestHost.KeyA, "account.positionUpdate");
        var snapshot = await again.StreamAsync("account.positionUpdate", "positionSnapshot");
        Assert.Equal(("10", "173.47"), (Str(snapshot, "q"), Str(snapshot, "estLiquidationPrice")));

        // C has no position: no payment (the answer to a request comes after any message queued before it).
        await c.RequestAsync("orderQueryAll", new { });
        Assert.DoesNotContain(c.Pending(), m => m.TryGetProperty("stream", out _));
    }
}

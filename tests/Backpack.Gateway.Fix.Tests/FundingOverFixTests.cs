using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Markets;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Funding payments over FIX: a FundingPayment (U5) to every session of the account at each funding
/// time, on an engine clock the test moves. The market funds every 60 s with an interest of 0.9% a
/// day (0.009 x 60 / 86,400 = 0.00000625 an interval) and the book is empty when the premium is
/// sampled, so the rate is the interest: 6,250 parts per billion.
/// </summary>
public class FundingOverFixTests
{
    private const long Minute = 60_000_000;

    public static MarketDefinition FundedEveryMinute()
    {
        var market = FixTestHost.Market();
        market.FundingIntervalSeconds = 60;
        market.FundingInterestPerDay = 0.009m;
        return market;
    }

    /// <summary>An engine clock 1 s past a whole minute (ahead of the system clock by at most 61 s): the first funding time is the next whole minute.</summary>
    public static ManualClock EngineClock(out long fundingTime)
    {
        var clock = new ManualClock();
        long start = (clock.Now() / Minute + 1) * Minute + 1_000_000;
        clock.Set(start);
        fundingTime = start - 1_000_000 + Minute;
        return clock;
    }

    [Fact]
    public async Task A_funding_payment_reaches_both_sides_as_U5_with_rate_position_mark_amount_and_collateral()
    {
        var clock = EngineClock(out long fundingTime);
        await using var host = new FixTestHost(markets: [FundedEveryMinute()], engineClock: clock);
        var (a, b) = host.LogOnTraders();
        using var traderA = a;
        using var traderB = b;

        // A buys 10 from B at 180 (taker 5 bp: 0.9 USDC; maker 2 bp: 0.36 USDC); the book is empty again.
        b.Send("D", Limit("b-ask", '2', "10", "180"));
        b.Expect("8");
        a.Send("D", Limit("a-buy", '1', "10", "180"));
        a.Expect("8");
        a.Expect("8");
        b.Expect("8");
        Probe(a, FixTestHost.AccountA, "before-funding"); // nothing before the funding time

        clock.Advance(TimeSpan.FromSeconds(60)); // 1 s past the funding time
        host.Index(18_000);

        // Notional 10 x 180 = 1,800 USDC; 1,800 x 0.00000625 = 0.01125 USDC: the long pays it, the short receives it.
        var paid = a.Expect("U5");
        Assert.Equal([FixTestHost.AccountA.ToString(), "SOL_USDC_PERP", "0.00000625", "10", "180", "-0.01125", "USDC", "99999.08875", Timestamp(fundingTime)],
            paid.Fields(FixTags.Account, FixTags.Symbol, FixTags.FundingRate, FixTags.PositionQty, FixTags.MarkPrice, FixTags.FundingAmount, FixTags.Currency,
                FixTags.Collateral, FixTags.TransactTime));
        var received = b.Expect("U5");
        Assert.Equal([FixTestHost.AccountB.ToString(), "0.00000625", "-10", "180", "0.01125", "99999.65125", Timestamp(fundingTime)],
            received.Fields(FixTags.Account, FixTags.FundingRate, FixTags.PositionQty, FixTags.MarkPrice, FixTags.FundingAmount, FixTags.Collateral, FixTags.TransactTime));

        var totals = await host.Runner.InspectAsync(e => e.FundingTotals);
        Assert.Equal((11_250L, 11_250L, 0L, 2L), totals);
        var collateral = await host.Runner.InspectAsync(e => (e.GetAccount(FixTestHost.AccountA)!.Collateral, e.GetAccount(FixTestHost.AccountB)!.Collateral));
        Assert.Equal((99_999_088_750L, 99_999_651_250L), collateral);

        // The next minute charges again, and nothing else was sent in between.
        clock.Advance(TimeSpan.FromSeconds(60));
        host.Index(18_000);
        Assert.Equal(["-0.01125", "99999.0775", Timestamp(fundingTime + Minute)], a.Expect("U5").Fields(FixTags.FundingAmount, FixTags.Collateral, FixTags.TransactTime));
    }

    [Fact]
    public async Task A_flat_account_gets_no_funding_message_and_a_client_may_not_send_U5()
    {
        var clock = EngineClock(out _);
        await using var host = new FixTestHost(markets: [FundedEveryMinute()], engineClock: clock);
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 100_000);
        using var a = host.Client();
        a.Logon();
        clock.Advance(TimeSpan.FromSeconds(60));
        host.Index(18_000);
        Probe(a, FixTestHost.AccountA, "flat"); // no U5 came first

        a.Send("U5", (FixTags.Account, FixTestHost.AccountA.ToString()), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.FundingRate, "0.1"), (FixTags.PositionQty, "1"),
            (FixTags.MarkPrice, "1"), (FixTags.FundingAmount, "1"), (FixTags.Currency, "USDC"), (FixTags.Collateral, "1"), (FixTags.TransactTime, FixTestClient.Now()));
        Assert.Equal(["U5", "3", "Unsupported message type"], a.Expect("j").Fields(FixTags.RefMsgType, FixTags.BusinessRejectReason, FixTags.Text));
    }
}

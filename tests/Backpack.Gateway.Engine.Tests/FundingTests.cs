using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using MarketDefinition = Backpack.Gateway.Protocol.Markets.MarketDefinition;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// Funding (docs/funding.md) on a market with a one-hour interval, whole lots and 0.01 ticks. The
/// harness starts at 1,760,000,000 s, 400 s before a whole hour, so the first funding time is at
/// <see cref="FirstFunding"/>. Interest 0.03% a day is 0.00125% (12,500 ppb) per hour.
/// </summary>
public class FundingTests
{
    private const int Long = 1, Short = 2, Maker = 3;
    private const long Second = 1_000_000;
    private const long FirstFunding = 1_760_000_400 * Second;
    private readonly EngineHarness _h;

    public FundingTests()
    {
        _h = new EngineHarness([Market()]);
        _h.Index(10_000); // 100.00
        _h.Deposit(Long, 10_000);
        _h.Deposit(Short, 10_000);
        _h.Deposit(Maker, 10_000_000);
        _h.Rest(Short, Side.Sell, 10_000, 10);
        _h.Limit(Long, Side.Buy, 10_000, 10); // long and short 10 at 100.00: 1,000 USDC each
    }

    public static MarketDefinition Market() => new()
    {
        Symbol = "FND_USDC_PERP",
        TickSize = 0.01m,
        StepSize = 1m,
        MinQuantity = 1m,
        MaxQuantity = 1_000_000m,
        PriceBand = 0.20m,
        MakerFee = 0,
        TakerFee = 0,
        BaseImf = 0.10m,
        ImfFactor = 0,
        BaseMmf = 0.05m,
        MmfFactor = 0,
        FundingIntervalSeconds = 3_600,
        FundingImpactNotional = 100m,
    };

    private List<object> At(long time)
    {
        _h.Time = time;
        return _h.Tick();
    }

    [Fact]
    public void With_no_premium_the_rate_is_the_interest_and_longs_pay_shorts_rate_times_notional_at_the_mark()
    {
        var first = _h.Log.OfType<FundingRate>().First();
        Assert.Equal((1, 12_500L, FirstFunding, 3_600 * Second, false), (first.MarketId, first.Rate, first.IntervalEnd, first.IntervalMicros, first.Settled));

        Assert.Empty(At(FirstFunding - 1).OfType<FundingPayment>());
        var events = At(FirstFunding);
        var settled = Assert.Single(events.OfType<FundingRate>(), r => r.Settled);
        Assert.Equal((12_500L, FirstFunding), (settled.Rate, settled.IntervalEnd));
        // 10 lots x 100.00 = 1,000 USDC x 0.00125% = 0.0125 USDC.
        var payments = events.OfType<FundingPayment>().ToDictionary(p => p.AccountId);
        Assert.Equal((-12_500L, 10L, 10_000L), (payments[Long].Amount, payments[Long].Quantity, payments[Long].MarkPrice));
        Assert.Equal((12_500L, -10L), (payments[Short].Amount, payments[Short].Quantity));
        Assert.Equal(2, payments.Count);
        Assert.Equal(10_000 * EngineHarness.Usdc - 12_500, _h.Account(Long).Collateral);
        Assert.Equal(10_000 * EngineHarness.Usdc + 12_500, _h.Account(Short).Collateral);
        Assert.Empty(events.OfType<InsuranceFundChanged>()); // exact: no residue
        // The next interval's estimate follows the settlement.
        var next = events.OfType<FundingRate>().Last();
        Assert.Equal((false, FirstFunding + 3_600 * Second), (next.Settled, next.IntervalEnd));
        Assert.Equal((12_500L, FirstFunding + 3_600 * Second, 12_500L), _h.Engine.GetFunding(1));
    }

    [Fact]
    public void A_bid_above_the_index_is_a_premium_the_interest_clamp_pulls_in_and_the_payments_round_in_the_venues_favour()
    {
        // The maker bids 101.00 and asks 102.00 for more than the 100 USDC impact notional: the
        // impact bid is 101.00, one percent over the index; the ask is above the index (no discount).
        _h.Rest(Maker, Side.Buy, 10_100, 5);
        _h.Rest(Maker, Side.Sell, 10_200, 5);
        Assert.Equal(10_100, _h.Engine.GetMarkPrice(1)); // median(100, 101, 102)
        var events = At(FirstFunding);
        // rate = 1% + clamp(0.00125% - 1%, -0.05%, +0.05%) = 0.95% = 9,500,000 ppb, within the 1% bound.
        var settled = Assert.Single(events.OfType<FundingRate>(), r => r.Settled);
        Assert.Equal(9_500_000, settled.Rate);
        // 10 x 101.00 = 1,010 USDC x 0.95% = 9.595 USDC exactly.
        var payments = events.OfType<FundingPayment>().ToDictionary(p => p.AccountId);
        Assert.Equal((-9_595_000L, 9_595_000L), (payments[Long].Amount, payments[Short].Amount));

        var (paid, received, residue, count) = _h.Engine.FundingTotals;
        Assert.Equal((9_595_000L, 9_595_000L, 0L, 2L), (paid, received, residue, count));
    }

    [Fact]
    public void The_payers_round_up_the_receivers_down_and_the_fund_keeps_the_difference()
    {
        // Index 100.03: 10 lots x 100.03 = 1,000.3 USDC x 12,500 ppb = 0.01250375 USDC: the long pays
        // 12,504 micro-USDC, the short gets 12,503, the fund 1.
        _h.Index(10_003);
        var events = At(FirstFunding);
        var payments = events.OfType<FundingPayment>().ToDictionary(p => p.AccountId);
        Assert.Equal((-12_504L, 12_503L), (payments[Long].Amount, payments[Short].Amount));
        var residue = Assert.Single(events.OfType<InsuranceFundChanged>());
        Assert.Equal((1L, InsuranceFundReason.FundingResidue), (residue.Change, residue.Reason));
        Assert.Equal((12_504L, 12_503L, 1L, 2L), _h.Engine.FundingTotals);
        var summary = _h.Engine.Summarize();
        Assert.Equal(0, summary.CashDiscrepancy);
    }

    [Fact]
    public void Samples_average_over_the_interval()
    {
        // Samples every 5 s from 5 s after the start: 40 of them (5 s to 200 s) see a 1% premium (bids
        // at 101.00), the 40 after (205 s to 400 s) none. Average 0.5%; rate 0.5% - 0.05% = 0.45%.
        _h.Rest(Maker, Side.Buy, 10_100, 5);
        At(FirstFunding - 200 * Second);
        _h.CancelAll(Maker);
        var events = At(FirstFunding);
        Assert.Equal(4_500_000, Assert.Single(events.OfType<FundingRate>(), r => r.Settled).Rate);
    }

    [Fact]
    public void A_payment_that_takes_an_account_under_maintenance_starts_its_liquidation_in_the_same_command()
    {
        // A long of 30 at 100.00 on 310 USDC. With the index at 94.00 and bids at 95.00 (asks at 96.00)
        // the mark is 95.00: equity 160, maintenance 5% x 2,850 = 142.5. The impact bid is 1.06% over
        // the index: the rate is capped at 1%, a payment of 28.5 USDC, equity 131.5 under maintenance.
        var h = new EngineHarness([Market()]);
        h.Index(10_000);
        h.Deposit(Long, 310);
        h.Deposit(Maker, 10_000_000);
        h.Rest(Maker, Side.Sell, 10_000, 30);
        h.Limit(Long, Side.Buy, 10_000, 30);
        h.Rest(Maker, Side.Buy, 9_500, 5);
        h.Rest(Maker, Side.Sell, 9_600, 5);
        Assert.Empty(h.Index(9_400).OfType<LiquidationStarted>());
        Assert.Equal(9_500, h.Engine.GetMarkPrice(1));
        Assert.Equal(160 * EngineHarness.Usdc, h.Account(Long).Equity);

        h.Time = FirstFunding;
        var events = h.Tick();
        var payment = Assert.Single(events.OfType<FundingPayment>(), p => p.AccountId == Long);
        Assert.Equal((10_000_000L, -28_500_000L), (payment.Rate, payment.Amount));
        var started = Assert.Single(events.OfType<LiquidationStarted>());
        Assert.Equal(Long, started.AccountId);
        Assert.True(events.IndexOf(payment) < events.IndexOf(started));
    }

    [Fact]
    public void Intervals_the_venue_slept_through_are_not_charged_and_the_schedule_realigns()
    {
        var events = At(FirstFunding + 5 * 3_600 * Second + 10 * Second);
        Assert.Single(events.OfType<FundingRate>(), r => r.Settled);
        Assert.Equal(2, events.OfType<FundingPayment>().Count());
        Assert.Equal(FirstFunding + 6 * 3_600 * Second, _h.Engine.GetFunding(1).NextFundingTime);
    }

    [Fact]
    public void A_snapshot_and_a_replay_give_the_same_funding_state_and_the_next_payment_is_the_same()
    {
        _h.Rest(Maker, Side.Buy, 10_100, 5);
        At(FirstFunding - 100 * Second);
        var snapshot = EngineSnapshot.Capture(_h.Engine);
        string folder = Directory.CreateTempSubdirectory("bp-fnd-").FullName;
        try
        {
            snapshot.Write(folder, [Market()]);
            var loaded = EngineSnapshot.LoadLatest(folder, [Market()], new EngineOptions(), [])!.Value.Engine;
            var replayed = new EngineHarness([Market()]);
            foreach (byte[] frame in _h.Journal) replayed.SendFrame(frame);
            Assert.Equal(_h.Engine.ComputeStateHash(), loaded.ComputeStateHash());
            Assert.Equal(_h.Engine.ComputeStateHash(), replayed.Engine.ComputeStateHash());

            _h.Time = FirstFunding;
            byte[] tick = ProtocolCodec.ToArray(new Protocol.Commands.Tick(_h.NextHeader()));
            var live = _h.SendFrame(tick);
            var again = replayed.SendFrame(tick);
            var output = new Protocol.Framing.FrameBuffer();
            loaded.Process(tick, output);
            Assert.Equal(2, live.OfType<FundingPayment>().Count());
            Assert.Equal(live.Select(e => e.ToString()), again.Select(e => e.ToString()));
            Assert.Equal(live.Select(e => e.ToString()), Enumerable.Range(0, output.Count).Select(i => MessageDecoder.DecodeAny(output[i]).ToString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

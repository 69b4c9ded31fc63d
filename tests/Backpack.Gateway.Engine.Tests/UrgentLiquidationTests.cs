using Backpack.Gateway.Engine.Liquidation;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using static Backpack.Gateway.Engine.Tests.EngineHarness;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// Stage 1 with the default settings: a step in the command that starts the liquidation and on
/// every mark move (once per command), slices that grow with urgency and are bounded by the depth
/// inside the band. The worked market of <see cref="LiquidationTests"/>: long 90 lots bought at
/// 100.00 on 1,000 USDC, IMF 10%, MMF 5%, so E = 1,000 + 90 x (P - 100), MM = 4.5 x P and the
/// auto-close level max(MM / 2, MM - 6% x 90 x P) = 2.25 x P.
/// </summary>
public class UrgentLiquidationTests
{
    private const int Long = 1, Short = 2, Maker = 3;
    private readonly EngineHarness _h;

    public UrgentLiquidationTests()
    {
        _h = LiquidationTests.WorkedExample(null);
    }

    [Fact]
    public void The_first_slice_goes_out_in_the_command_that_starts_the_liquidation_sized_by_urgency_and_bounded_by_the_band()
    {
        _h.Rest(Maker, Side.Buy, 9_290, 20);
        _h.Rest(Maker, Side.Buy, 9_100, 50);

        var events = _h.Index(9_300); // no tick

        Assert.Single(events.OfType<LiquidationStarted>());
        var slice = events.OfType<OrderAccepted>().Single(a => a.AccountId == Long);
        // At 93.00: E = 370, MM = 418.5, auto-close level 209.25. Urgency = (418.5 - 370) / (418.5 - 209.25)
        // = 23.18%, so the share is 10% + 90% x 23.18% = 30.86%: 28 of 90 lots. The band: ABR = 11.59%,
        // width 11.59% x 1.5 x 5% = 0.8691%, limit 92.20: only the 20 lots bid at 92.90 are inside it
        // (the 91.00 bid is not), so the slice is 20 lots.
        Assert.Equal((20L, 9_220L, Side.Sell), (slice.Quantity, slice.Price, slice.Side));
        var fill = Assert.Single(events.OfType<LiquidationFill>());
        Assert.Equal((9_290L, 20L, LiquidationStage.Book), (fill.Price, fill.Quantity, fill.Stage));
        Assert.Equal(70, _h.Account(Long).Positions[0].Quantity);
    }

    [Fact]
    public void A_mark_move_steps_the_liquidation_without_a_tick_and_only_once_per_command()
    {
        _h.Rest(Maker, Side.Buy, 9_290, 20);
        _h.Index(9_300);
        Assert.Equal(70, _h.Account(Long).Positions[0].Quantity); // collateral 1,000 - 20 x 7.10 - fee 18.58 = 839.42

        // An ask at 93.50 and bids at 91.50 and 91.40 above the next index: the mark is then the best bid,
        // so the step's own fill moves it again within the command.
        _h.Rest(Maker, Side.Sell, 9_350, 5);
        _h.Rest(Maker, Side.Buy, 9_150, 10);
        _h.Rest(Maker, Side.Buy, 9_140, 200);
        var events = _h.Index(9_100);

        Assert.Equal([9_150L, 9_140L], events.OfType<MarkPrice>().Select(m => m.Price));
        // At the mark 91.50: E = 839.42 - 70 x 8.50 = 244.42, MM = 320.25, auto-close level 160.125:
        // urgency 47.36%, share 10% + 90% x 47.36% = 52.6%, 37 of 70 lots; the band reaches 89.88.
        var slice = Assert.Single(events.OfType<OrderAccepted>(), a => a.AccountId == Long);
        Assert.Equal((37L, 8_988L), (slice.Quantity, slice.Price));
        Assert.Equal([(9_150L, 10L), (9_140L, 27L)], events.OfType<LiquidationFill>().Select(f => (f.Price, f.Quantity)));
        Assert.Equal(33, _h.Account(Long).Positions[0].Quantity);
    }

    [Fact]
    public void Nothing_is_sent_while_the_band_holds_no_depth_and_the_backstop_takes_over_after_the_no_fill_time()
    {
        var started = _h.Index(9_300);
        Assert.Single(started.OfType<LiquidationStarted>());
        Assert.DoesNotContain(started, e => e is OrderAccepted { AccountId: Long });
        Assert.DoesNotContain(_h.Tick(), e => e is OrderAccepted { AccountId: Long });

        // A bid outside the band (91.00 < 92.20) changes nothing; 10 s without a fill hands it to the backstop.
        _h.Rest(Maker, Side.Buy, 9_100, 90);
        Assert.DoesNotContain(_h.Tick(), e => e is OrderAccepted { AccountId: Long });
        _h.Time += 10_000_000;
        _h.Index(9_300);
        var events = _h.Tick();
        Assert.Contains(events, e => e is LiquidationFill { Stage: LiquidationStage.Adl });
        Assert.Equal(0, _h.Account(Long).Positions[0].Quantity);
    }

    [Fact]
    public void At_the_trigger_the_least_abr_lets_the_slice_reach_the_touch()
    {
        // Just past maintenance: at 93.50, E = 415, MM = 420.75, ABR = 1.37%: a band of 0.10% (limit 93.41)
        // would miss a bid at 93.40; the least ABR of 10% widens it to 0.75% (limit 92.80).
        _h.Rest(Maker, Side.Buy, 9_340, 5);
        var events = _h.Index(9_350);
        Assert.Single(events.OfType<LiquidationStarted>());
        var slice = events.OfType<OrderAccepted>().Single(a => a.AccountId == Long);
        Assert.Equal(9_280, slice.Price);
        Assert.Equal(5, Assert.Single(events.OfType<LiquidationFill>()).Quantity);
    }

    [Fact]
    public void At_the_auto_close_level_the_book_takes_what_it_can_down_to_the_bankruptcy_price_and_the_backstop_the_rest()
    {
        _h.Deposit(9_000_000, 100_000); // the insurance fund
        _h.Index(9_500); // healthy (MM/E = 427.5 / 550), and 88.00 is inside the market's 10% band
        _h.Rest(Maker, Side.Buy, 9_000, 30);
        _h.Rest(Maker, Side.Buy, 8_800, 50);

        // Straight to 91.00: E = 190 < auto-close level 204.75. Bankruptcy 91 - 190 / 90 = 88.89; the band
        // alone would reach 87.34 (ABR 53.6%), so the 88.00 bid would trade at the fund's expense: the
        // offer stops at 88.89 and takes the 30 lots bid at 90.00; the fund takes the other 60.
        var events = _h.Index(9_100);

        var offer = Assert.Single(events.OfType<OrderAccepted>(), a => a.AccountId == Long);
        Assert.Equal((30L, 8_889L), (offer.Quantity, offer.Price)); // the depth down to 88.89
        var book = Assert.Single(events.OfType<LiquidationFill>(), f => f.Stage == LiquidationStage.Book);
        Assert.Equal((9_000L, 30L), (book.Price, book.Quantity));
        Assert.Equal(60, events.OfType<LiquidationFill>().Where(f => f.Stage == LiquidationStage.Backstop).Sum(f => f.Quantity));
        Assert.Equal(LiquidationOutcome.Bankrupt, Assert.Single(events.OfType<LiquidationEnded>()).Outcome);
        Assert.Equal(50, _h.Engine.GetDepth(1, Side.Buy).Single(l => l.Price == 8_800).Quantity);
        Assert.DoesNotContain(events, e => e is InsuranceFundChanged { Reason: InsuranceFundReason.LiquidationShortfall });
    }

    [Fact]
    public void A_take_over_between_ticks_ranks_the_adl_queue_afresh_and_finds_positions_opened_since()
    {
        // No fund, no provider: a take-over goes to ADL. At 91.00 the long is under its auto-close level (190 < 204.75),
        // taken over in the index command itself, and deleveraged against the short.
        var first = _h.Index(9_100);
        Assert.Contains(first, e => e is AdlNotice { Role: AdlRole.Counterparty, AccountId: Short });
        Assert.Equal(0, _h.Account(Short).Positions[0].Quantity);

        // With no tick in between, a new pair opens at 91.00 and its long falls to its own auto-close level (81.50:
        // 145 < 183.38): the queue ranked in the first command knew no position of account 5.
        _h.Deposit(4, 1_000);
        _h.Deposit(5, 1_000_000);
        _h.Rest(5, Side.Sell, 9_100, 90);
        _h.Limit(4, Side.Buy, 9_100, 90);
        var second = _h.Index(8_150);
        var notice = Assert.Single(second.OfType<AdlNotice>(), n => n.Role == AdlRole.Counterparty);
        Assert.Equal((5, 90L, 1), (notice.AccountId, notice.Quantity, notice.Rank));
        Assert.DoesNotContain(second, e => e is OrderFilled { AccountId: 9_000_000 }); // the fund took nothing beyond its means
        Assert.Equal(0, _h.Account(4).Positions[0].Quantity);
    }

    [Theory]
    [InlineData(418_500_000, 0)]          // at maintenance
    [InlineData(209_250_000, 1_000_000)]  // at the auto-close level
    [InlineData(0, 1_000_000)]            // bankrupt
    [InlineData(-5_000_000, 1_000_000)]
    [InlineData(313_875_000, 500_000)]    // half-way
    public void Urgency_runs_from_maintenance_to_the_auto_close_level(long equity, long expected)
    {
        var f = new MarginFigures(equity, 418_500_000, 8_370_000_000);
        long level = LiquidationMath.BackstopLevel(f, 500_000, 60_000);
        Assert.Equal(209_250_000, level);
        Assert.Equal(expected, LiquidationMath.Urgency(f, level));
    }

    [Fact]
    public void Urgency_never_falls_as_equity_falls_and_the_slice_grows_with_it()
    {
        var limits = new LiquidationLimits(new LiquidationOptions());
        long lastUrgency = -1, lastLots = -1;
        for (long equity = 500_000_000; equity >= -100_000_000; equity -= 1_000_000)
        {
            var f = new MarginFigures(equity, 418_500_000, 8_370_000_000);
            long urgency = LiquidationMath.Urgency(f, LiquidationMath.BackstopLevel(f, 500_000, 60_000));
            long lots = LiquidationMath.SliceQuantity(90, 8_370_000_000, 93_000_000, urgency, long.MaxValue, limits);
            Assert.InRange(urgency, Math.Max(0, lastUrgency), 1_000_000);
            Assert.InRange(lots, Math.Max(1, lastLots), 90);
            lastUrgency = urgency;
            lastLots = lots;
        }
        Assert.Equal(90, lastLots); // the whole position at urgency 1
        Assert.Equal(7, LiquidationMath.SliceQuantity(90, 8_370_000_000, 93_000_000, 1_000_000, 7, limits)); // bounded by the band's depth
        Assert.Equal(0, LiquidationMath.SliceQuantity(90, 8_370_000_000, 93_000_000, 1_000_000, 0, limits));
    }
}

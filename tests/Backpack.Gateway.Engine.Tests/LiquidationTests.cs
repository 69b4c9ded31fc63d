using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using MarketDefinition = Backpack.Gateway.Protocol.Markets.MarketDefinition;
using static Backpack.Gateway.Engine.Tests.EngineHarness;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// Each liquidation stage on a worked example with hand-computed numbers. The market: ticks of
/// 0.01 USDC, lots of 1 unit (10,000 micro-USDC per tick x lot), IMF 10%, MMF 5%, no trading fees.
/// Account 1 is long 90 lots bought at 100.00 on 1,000 USDC of collateral; account 2 is the short.
/// The engine runs stage 1 as the reference describes it (a step per tick, fixed slices, the band
/// from ABR alone); <see cref="UrgentLiquidationTests"/> covers the steps on mark moves and the
/// urgency-sized slices of the defaults.
/// </summary>
public class LiquidationTests
{
    private const int Long = 1, Short = 2, Maker = 3, ProviderA = 4, ProviderB = 5;
    private readonly EngineHarness _h;

    public LiquidationTests()
    {
        _h = WorkedExample(ReferenceStageOne());
    }

    /// <summary>The worked example: the long's 90 lots bought from the short at 100.00; the maker funded.</summary>
    internal static EngineHarness WorkedExample(EngineOptions? options)
    {
        var h = new EngineHarness([Market()], options);
        h.Index(10_000);
        h.Deposit(Long, 1_000);
        h.Deposit(Short, 1_000_000);
        h.Deposit(Maker, 1_000_000);
        h.Rest(Short, Side.Sell, 10_000, 90);
        h.Limit(Long, Side.Buy, 10_000, 90);
        return h;
    }

    /// <summary>Stage 1 exactly as the reference describes it: steps on ticks only, fixed slices, no least ABR.</summary>
    public static EngineOptions ReferenceStageOne() => new() { Liquidation = LiquidationOptions.Reference() };

    public static MarketDefinition Market() => new()
    {
        Symbol = "LIQ_USDC_PERP",
        TickSize = 0.01m,
        StepSize = 1m,
        MinQuantity = 1m,
        MaxQuantity = 1_000_000m,
        PriceBand = 0.10m,
        MakerFee = 0,
        TakerFee = 0,
        BaseImf = 0.10m,
        ImfFactor = 0,
        BaseMmf = 0.05m,
        MmfFactor = 0,
    };

    [Fact]
    public void Margin_call_at_80_percent_then_liquidation_at_maintenance()
    {
        // E = 1,000 + 90 x (P - 100), MM = 5% x 90 x P: MM/E = 0.8 at P = 94.81, 1 at P = 93.57.
        Assert.Empty(_h.Index(9_500).OfType<MarginCall>());

        var call = Assert.Single(_h.Index(9_400).OfType<MarginCall>());
        Assert.Equal((Long, 460 * Usdc, 423 * Usdc), (call.AccountId, call.Equity, call.MaintenanceMargin));
        Assert.Equal(919_566, call.MarginRatio); // 423 / 460, rounded up
        Assert.Empty(_h.Index(9_380).OfType<MarginCall>()); // called once per crossing

        var started = Assert.Single(_h.Index(9_300).OfType<LiquidationStarted>());
        Assert.Equal((Long, 370 * Usdc, 418_500_000L), (started.AccountId, started.Equity, started.MaintenanceMargin));
        Assert.Equal(1_131_082, started.MarginRatio);   // 418.5 / 370
        Assert.Equal(44_205, started.MarginFraction);   // 370 / 8,370
        Assert.True(_h.Account(Long).Liquidating);
    }

    [Fact]
    public void Liquidation_cancels_resting_orders_and_refuses_new_exposure()
    {
        long order = _h.Rest(Long, Side.Sell, 10_500, 10);
        var events = _h.Index(9_300);
        var canceled = Assert.Single(events.OfType<OrderCanceled>());
        Assert.Equal((order, CancelReason.Liquidation), (canceled.OrderId, canceled.Reason));

        Assert.Equal(RejectReason.AccountLiquidating, _h.Limit(Long, Side.Buy, 9_000, 1).OfType<OrderRejected>().Single().Reason);
        Assert.Contains(_h.Limit(Long, Side.Sell, 9_400, 5), e => e is OrderAccepted); // reducing is allowed
        Assert.Equal(RejectReason.AccountLiquidating, _h.Withdraw(Long, 1).OfType<CommandRejected>().Single().Reason);
    }

    [Fact]
    public void A_stage_one_slice_has_the_reference_size_band_bankruptcy_price_and_fee()
    {
        _h.Index(9_300);
        _h.Rest(Maker, Side.Buy, 9_300, 20);
        _h.Rest(Maker, Side.Buy, 9_200, 50);

        var events = _h.Tick();

        // Slice: 10% of 90 = 9 lots, but at least 1,000 USDC of notional = ceil(1,000 / 93) = 11 lots.
        var slice = events.OfType<OrderAccepted>().Single(a => a.AccountId == Long);
        Assert.Equal((11L, Side.Sell, OrderOrigin.LiquidationAutoclose, TimeInForce.Ioc, OrderFlags.ReduceOnly),
            (slice.Quantity, slice.Side, slice.Origin, slice.TimeInForce, slice.Flags));
        // Band: ABR = 1 - 370 / 418.5 = 11.59%; width = ABR x 1.5 x MMF 5% = 0.8691%; 93 x (1 - 0.8691%) = 92.19,
        // so the 92.00 bid is out of reach and only the 93.00 bid trades.
        Assert.Equal(9_220, slice.Price);
        var fill = Assert.Single(events.OfType<LiquidationFill>());
        // Bankruptcy price: 93 - 370 / 90 = 88.888..., rounded up to 88.89.
        Assert.Equal((LiquidationStage.Book, 9_300L, 11L, 8_889L), (fill.Stage, fill.Price, fill.Quantity, fill.BankruptcyPrice));
        // Fee: min(1% x 1,023 = 10.23, surplus (93.00 - 88.89) x 11 = 45.21) = 10.23 USDC, to the fund.
        Assert.Equal(10_230_000, fill.Fee);
        Assert.Equal(Maker, fill.CounterpartyAccountId);
        var fund = events.OfType<InsuranceFundChanged>().Single();
        Assert.Equal((InsuranceFundReason.LiquidationFee, 10_230_000L, 10_230_000L), (fund.Reason, fund.Change, fund.Balance));
        var filled = events.OfType<OrderFilled>().Single(f => f.AccountId == Long);
        Assert.Equal((OrderOrigin.LiquidationAutoclose, 0L), (filled.Origin, filled.Fee));
        Assert.Contains(events, e => e is Trade t && t.Origin == OrderOrigin.LiquidationAutoclose);
        Assert.Equal(1_000 * Usdc - 77 * Usdc - 10_230_000, _h.Account(Long).Collateral); // realized (93 - 100) x 11
    }

    [Fact]
    public void Forced_fills_carry_their_stage_and_the_positions_they_changed_name_the_liquidation()
    {
        long liquidationId = _h.Index(9_300).OfType<LiquidationStarted>().Single().LiquidationId;
        _h.Rest(Maker, Side.Buy, 9_300, 20);
        var events = _h.Tick();

        // Stage 1 on the book: the liquidated side says Book; the maker's fill is an ordinary one.
        var liquidated = events.OfType<OrderFilled>().Single(f => f.AccountId == Long);
        var maker = events.OfType<OrderFilled>().Single(f => f.AccountId == Maker);
        Assert.Equal((liquidationId, LiquidationStage.Book), (liquidated.LiquidationId, liquidated.Stage));
        Assert.Equal((0L, LiquidationStage.None), (maker.LiquidationId, maker.Stage));
        var positions = events.OfType<PositionChanged>().ToDictionary(p => p.AccountId);
        Assert.Equal(liquidationId, positions[Long].LiquidationId);
        Assert.Equal(0, positions[Maker].LiquidationId);

        // The next change of the same position by the account's own (reducing) order names no liquidation.
        _h.Rest(Maker, Side.Buy, 9_300, 1);
        var own = _h.Limit(Long, Side.Sell, 9_300, 1);
        Assert.Equal((0L, LiquidationStage.None), own.OfType<OrderFilled>().Where(f => f.AccountId == Long).Select(f => (f.LiquidationId, f.Stage)).Single());
        Assert.Equal(0, own.OfType<PositionChanged>().Single(p => p.AccountId == Long).LiquidationId);
    }

    [Fact]
    public void Backstop_and_adl_fills_name_their_stage_on_both_sides_and_on_every_position_they_changed()
    {
        _h.Deposit(9_000_000, 3_000);
        _h.Index(9_100);
        var events = _h.Tick();
        long liquidationId = events.OfType<LiquidationFill>().First().LiquidationId;

        var fills = events.OfType<OrderFilled>().ToList();
        Assert.All(fills.Where(f => f.AccountId == 9_000_000), f => Assert.Equal((liquidationId, LiquidationStage.Backstop), (f.LiquidationId, f.Stage)));
        Assert.All(fills.Where(f => f.AccountId == Short), f => Assert.Equal((liquidationId, LiquidationStage.Adl), (f.LiquidationId, f.Stage)));
        Assert.Equal([LiquidationStage.Backstop, LiquidationStage.Adl], fills.Where(f => f.AccountId == Long).Select(f => f.Stage));
        var positions = events.OfType<PositionChanged>().ToList();
        Assert.Equal([Long, Short, 9_000_000], positions.Select(p => p.AccountId).Order());
        Assert.All(positions, p => Assert.Equal(liquidationId, p.LiquidationId));
    }

    [Fact]
    public void Book_liquidation_stops_once_the_ratio_is_under_98_percent()
    {
        _h.Index(9_300);
        _h.Rest(Maker, Side.Buy, 9_300, 20);
        _h.Tick(); // 11 lots at 93.00: MM/E = 367.35 / 359.77 = 1.021
        var second = _h.Tick(); // 9 lots (all the bid left) at 93.00: MM/E = 325.5 / 351.40 = 0.926
        Assert.Equal(9, second.OfType<LiquidationFill>().Single().Quantity);
        Assert.Equal(8_370_000, second.OfType<LiquidationFill>().Single().Fee); // 1% x 837

        var ended = Assert.Single(_h.Tick().OfType<LiquidationEnded>());
        Assert.Equal(LiquidationOutcome.Partial, ended.Outcome);
        Assert.False(_h.Account(Long).Liquidating);
        Assert.Equal(70, _h.Account(Long).Positions[0].Quantity);
    }

    [Fact]
    public void A_price_recovery_before_any_slice_averts_the_liquidation()
    {
        _h.Index(9_300);
        _h.Index(9_800);
        Assert.Equal(LiquidationOutcome.Averted, _h.Tick().OfType<LiquidationEnded>().Single().Outcome);
        Assert.Equal(90, _h.Account(Long).Positions[0].Quantity);
    }

    [Fact]
    public void Ten_seconds_without_a_fill_hands_the_position_to_backstop_providers_pro_rata()
    {
        _h.Deposit(ProviderA, 1_000_000);
        _h.Deposit(ProviderB, 1_000_000);
        _h.Send(new RegisterBackstopProvider(_h.NextHeader(), ProviderA, 20_000 * Usdc, 100_000 * Usdc));
        _h.Send(new RegisterBackstopProvider(_h.NextHeader(), ProviderB, 10_000 * Usdc, 100_000 * Usdc));
        _h.Index(9_300);
        for (int s = 1; s <= 9; s++)
        {
            _h.Time += 1_000_000;
            _h.Index(9_300);
            Assert.Empty(_h.Tick().OfType<LiquidationFill>()); // an empty book: nothing fills
        }
        _h.Time += 1_000_000;
        _h.Index(9_300);
        var events = _h.Tick();

        var fills = events.OfType<LiquidationFill>().ToList();
        Assert.All(fills, f => Assert.Equal(LiquidationStage.Backstop, f.Stage));
        // Capacity 2:1 -> 60 and 30 lots of the 90.
        Assert.Equal([(ProviderA, 60L), (ProviderB, 30L)], fills.Select(f => (f.CounterpartyAccountId, f.Quantity)));
        Assert.Equal(LiquidationOutcome.Bankrupt, events.OfType<LiquidationEnded>().Single().Outcome);
        Assert.Empty(events.OfType<Trade>()); // off book: no public trade print
        Assert.All(fills, f => Assert.True(f.TradeId > 0));
        Assert.Equal(60, _h.Account(ProviderA).Positions[0].Quantity);
        Assert.Equal(30, _h.Account(ProviderB).Positions[0].Quantity);
    }

    [Fact]
    public void Providers_take_over_at_two_thirds_bankruptcy_plus_one_third_mark_kept_within_one_percent()
    {
        _h.Deposit(ProviderA, 1_000_000);
        _h.Send(new RegisterBackstopProvider(_h.NextHeader(), ProviderA, 1_000_000 * Usdc, 1_000_000 * Usdc));
        // Deep enough that MF < ACMF = max(MMF / 2, MMF - 6%) = 2.5%: at 91.00, E = 190, N = 8,190, MF = 2.32%.
        _h.Index(9_100);
        var events = _h.Tick();

        var fill = events.OfType<LiquidationFill>().Single();
        // Bankruptcy: 91 - 190 / 90 = 88.888..., rounded up to 88.89. Provider: (2 x 88.89 + 91) / 3 = 89.593...,
        // rounded up to 89.60, then raised to the 1% band floor 91 x 0.99 = 90.09.
        Assert.Equal((8_889L, 8_889L, 90L), (fill.BankruptcyPrice, fill.Price, fill.Quantity));
        var providerFill = events.OfType<OrderFilled>().Single(f => f.AccountId == ProviderA);
        Assert.Equal((9_009L, Side.Buy, OrderOrigin.BackstopLiquidityProvider), (providerFill.Price, providerFill.Side, providerFill.Origin));
        // The fund keeps the difference: (90.09 - 88.89) x 90 = 108 USDC.
        var share = events.OfType<InsuranceFundChanged>().Single(c => c.Reason == InsuranceFundReason.BackstopShare);
        Assert.Equal(108 * Usdc, share.Change);
        // The liquidated account closed at its bankruptcy price: its equity is (about) zero.
        Assert.InRange(_h.Account(Long).Equity, 0, 90 * 10_000);
    }

    [Fact]
    public void Without_providers_the_fund_takes_over_within_its_limit_and_adl_closes_the_rest()
    {
        // The fund holds 3,000 USDC: its net notional may reach 3,000, i.e. 32 lots at 91.00.
        _h.Deposit(9_000_000, 3_000);
        _h.Index(9_100);
        var events = _h.Tick();

        var fills = events.OfType<LiquidationFill>().ToList();
        var byFund = fills.Single(f => f.Stage == LiquidationStage.Backstop);
        Assert.Equal((9_000_000, 32L, 8_889L), (byFund.CounterpartyAccountId, byFund.Quantity, byFund.Price));
        var adl = fills.Single(f => f.Stage == LiquidationStage.Adl);
        Assert.Equal((Short, 58L, 8_889L), (adl.CounterpartyAccountId, adl.Quantity, adl.Price));
        var notices = events.OfType<AdlNotice>().ToList();
        Assert.Equal([(Long, AdlRole.Liquidated, Side.Sell), (Short, AdlRole.Counterparty, Side.Buy)],
            notices.Select(n => (n.AccountId, n.Role, n.Side)));
        Assert.Equal(32, _h.Account(9_000_000).Positions[0].Quantity);
        Assert.Equal(-32, _h.Account(Short).Positions[0].Quantity);
        Assert.Contains(events.OfType<OrderFilled>(), f => f.AccountId == Short && f.Origin == OrderOrigin.AdlAutoclose && f.Fee == 0);
    }

    [Fact]
    public void The_fund_unwinds_what_it_took_over_on_the_book()
    {
        _h.Deposit(9_000_000, 10_000);
        _h.Index(9_100);
        _h.Tick(); // the fund takes the 90 lots at 88.89
        _h.Rest(Maker, Side.Buy, 9_100, 100);
        var events = _h.Tick();
        var slice = events.OfType<OrderAccepted>().Single(a => a.AccountId == 9_000_000);
        Assert.Equal((Side.Sell, 11L, OrderOrigin.LiquidationAutoclose), (slice.Side, slice.Quantity, slice.Origin));
        Assert.Equal(79, _h.Account(9_000_000).Positions[0].Quantity);
        // Sold at 91.00 what it bought at 88.89: +23.21 USDC of take-over PnL.
        var pnl = events.OfType<InsuranceFundChanged>().Single(c => c.Reason == InsuranceFundReason.TakeoverPnl);
        Assert.Equal(23_210_000, pnl.Change);
    }

    [Fact]
    public void Adl_takes_the_most_profitable_most_leveraged_counterparty_first()
    {
        // Three more shorts of 10 lots each: the same PnL, different equity (so leverage).
        var h = new EngineHarness([Market()], ReferenceStageOne());
        h.Index(10_000);
        h.Deposit(Long, 1_000);
        h.Deposit(Maker, 1_000_000);
        foreach (var (account, usdc) in new[] { (10, 10_000), (11, 200), (12, 1_000) })
        {
            h.Deposit(account, usdc);
            h.Rest(Maker, Side.Buy, 10_000, 10);
            h.Limit(account, Side.Sell, 10_000, 10);
        }
        h.Deposit(Short, 1_000_000);
        h.Rest(Short, Side.Sell, 10_000, 90);
        h.Limit(Long, Side.Buy, 10_000, 90);
        h.Send(new CancelAll(h.NextHeader(), Maker, 0));
        // Maker is long 30 (its bids filled); Short is short 90. Shorts in profit after the drop.
        h.Index(9_100);
        var events = h.Tick();
        var order = events.OfType<AdlNotice>().Where(n => n.Role == AdlRole.Counterparty).Select(n => (n.AccountId, n.Quantity)).ToList();
        // Scores = PnL% x leverage: account 11 (200 USDC, 5.26x at 91) > 12 > 10; Short (1,000,000 USDC) last.
        Assert.Equal([(11, 10L), (12, 10L), (10, 10L), (Short, 60L)], order);
    }

    [Fact]
    public void Adl_trims_the_counterpartys_reduce_only_orders()
    {
        long reduceOnly = _h.Rest(Short, Side.Buy, 9_000, 90, flags: OrderFlags.ReduceOnly);
        _h.Index(9_100);
        var events = _h.Tick(); // no fund, no providers: all 90 lots deleveraged against the short
        Assert.Equal(90, events.OfType<LiquidationFill>().Where(f => f.Stage == LiquidationStage.Adl).Sum(f => f.Quantity));
        var canceled = events.OfType<OrderCanceled>().Single(c => c.OrderId == reduceOnly);
        Assert.Equal(CancelReason.ReduceOnly, canceled.Reason);
    }

    [Fact]
    public void A_stale_mark_pauses_the_liquidation()
    {
        _h.Index(9_300);
        _h.Rest(Maker, Side.Buy, 9_300, 20);
        _h.Time += 6_000_000; // no index for 6 s > 5 s
        Assert.Empty(_h.Tick().OfType<LiquidationFill>());
        _h.Index(9_300);
        Assert.Single(_h.Tick().OfType<LiquidationFill>());
    }

    [Fact]
    public void A_gap_through_the_bankruptcy_price_is_paid_by_the_fund_and_nobody_is_left_negative()
    {
        _h.Deposit(9_000_000, 100_000);
        _h.Index(9_300); // liquidating
        _h.Index(8_000); // gap: E = 1,000 - 1,800 = -800
        var events = _h.Tick();
        Assert.Equal(LiquidationOutcome.Bankrupt, events.OfType<LiquidationEnded>().Single().Outcome);
        var a = _h.Account(Long);
        Assert.Equal(0, a.Positions[0].Quantity);
        Assert.True(a.Collateral >= 0, $"collateral {a.Collateral}");
        // The fund took the 90 lots at the bankruptcy price 88.89 with the mark at 80: it carries the loss.
        Assert.Equal(100_000 * Usdc - 90 * 889 * 10_000, _h.Account(9_000_000).Equity);
    }

    [Fact]
    public void After_a_gap_with_no_fund_adl_leaves_nobody_negative_and_the_counterparty_takes_the_bankruptcy_price()
    {
        _h.Index(9_300);
        _h.Index(8_000); // E = -800: bankruptcy price 88.89, above the mark
        var events = _h.Tick();
        var adl = events.OfType<LiquidationFill>().Single();
        Assert.Equal((LiquidationStage.Adl, 8_889L, 90L), (adl.Stage, adl.Price, adl.Quantity));
        Assert.InRange(_h.Account(Long).Collateral, 0, 90 * 10_000); // zero, give or take the rounding
        // The short bought back at 88.89, not at the 80.00 mark: it gave up 8.89 x 90 of its profit.
        Assert.Equal((100 * 100 - 8_889) * 90 * 10_000L, _h.Account(Short).Positions[0].RealizedPnl);
    }

    [Fact]
    public void A_book_fill_below_the_bankruptcy_price_with_an_empty_fund_leaves_unsettled_equity_that_blocks_withdrawals()
    {
        // 9 lots on 100 USDC: at 91.30, E = 21.70, MM = 41.09, MF = 2.64% (above the 2.5% backstop line), so stage 1 runs.
        var h = new EngineHarness([Market()]);
        h.Index(10_000);
        h.Deposit(Long, 100);
        h.Deposit(Short, 1_000_000);
        h.Deposit(Maker, 1_000_000);
        h.Rest(Short, Side.Sell, 10_000, 9);
        h.Limit(Long, Side.Buy, 10_000, 9);
        h.Index(9_130);
        h.Rest(Maker, Side.Buy, 8_810, 9);

        var events = h.Tick();

        // The slice is the whole position (under the 1,000 USDC minimum); the band reaches 88.07; it fills
        // at 88.10, under the bankruptcy price 88.89: a shortfall of 0.79 x 9 = 7.11 USDC that the empty fund cannot pay.
        var fill = events.OfType<LiquidationFill>().Single();
        Assert.Equal((8_810L, 9L, 8_889L, 0L), (fill.Price, fill.Quantity, fill.BankruptcyPrice, fill.Fee));
        Assert.Equal(7_110_000, h.Engine.Liquidations.LargestShortfall);
        Assert.Equal(LiquidationOutcome.Bankrupt, h.Tick().OfType<LiquidationEnded>().Single().Outcome); // closed with negative equity
        var a = h.Account(Long);
        Assert.Equal(100 * Usdc - 107_100_000, a.Collateral); // (88.10 - 100) x 9 = -107.10
        Assert.Equal(RejectReason.UnsettledEquity, h.Withdraw(Long, 1).OfType<CommandRejected>().Single().Reason);
        long liquidationId = Assert.Single(h.Log.OfType<LiquidationStarted>(), l => l.AccountId == Long).LiquidationId;

        // Deposits pay the debt off in plain sight: each says how much of it went to the deficit, of which liquidation, and what is left.
        var first = h.Deposit(Long, 5);
        Assert.Equal(a.Collateral + 5 * Usdc, first.OfType<BalanceChanged>().Single().Balance);
        var covered = first.OfType<UnsettledEquityCovered>().Single();
        Assert.Equal((Long, liquidationId, 5 * Usdc, 2_100_000L), (covered.AccountId, covered.LiquidationId, covered.Covered, covered.Remaining));
        Assert.Equal(RejectReason.UnsettledEquity, h.Withdraw(Long, 1).OfType<CommandRejected>().Single().Reason);
        var second = h.Deposit(Long, 10).OfType<UnsettledEquityCovered>().Single();
        Assert.Equal((liquidationId, 2_100_000L, 0L), (second.LiquidationId, second.Covered, second.Remaining));
        Assert.Equal(7_900_000, h.Account(Long).Collateral);
        Assert.DoesNotContain(h.Deposit(Long, 1), e => e is UnsettledEquityCovered); // settled: a plain deposit again
        Assert.Contains(h.Withdraw(Long, 1 * Usdc), e => e is BalanceChanged);
    }
}

using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using static Backpack.Gateway.Engine.Tests.EngineHarness;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>Positions, PnL, fees, deposits, withdrawals and the pre-trade margin check, with hand-computed numbers.</summary>
public class AccountTests
{
    private readonly EngineHarness _h = new();

    public AccountTests() => _h.Index(100);

    [Fact]
    public void Fees_and_realized_pnl_of_a_round_trip()
    {
        _h.Deposit(1, 10_000);
        _h.Deposit(2, 10_000);
        _h.Deposit(3, 10_000);

        _h.Rest(1, Side.Sell, 100, 10);
        var open = _h.Limit(2, Side.Buy, 100, 10);
        // Notional 1,000 USDC: maker fee 2 bp = 0.20, taker fee 5 bp = 0.50.
        Assert.Equal([200_000L, 500_000L], open.OfType<OrderFilled>().Select(f => f.Fee));
        Assert.Equal(10_000 * Usdc - 200_000, _h.Account(1).Collateral);
        Assert.Equal(10_000 * Usdc - 500_000, _h.Account(2).Collateral);
        Assert.Equal((-10L, -1_000 * Usdc), (_h.Account(1).Positions[0].Quantity, _h.Account(1).Positions[0].Cost));

        _h.Index(110);
        _h.Rest(3, Side.Buy, 110, 10);
        var close = _h.Limit(2, Side.Sell, 110, 10);
        // Realized +100 (sold at 110 what cost 100); taker fee on 1,100 = 0.55.
        var a2 = _h.Account(2);
        Assert.Equal(0, a2.Positions[0].Quantity);
        Assert.Equal(100 * Usdc, a2.Positions[0].RealizedPnl);
        Assert.Equal(10_000 * Usdc - 500_000 + 100 * Usdc - 550_000, a2.Collateral);
        Assert.Equal(1_050_000, a2.FeesPaid);
        var position = close.OfType<PositionChanged>().Single(p => p.AccountId == 2);
        Assert.Equal((0L, 0L, 100 * Usdc), (position.Quantity, position.EntryNotional, position.RealizedPnl));
        Assert.Equal(200_000 + 500_000 + 220_000 + 550_000, _h.Engine.FeeIncome);
    }

    [Fact]
    public void Entry_price_averages_and_a_partial_close_realizes_against_it()
    {
        var h = new EngineHarness([TestMarkets.NoFees()]);
        h.Index(100);
        h.Deposit(1, 10_000);
        h.Deposit(2, 10_000);
        h.Rest(2, Side.Sell, 100, 1);
        h.Limit(1, Side.Buy, 100, 1);
        h.Index(110);
        h.Rest(2, Side.Sell, 110, 1);
        h.Limit(1, Side.Buy, 110, 1);
        Assert.Equal((2L, 210 * Usdc), (h.Account(1).Positions[0].Quantity, h.Account(1).Positions[0].Cost)); // entry 105

        h.Index(120);
        h.Rest(2, Side.Buy, 120, 1);
        h.Limit(1, Side.Sell, 120, 1);
        Assert.Equal(15 * Usdc, h.Account(1).Positions[0].RealizedPnl);
        Assert.Equal(105 * Usdc, h.Account(1).Positions[0].Cost);
    }

    [Fact]
    public void Partial_closes_round_against_the_account_and_the_last_close_settles_exactly()
    {
        // BTC units: 1 tick x 1 lot = 1 micro-USDC, so a cost basis of 21 micro-USDC over 2 lots is not divisible.
        var market = TestMarkets.Btc();
        market.MakerFee = market.TakerFee = 0;
        var h = new EngineHarness([market]);
        h.Index(1_000_000); // 100,000.0 USDC
        h.Deposit(1, 1_000);
        h.Deposit(2, 1_000);
        h.Rest(2, Side.Sell, 1_000_000, 1);
        h.Limit(1, Side.Buy, 1_000_000, 1);
        h.Rest(2, Side.Sell, 1_000_001, 1);
        h.Limit(1, Side.Buy, 1_000_001, 1);
        Assert.Equal(2_000_001, h.Account(1).Positions[0].Cost);

        h.Rest(2, Side.Buy, 1_000_000, 2);
        h.Limit(1, Side.Sell, 1_000_000, 1);
        // Half the cost basis is 1,000,000.5: the close takes 1,000,001 (rounded up), realizing -1 not -0.5.
        Assert.Equal(-1, h.Account(1).Positions[0].RealizedPnl);
        h.Limit(1, Side.Sell, 1_000_000, 1);
        // The last close takes exactly what is left: over the position's life -1 = 2,000,000 - 2,000,001.
        Assert.Equal((0L, 0L, -1L), (h.Account(1).Positions[0].Quantity, h.Account(1).Positions[0].Cost, h.Account(1).Positions[0].RealizedPnl));
        Assert.Equal(1_000 * Usdc - 1, h.Account(1).Collateral);
    }

    [Fact]
    public void An_order_that_takes_initial_margin_to_equity_is_rejected()
    {
        _h.Deposit(1, 1_000);
        // IMF 10%: 99 @ 100 needs 990 of initial margin against 1,000 of equity.
        Assert.NotEmpty(_h.Limit(1, Side.Buy, 100, 99).OfType<OrderAccepted>());
        // One more would need exactly 1,000: IM / E = 1 is rejected.
        var rejected = _h.Limit(1, Side.Buy, 100, 1).OfType<OrderRejected>().Single();
        Assert.Equal(RejectReason.InsufficientMargin, rejected.Reason);
    }

    [Fact]
    public void Orders_on_the_other_side_do_not_add_exposure_and_need_no_extra_margin()
    {
        _h.Deposit(1, 1_000);
        _h.Rest(1, Side.Buy, 100, 99);
        // A sell of the same size is the other side of the worst case: it does not raise exposure.
        Assert.NotEmpty(_h.Limit(1, Side.Sell, 101, 99).OfType<OrderAccepted>());
    }

    [Fact]
    public void An_under_margined_account_may_still_reduce_its_position()
    {
        _h.Deposit(1, 1_000);
        _h.Deposit(2, 100_000);
        _h.Rest(2, Side.Sell, 100, 90);
        _h.Limit(1, Side.Buy, 100, 90);
        _h.Index(95); // equity ~ 1,000 - 450 = 550; IM = 90 x 95 x 10% = 855 > equity

        Assert.Equal(RejectReason.InsufficientMargin, _h.Limit(1, Side.Buy, 95, 1).OfType<OrderRejected>().Single().Reason);
        Assert.NotEmpty(_h.Limit(1, Side.Sell, 96, 10).OfType<OrderAccepted>());
        Assert.NotEmpty(_h.Limit(1, Side.Sell, 97, 10, flags: OrderFlags.ReduceOnly).OfType<OrderAccepted>());
    }

    [Fact]
    public void Withdrawal_is_limited_to_collateral_free_of_initial_margin()
    {
        _h.Deposit(1, 1_000);
        _h.Rest(1, Side.Buy, 100, 50); // IM 500
        Assert.Equal(RejectReason.InsufficientFunds, _h.Withdraw(1, 500 * Usdc + 1).OfType<CommandRejected>().Single().Reason);
        var ok = _h.Withdraw(1, 500 * Usdc).OfType<BalanceChanged>().Single();
        Assert.Equal((-500 * Usdc, 500 * Usdc), (ok.Change, ok.Balance));
    }

    [Fact]
    public void Unrealized_profit_cannot_be_withdrawn()
    {
        _h.Deposit(1, 100);
        _h.Deposit(2, 100_000);
        _h.Rest(2, Side.Sell, 100, 1);
        _h.Limit(1, Side.Buy, 100, 1); // collateral 99.95 after the taker fee
        _h.Index(200);                 // equity 199.95, IM 20: free 179.95, but only 99.95 is collateral
        Assert.Equal(RejectReason.InsufficientFunds, _h.Withdraw(1, 99_950_001).OfType<CommandRejected>().Single().Reason);
        Assert.NotEmpty(_h.Withdraw(1, 99_950_000).OfType<BalanceChanged>());
    }

    [Fact]
    public void Deposits_open_accounts_and_bad_amounts_are_rejected()
    {
        var first = _h.Deposit(7, 5).OfType<BalanceChanged>().Single();
        Assert.Equal((7, 5 * Usdc, BalanceChangeReason.Deposit), (first.AccountId, first.Balance, first.Reason));
        Assert.Equal(RejectReason.InvalidAmount, _h.Send(new Protocol.Commands.Deposit(_h.NextHeader(), 7, 0)).OfType<CommandRejected>().Single().Reason);
        Assert.Equal(RejectReason.InvalidAmount, _h.Withdraw(7, -1).OfType<CommandRejected>().Single().Reason);
        Assert.Equal(RejectReason.UnknownAccount, _h.Withdraw(8, 1).OfType<CommandRejected>().Single().Reason);
    }

    [Fact]
    public void Reduce_only_orders_cannot_open_or_flip_a_position()
    {
        _h.Deposit(1, 10_000);
        _h.Deposit(2, 10_000);
        Assert.Equal(RejectReason.ReduceOnlyNotReducing, _h.Limit(1, Side.Sell, 100, 1, flags: OrderFlags.ReduceOnly).OfType<OrderRejected>().Single().Reason);

        _h.Rest(2, Side.Sell, 100, 3);
        _h.Limit(1, Side.Buy, 100, 3); // long 3
        _h.Rest(2, Side.Buy, 99, 10);
        var events = _h.Limit(1, Side.Sell, 99, 10, flags: OrderFlags.ReduceOnly);
        // Only the 3 it holds can be sold; the rest is canceled, never a short.
        Assert.Equal(3, events.OfType<Trade>().Sum(t => t.Quantity));
        Assert.Equal(CancelReason.ReduceOnly, events.OfType<OrderCanceled>().Single().Reason);
        Assert.Equal(0, _h.Account(1).Positions[0].Quantity);
    }

    [Fact]
    public void Resting_reduce_only_orders_are_trimmed_when_the_position_shrinks()
    {
        _h.Deposit(1, 10_000);
        _h.Deposit(2, 10_000);
        _h.Rest(2, Side.Sell, 100, 5);
        _h.Limit(1, Side.Buy, 100, 5); // long 5
        long older = _h.Rest(1, Side.Sell, 105, 3, flags: OrderFlags.ReduceOnly);
        long newer = _h.Rest(1, Side.Sell, 106, 2, flags: OrderFlags.ReduceOnly);

        _h.Rest(2, Side.Buy, 99, 2);
        var events = _h.Limit(1, Side.Sell, 99, 2); // position now 3: only 3 may stay reduce-only

        var cut = events.OfType<OrderCanceled>().Single();
        Assert.Equal((newer, CancelReason.ReduceOnly), (cut.OrderId, cut.Reason));
        Assert.Equal(older, Assert.Single(_h.Engine.GetOpenOrders(1)).OrderId);

        _h.Rest(2, Side.Buy, 99, 1);
        var trim = _h.Limit(1, Side.Sell, 99, 1).OfType<OrderReplaced>().Single(); // position 2
        Assert.Equal((older, 2L, ReplaceReason.ReduceOnlyTrim, true), (trim.OrderId, trim.LeavesQuantity, trim.Reason, trim.PriorityKept));
    }
}

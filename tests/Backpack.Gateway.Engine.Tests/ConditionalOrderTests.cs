using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using MarketDefinition = Backpack.Gateway.Protocol.Markets.MarketDefinition;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>Trigger orders and stop-loss / take-profit legs (docs/trigger-orders.md), on a market with whole lots, 0.01 ticks and no fees.</summary>
public class ConditionalOrderTests
{
    private const int Trader = 1, Other = 2, Maker = 3;
    private readonly EngineHarness _h;

    public ConditionalOrderTests()
    {
        _h = new EngineHarness([Market()]);
        _h.Index(10_000); // 100.00
        _h.Deposit(Trader, 100_000);
        _h.Deposit(Other, 100_000);
        _h.Deposit(Maker, 10_000_000);
    }

    public static MarketDefinition Market() => new()
    {
        Symbol = "TRG_USDC_PERP",
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
    };

    private List<object> Trigger(int account, Side side, long trigger, long quantity, OrderType type = OrderType.Market, long price = 0,
        TriggerSource by = TriggerSource.MarkPrice, OrderFlags flags = OrderFlags.ReduceOnly, long clientOrderId = 0,
        long stopLoss = 0, long takeProfit = 0) =>
        _h.Send(new NewTriggerOrder(_h.NextHeader(), account, 1, clientOrderId, side, type, type == OrderType.Market ? TimeInForce.Ioc : TimeInForce.Gtc,
            price, quantity, flags, SelfTradePrevention.RejectTaker, trigger, by, stopLoss, 0, TriggerSource.MarkPrice, takeProfit, 0, TriggerSource.MarkPrice));

    private List<object> WithExits(int account, Side side, long price, long quantity, long stopLoss, long takeProfit, long stopLossLimit = 0) =>
        _h.Send(new NewTriggerOrder(_h.NextHeader(), account, 1, 0, side, OrderType.Limit, TimeInForce.Gtc, price, quantity, OrderFlags.None,
            SelfTradePrevention.RejectTaker, 0, TriggerSource.MarkPrice, stopLoss, stopLossLimit, TriggerSource.MarkPrice, takeProfit, 0, TriggerSource.MarkPrice));

    /// <summary>The trader goes long <paramref name="quantity"/> at 100.00 from the maker.</summary>
    private void GoLong(long quantity)
    {
        _h.Rest(Maker, Side.Sell, 10_000, quantity);
        _h.Limit(Trader, Side.Buy, 10_000, quantity);
        Assert.Equal(quantity, Position(Trader));
    }

    private long Position(int account) => _h.Account(account).Positions[0].Quantity;

    [Fact]
    public void A_stop_fires_exactly_when_the_mark_reaches_its_trigger_never_before()
    {
        GoLong(10);
        var placed = Assert.Single(Trigger(Trader, Side.Sell, 9_500, 10).OfType<TriggerPlaced>());
        Assert.Equal((9_500L, TriggerSource.MarkPrice, TriggerKind.Trigger, 10L), (placed.TriggerPrice, placed.TriggerBy, placed.Kind, placed.Quantity));
        _h.Rest(Maker, Side.Buy, 9_300, 100); // where the stop will sell

        // The mark is the index here (the bid is below it and there is no ask).
        Assert.Empty(_h.Index(9_501).OfType<TriggerFired>());
        Assert.Equal(10, Position(Trader));

        var events = _h.Index(9_500);
        var fired = Assert.Single(events.OfType<TriggerFired>());
        Assert.Equal((placed.OrderId, 9_500L, 9_500L), (fired.OrderId, fired.TriggerPrice, fired.FiredAt));
        var fill = Assert.Single(events.OfType<OrderFilled>(), f => f.AccountId == Trader);
        Assert.Equal((placed.OrderId, 9_300L, 10L), (fill.OrderId, fill.Price, fill.Quantity));
        Assert.True(events.IndexOf(fired) < events.IndexOf(fill));
        Assert.Equal(0, Position(Trader));
        Assert.Empty(_h.Engine.GetPendingOrders(Trader));
    }

    [Fact]
    public void A_gap_fires_every_crossed_stop_in_the_order_the_price_reached_them()
    {
        GoLong(30);
        long a = Assert.Single(Trigger(Trader, Side.Sell, 9_600, 10).OfType<TriggerPlaced>()).OrderId;
        long b = Assert.Single(Trigger(Trader, Side.Sell, 9_800, 10).OfType<TriggerPlaced>()).OrderId;
        long c = Assert.Single(Trigger(Trader, Side.Sell, 9_700, 10).OfType<TriggerPlaced>()).OrderId;
        long d = Assert.Single(Trigger(Trader, Side.Sell, 9_700, 5).OfType<TriggerPlaced>()).OrderId; // same price as c, placed later
        long notReached = Assert.Single(Trigger(Trader, Side.Sell, 8_000, 5).OfType<TriggerPlaced>()).OrderId;
        _h.Rest(Maker, Side.Buy, 9_000, 100);

        var events = _h.Index(9_050);
        var fired = events.OfType<TriggerFired>().Select(f => f.OrderId).ToList();

        Assert.Equal([b, c, d, a], fired);
        Assert.Equal(0, Position(Trader)); // d was cut: reduce-only never takes the position past zero
        // The flat position leaves no stop behind: the one not reached is canceled (Backpack's StopWithoutPosition).
        var gone = Assert.Single(events.OfType<OrderCanceled>(), c => c.OrderId == notReached);
        Assert.Equal(CancelReason.ReduceOnly, gone.Reason);
        Assert.Empty(_h.Engine.GetPendingOrders(Trader));
    }

    [Fact]
    public void A_reduce_only_stop_larger_than_the_position_closes_it_and_never_flips_it()
    {
        GoLong(10);
        Trigger(Trader, Side.Sell, 9_500, 25);
        _h.Rest(Maker, Side.Buy, 9_400, 100);
        var events = _h.Index(9_450);
        Assert.Equal(10, events.OfType<OrderFilled>().Where(f => f.AccountId == Trader).Sum(f => f.Quantity));
        var cut = Assert.Single(events.OfType<OrderCanceled>(), c => c.AccountId == Trader);
        Assert.Equal((CancelReason.ReduceOnly, 15L), (cut.Reason, cut.CanceledQuantity));
        Assert.Equal(0, Position(Trader));
    }

    [Fact]
    public void A_stop_on_the_last_price_fires_on_a_trade_and_one_on_the_index_on_the_index()
    {
        GoLong(20);
        long onLast = Assert.Single(Trigger(Trader, Side.Sell, 9_900, 10, by: TriggerSource.LastPrice).OfType<TriggerPlaced>()).OrderId;
        long onIndex = Assert.Single(Trigger(Trader, Side.Sell, 9_800, 10, by: TriggerSource.IndexPrice).OfType<TriggerPlaced>()).OrderId;
        _h.Rest(Maker, Side.Buy, 9_000, 100);

        // Other trades at 99.00 with the maker: the last price crosses 99.00, the index has not moved.
        _h.Rest(Other, Side.Sell, 9_900, 1);
        var trade = _h.Limit(Maker, Side.Buy, 9_900, 1);
        Assert.Equal([onLast], trade.OfType<TriggerFired>().Select(f => f.OrderId));

        Assert.Empty(_h.Index(9_801).OfType<TriggerFired>());
        Assert.Equal([onIndex], _h.Index(9_800).OfType<TriggerFired>().Select(f => f.OrderId));
    }

    [Fact]
    public void A_stop_limit_rests_at_its_limit_once_fired_and_a_stop_that_cannot_enter_fails_with_the_reason()
    {
        GoLong(10);
        long stopLimit = Assert.Single(Trigger(Trader, Side.Sell, 9_500, 10, OrderType.Limit, price: 9_450).OfType<TriggerPlaced>()).OrderId;
        long opening = Assert.Single(Trigger(Other, Side.Sell, 9_500, 1_000_000, flags: OrderFlags.None).OfType<TriggerPlaced>()).OrderId;
        var events = _h.Index(9_500);
        Assert.Equal(2, events.OfType<TriggerFired>().Count());
        var failed = Assert.Single(events.OfType<TriggerFailed>());
        Assert.Equal((opening, RejectReason.InsufficientMargin), (failed.OrderId, failed.Reason));
        Assert.Equal([(stopLimit, 9_450L, 10L)], _h.Engine.GetOpenOrders(Trader).Select(o => (o.OrderId, o.Price, o.Remaining)));
        Assert.Empty(_h.Engine.GetPendingOrders(Other));
    }

    [Fact]
    public void Margin_counts_a_trigger_order_only_once_it_fires()
    {
        long before = _h.Account(Trader).InitialMargin;
        Trigger(Trader, Side.Buy, 10_500, 1_000, flags: OrderFlags.None);
        Assert.Equal(before, _h.Account(Trader).InitialMargin);
        Assert.Equal(0, _h.Account(Trader).InitialMargin);
    }

    [Fact]
    public void Cancel_cancel_all_and_a_liquidation_remove_pending_orders()
    {
        GoLong(10);
        long one = Assert.Single(Trigger(Trader, Side.Sell, 9_500, 5, clientOrderId: 77).OfType<TriggerPlaced>()).OrderId;
        Trigger(Trader, Side.Sell, 9_400, 5);
        var canceled = Assert.Single(_h.Cancel(Trader, 0, clientOrderId: 77).OfType<OrderCanceled>());
        Assert.Equal((one, CancelReason.UserCanceled, 5L), (canceled.OrderId, canceled.Reason, canceled.CanceledQuantity));
        Assert.Single(_h.Engine.GetPendingOrders(Trader));
        Assert.Equal(RejectReason.TriggerPending, Assert.Single(_h.Replace(Trader, _h.Engine.GetPendingOrders(Trader)[0].OrderId, 9_000, 5).OfType<OrderCancelRejected>()).Reason);
        Assert.Single(_h.CancelAll(Trader).OfType<OrderCanceled>());
        Assert.Empty(_h.Engine.GetPendingOrders(Trader));
        // Nothing left in the queues fires later.
        _h.Rest(Maker, Side.Buy, 9_000, 100);
        Assert.Empty(_h.Index(9_100).OfType<TriggerFired>());

        // A liquidation cancels them with the reason Liquidation.
        var h = new EngineHarness([Market()]);
        h.Index(10_000);
        h.Deposit(Trader, 1_000);
        h.Deposit(Maker, 10_000_000);
        h.Rest(Maker, Side.Sell, 10_000, 90);
        h.Limit(Trader, Side.Buy, 10_000, 90); // 9,000 notional on 1,000: at maintenance below 93.57
        h.Send(new NewTriggerOrder(h.NextHeader(), Trader, 1, 0, Side.Sell, OrderType.Market, TimeInForce.Ioc, 0, 90, OrderFlags.ReduceOnly,
            SelfTradePrevention.RejectTaker, 8_000, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice));
        var events = h.Index(9_300);
        Assert.Single(events.OfType<LiquidationStarted>());
        Assert.Equal(CancelReason.Liquidation, Assert.Single(events.OfType<OrderCanceled>(), c => c.AccountId == Trader).Reason);
        Assert.Empty(h.Engine.GetPendingOrders(Trader));
    }

    [Fact]
    public void An_order_with_a_stop_loss_and_take_profit_arms_both_for_what_fills_and_one_firing_cancels_the_other()
    {
        _h.Rest(Maker, Side.Sell, 10_000, 6);
        var events = WithExits(Trader, Side.Buy, 10_000, 10, stopLoss: 9_500, takeProfit: 11_000);
        long parent = Assert.Single(events.OfType<OrderAccepted>(), a => a.AccountId == Trader).OrderId;
        var legs = events.OfType<TriggerPlaced>().ToList();
        Assert.Equal([(TriggerKind.StopLoss, Side.Sell, 6L, 9_500L, parent), (TriggerKind.TakeProfit, Side.Sell, 6L, 11_000L, parent)],
            legs.Select(l => (l.Kind, l.Side, l.Quantity, l.TriggerPrice, l.ParentOrderId)));
        Assert.All(legs, l => Assert.Equal(OrderFlags.ReduceOnly, l.Flags));

        // The rest of the order fills later: the legs grow to the whole fill.
        var grown = _h.Limit(Maker, Side.Sell, 10_000, 4);
        Assert.Equal(2, grown.OfType<TriggerPlaced>().Count());
        Assert.Equal(10, Position(Trader));
        var pending = _h.Engine.GetPendingOrders(Trader);
        Assert.Equal([10L, 10L], pending.Select(o => o.Quantity));

        _h.Rest(Maker, Side.Buy, 9_400, 100);
        var crash = _h.Index(9_500);
        var fired = Assert.Single(crash.OfType<TriggerFired>());
        Assert.Equal((legs[0].OrderId, TriggerKind.StopLoss), (fired.OrderId, fired.Kind));
        var oco = Assert.Single(crash.OfType<OrderCanceled>(), c => c.AccountId == Trader);
        Assert.Equal((legs[1].OrderId, CancelReason.Oco), (oco.OrderId, oco.Reason));
        Assert.Equal(0, Position(Trader));
        Assert.Empty(_h.Engine.GetPendingOrders(Trader));
    }

    [Fact]
    public void An_order_canceled_before_any_fill_arms_nothing()
    {
        var events = WithExits(Trader, Side.Buy, 9_900, 10, stopLoss: 9_500, takeProfit: 11_000);
        long parent = Assert.Single(events.OfType<OrderAccepted>()).OrderId;
        Assert.Empty(events.OfType<TriggerPlaced>());
        _h.Cancel(Trader, parent);
        Assert.Empty(_h.Engine.GetPendingOrders(Trader));
        Assert.Equal(0, _h.Engine.PendingExitPlans);
    }

    [Theory]
    [InlineData(10_000, 0, 0, "at the current mark")]
    [InlineData(-5, 0, 0, "negative")]
    [InlineData(0, 10_100, 0, "a buy's stop-loss above its price")]
    [InlineData(0, 0, 9_900, "a buy's take-profit below its price")]
    public void A_trigger_price_on_the_wrong_side_is_rejected_and_changes_nothing(long trigger, long stopLoss, long takeProfit, string why)
    {
        ulong before = _h.Engine.ComputeStateHash();
        var events = _h.Send(new NewTriggerOrder(_h.NextHeader(), Trader, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 10_000, 1, OrderFlags.None,
            SelfTradePrevention.RejectTaker, trigger, TriggerSource.MarkPrice, stopLoss, 0, TriggerSource.MarkPrice, takeProfit, 0, TriggerSource.MarkPrice));
        var rejected = Assert.Single(events);
        Assert.Equal(RejectReason.InvalidTriggerPrice, Assert.IsType<OrderRejected>(rejected).Reason);
        Assert.True(before == _h.Engine.ComputeStateHash(), why);
    }

    [Fact]
    public void A_trigger_on_an_unknown_price_type_is_refused_by_the_decoder_and_changes_nothing()
    {
        ulong before = _h.Engine.ComputeStateHash();
        byte[] frame = ProtocolCodec.ToArray(new NewTriggerOrder(_h.NextHeader(), Trader, 1, 0, Side.Sell, OrderType.Market, TimeInForce.Ioc, 0, 1,
            OrderFlags.None, SelfTradePrevention.RejectTaker, 9_000, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice));
        // TriggerBy is element 15 of the array; MarkPrice (0) is one byte: make it 7.
        var reader = new Protocol.MessagePack.MessagePackReader(frame);
        reader.ReadArrayHeader();
        for (int i = 0; i < 15; i++) reader.Skip();
        Assert.Equal(0, frame[reader.Position]);
        frame[reader.Position] = 7;
        var answer = Assert.Single(_h.SendFrame(frame));
        Assert.Equal(RejectReason.MalformedCommand, Assert.IsType<CommandRejected>(answer).Reason);
        Assert.Equal(before, _h.Engine.ComputeStateHash());
    }

    [Fact]
    public void Pending_orders_survive_a_snapshot_and_a_replay_and_fire_the_same_way()
    {
        GoLong(20);
        Trigger(Trader, Side.Sell, 9_500, 10);
        Trigger(Trader, Side.Sell, 9_700, 10, by: TriggerSource.IndexPrice);
        _h.Rest(Maker, Side.Sell, 10_050, 3);
        WithExits(Other, Side.Buy, 10_050, 3, stopLoss: 9_600, takeProfit: 10_500);
        _h.Rest(Maker, Side.Buy, 9_000, 100);

        var snapshot = EngineSnapshot.Capture(_h.Engine);
        string folder = Directory.CreateTempSubdirectory("bp-trg-").FullName;
        try
        {
            snapshot.Write(folder, [Market()]);
            var loaded = EngineSnapshot.LoadLatest(folder, [Market()], new EngineOptions(), [])!.Value.Engine;
            Assert.Equal(_h.Engine.ComputeStateHash(), loaded.ComputeStateHash());
            var replayed = new EngineHarness([Market()]);
            foreach (byte[] frame in _h.Journal) replayed.SendFrame(frame);
            Assert.Equal(_h.Engine.ComputeStateHash(), replayed.Engine.ComputeStateHash());

            // The same crash on all three: the same events.
            byte[] crash = ProtocolCodec.ToArray(new SetIndexPrice(_h.NextHeader(), 1, 9_400));
            var live = _h.SendFrame(crash);
            var fromSnapshot = new Protocol.Framing.FrameBuffer();
            loaded.Process(crash, fromSnapshot);
            var fromReplay = replayed.SendFrame(crash);
            Assert.Equal(3, live.OfType<TriggerFired>().Count());
            Assert.Equal(live.Select(e => e.ToString()), fromReplay.Select(e => e.ToString()));
            Assert.Equal(live.Select(e => e.ToString()), Enumerable.Range(0, fromSnapshot.Count).Select(i => MessageDecoder.DecodeAny(fromSnapshot[i]).ToString()));
            Assert.Equal(_h.Engine.ComputeStateHash(), loaded.ComputeStateHash());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_stop_that_closes_past_the_bankruptcy_price_leaves_no_negative_balance_while_the_fund_can_pay()
    {
        // A thin long: 90 at 100.00 on 1,000 USDC; the only bid is at 85.00, 15% down: closing there
        // loses 1,350 USDC, 350 more than the account has. The fund (5,000 USDC) covers the deficit.
        var h = new EngineHarness([Market()]);
        h.Index(10_000);
        h.Deposit(Trader, 1_000);
        h.Deposit(Maker, 10_000_000);
        h.Deposit(h.Engine.InsuranceFundAccountId, 5_000);
        h.Rest(Maker, Side.Sell, 10_000, 90);
        h.Limit(Trader, Side.Buy, 10_000, 90);
        h.Send(new NewTriggerOrder(h.NextHeader(), Trader, 1, 0, Side.Sell, OrderType.Market, TimeInForce.Ioc, 0, 90, OrderFlags.ReduceOnly,
            SelfTradePrevention.RejectTaker, 9_800, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice));
        h.Rest(Maker, Side.Buy, 8_500, 90);
        var events = h.Index(9_800); // 98.00: the stop fires before maintenance (93.57) and sells at 85.00
        Assert.Single(events.OfType<TriggerFired>());
        var settled = Assert.Single(events.OfType<BalanceChanged>(), b => b.AccountId == Trader);
        Assert.Equal((BalanceChangeReason.Settlement, 350 * EngineHarness.Usdc, 0L), (settled.Reason, settled.Change, settled.Balance));
        Assert.Equal(0, h.Account(Trader).Collateral);
        Assert.Equal(4_650 * EngineHarness.Usdc, h.Engine.InsuranceFundBalance);
        Assert.Equal(0, h.Engine.Summarize().CashDiscrepancy);
    }
}

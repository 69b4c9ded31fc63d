using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Tests;

public class OrderBookTests
{
    private readonly EngineHarness _h = new();

    public OrderBookTests()
    {
        _h.Index(100);
        foreach (int account in new[] { 1, 2, 3, 4 }) _h.Deposit(account, 1_000_000);
    }

    [Fact]
    public void Orders_at_the_same_price_fill_in_time_order()
    {
        long first = _h.Rest(1, Side.Sell, 101, 5);
        long second = _h.Rest(2, Side.Sell, 101, 5);

        var events = _h.Limit(3, Side.Buy, 101, 7);

        var makerFills = events.OfType<OrderFilled>().Where(f => f.Liquidity == Liquidity.Maker).ToList();
        Assert.Equal([first, second], makerFills.Select(f => f.OrderId));
        Assert.Equal([5L, 2L], makerFills.Select(f => f.Quantity));
        var rest = Assert.Single(_h.Engine.GetOrders(1, Side.Sell));
        Assert.Equal(second, rest.OrderId);
        Assert.Equal(3, rest.Remaining);
    }

    [Fact]
    public void Better_prices_fill_first_and_each_fill_is_at_the_resting_price()
    {
        _h.Rest(1, Side.Sell, 103, 1);
        _h.Rest(1, Side.Sell, 101, 1);
        _h.Rest(1, Side.Sell, 102, 1);

        var events = _h.Limit(2, Side.Buy, 103, 3);

        Assert.Equal([101L, 102L, 103L], events.OfType<Trade>().Select(t => t.Price));
        Assert.All(events.OfType<Trade>(), t => Assert.Equal(Side.Buy, t.TakerSide));
        Assert.Empty(_h.Engine.GetOrders(1, Side.Sell));
    }

    [Fact]
    public void The_unfilled_rest_of_a_gtc_order_rests_at_its_limit()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        var events = _h.Limit(2, Side.Buy, 102, 5);

        var taker = events.OfType<OrderFilled>().Single(f => f.Liquidity == Liquidity.Taker);
        Assert.Equal(3, taker.LeavesQuantity);
        var bid = Assert.Single(_h.Engine.GetDepth(1, Side.Buy));
        Assert.Equal(new BookLevelView(102, 3, 1), bid);
    }

    [Fact]
    public void Ioc_fills_what_it_can_and_the_rest_expires()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        var events = _h.Limit(2, Side.Buy, 101, 5, tif: TimeInForce.Ioc);

        Assert.Equal(2, events.OfType<Trade>().Sum(t => t.Quantity));
        var canceled = events.OfType<OrderCanceled>().Single();
        Assert.Equal(CancelReason.Expired, canceled.Reason);
        Assert.Equal(3, canceled.CanceledQuantity);
        Assert.Equal(2, canceled.CumulativeQuantity);
        Assert.Empty(_h.Engine.GetDepth(1, Side.Buy));
    }

    [Fact]
    public void Fok_that_cannot_fill_completely_trades_nothing()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        _h.Rest(1, Side.Sell, 105, 5); // beyond the limit: does not count

        var events = _h.Limit(2, Side.Buy, 102, 3, tif: TimeInForce.Fok);

        Assert.Empty(events.OfType<Trade>());
        Assert.Equal(CancelReason.FillOrKillNotFilled, events.OfType<OrderCanceled>().Single().Reason);
        Assert.Equal([2L, 5L], _h.Engine.GetDepth(1, Side.Sell).Select(l => l.Quantity));
        Assert.Empty(_h.Engine.GetDepth(1, Side.Buy));
    }

    [Fact]
    public void Fok_that_can_fill_completely_fills_completely()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        _h.Rest(3, Side.Sell, 102, 2);

        var events = _h.Limit(2, Side.Buy, 102, 3, tif: TimeInForce.Fok);

        Assert.Equal(3, events.OfType<Trade>().Sum(t => t.Quantity));
        Assert.Empty(events.OfType<OrderCanceled>());
    }

    [Fact]
    public void Post_only_that_would_take_is_rejected_and_changes_nothing()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        ulong before = _h.Engine.ComputeStateHash();

        var events = _h.Limit(2, Side.Buy, 101, 1, flags: OrderFlags.PostOnly);

        Assert.Equal(RejectReason.PostOnlyWouldTake, Assert.Single(events.OfType<OrderRejected>()).Reason);
        Assert.Equal(before, _h.Engine.ComputeStateHash());
    }

    [Fact]
    public void Post_only_below_the_ask_rests()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        _h.Limit(2, Side.Buy, 100, 1, flags: OrderFlags.PostOnly);
        Assert.Equal(100, Assert.Single(_h.Engine.GetDepth(1, Side.Buy)).Price);
    }

    [Fact]
    public void Limit_price_outside_the_band_is_rejected()
    {
        // Band is 10% around mark 100: 90..110 accepted.
        Assert.NotEmpty(_h.Limit(1, Side.Buy, 90, 1).OfType<OrderAccepted>());
        Assert.NotEmpty(_h.Limit(1, Side.Sell, 110, 1).OfType<OrderAccepted>());
        Assert.Equal(RejectReason.PriceOutOfBand, _h.Limit(1, Side.Buy, 89, 1).OfType<OrderRejected>().Single().Reason);
        Assert.Equal(RejectReason.PriceOutOfBand, _h.Limit(1, Side.Sell, 111, 1).OfType<OrderRejected>().Single().Reason);
    }

    [Fact]
    public void Market_orders_trade_up_to_the_band_and_the_rest_expires()
    {
        _h.Rest(1, Side.Sell, 105, 1);
        _h.Rest(1, Side.Sell, 110, 1);
        _h.Index(100); // keep mark
        _h.Index(99);  // band now 89.1..108.9 -> 90..108
        var events = _h.Market(2, Side.Buy, 5);

        var accepted = events.OfType<OrderAccepted>().Single();
        Assert.Equal(108, accepted.Price); // the band limit it may trade to
        Assert.Equal(TimeInForce.Ioc, accepted.TimeInForce);
        Assert.Equal([105L], events.OfType<Trade>().Select(t => t.Price));
        Assert.Equal(CancelReason.Expired, events.OfType<OrderCanceled>().Single().Reason);
    }

    [Fact]
    public void Cancel_by_order_id_and_by_client_order_id()
    {
        long a = _h.Rest(1, Side.Buy, 95, 1);
        _h.Rest(1, Side.Buy, 96, 1, clientOrderId: 777);

        var byId = _h.Cancel(1, a).OfType<OrderCanceled>().Single();
        Assert.Equal(CancelReason.UserCanceled, byId.Reason);
        var byClient = _h.Cancel(1, 0, clientOrderId: 777).OfType<OrderCanceled>().Single();
        Assert.Equal(777, byClient.ClientOrderId);
        Assert.Empty(_h.Engine.GetOpenOrders(1));
    }

    [Fact]
    public void Cancel_of_someone_elses_or_an_unknown_order_is_rejected()
    {
        long a = _h.Rest(1, Side.Buy, 95, 1);
        Assert.Equal(RejectReason.OrderNotFound, _h.Cancel(2, a).OfType<OrderCancelRejected>().Single().Reason);
        Assert.Equal(RejectReason.OrderNotFound, _h.Cancel(1, 999_999).OfType<OrderCancelRejected>().Single().Reason);
        _h.Cancel(1, a);
        var again = _h.Cancel(1, a).OfType<OrderCancelRejected>().Single();
        Assert.Equal(RejectReason.OrderNotFound, again.Reason);
        Assert.Equal(CancelRejectResponseTo.Cancel, again.ResponseTo);
    }

    [Fact]
    public void Replace_with_less_quantity_keeps_time_priority()
    {
        long first = _h.Rest(1, Side.Sell, 101, 5);
        long second = _h.Rest(2, Side.Sell, 101, 5);

        var replaced = _h.Replace(1, first, 101, 3).OfType<OrderReplaced>().Single();

        Assert.True(replaced.PriorityKept);
        Assert.Equal([first, second], _h.Engine.GetOrders(1, Side.Sell).Select(o => o.OrderId));
        Assert.Equal(8, _h.Engine.GetDepth(1, Side.Sell)[0].Quantity);
    }

    [Theory]
    [InlineData(101, 6)] // more quantity
    [InlineData(102, 5)] // another price
    public void Replace_with_more_quantity_or_a_new_price_loses_priority(long price, long quantity)
    {
        long first = _h.Rest(1, Side.Sell, 101, 5);
        _h.Rest(2, Side.Sell, 102, 5);
        long third = _h.Rest(3, Side.Sell, 101, 5);

        var replaced = _h.Replace(1, first, price, quantity).OfType<OrderReplaced>().Single();

        Assert.False(replaced.PriorityKept);
        var orders = _h.Engine.GetOrders(1, Side.Sell);
        Assert.True(orders.ToList().FindIndex(o => o.OrderId == third) < orders.ToList().FindIndex(o => o.OrderId == first));
    }

    [Fact]
    public void Replace_to_a_crossing_price_trades()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        long bid = _h.Rest(2, Side.Buy, 99, 5);

        var events = _h.Replace(2, bid, 101, 5);

        Assert.Equal(2, events.OfType<Trade>().Single().Quantity);
        var rest = _h.Engine.GetOrders(1, Side.Buy).Single();
        Assert.Equal((bid, 101L, 3L, 2L), (rest.OrderId, rest.Price, rest.Remaining, rest.Filled));
    }

    [Fact]
    public void Replace_below_the_filled_quantity_is_rejected()
    {
        long ask = _h.Rest(1, Side.Sell, 101, 5);
        _h.Limit(2, Side.Buy, 101, 3);
        var rejected = _h.Replace(1, ask, 101, 3).OfType<OrderCancelRejected>().Single();
        Assert.Equal(RejectReason.InvalidQuantity, rejected.Reason);
        Assert.Equal(CancelRejectResponseTo.Replace, rejected.ResponseTo);
    }

    [Fact]
    public void Cancel_all_in_one_market_or_all_markets()
    {
        var h = new EngineHarness([TestMarkets.Simple("A_USDC_PERP"), TestMarkets.Simple("B_USDC_PERP")]);
        h.Index(100, 1);
        h.Index(100, 2);
        h.Deposit(1, 1_000_000);
        h.Rest(1, Side.Buy, 95, 1, market: 1);
        h.Rest(1, Side.Buy, 96, 1, market: 1);
        h.Rest(1, Side.Buy, 95, 1, market: 2);

        var one = h.CancelAll(1, market: 1);
        Assert.Equal(2, one.OfType<OrderCanceled>().Count());
        Assert.Equal(2, one.OfType<CommandAccepted>().Single().Count);
        Assert.Single(h.Engine.GetOpenOrders(1));

        var all = h.CancelAll(1);
        Assert.Single(all.OfType<OrderCanceled>());
        Assert.Empty(h.Engine.GetOpenOrders(1));
    }

    [Fact]
    public void Self_trade_reject_taker_cancels_the_incoming_rest()
    {
        _h.Rest(2, Side.Sell, 100, 1);
        long own = _h.Rest(1, Side.Sell, 101, 1);
        _h.Rest(2, Side.Sell, 102, 1);

        var events = _h.Limit(1, Side.Buy, 102, 3, stp: SelfTradePrevention.RejectTaker);

        Assert.Equal([100L], events.OfType<Trade>().Select(t => t.Price)); // fills before the self-match stand
        var canceled = events.OfType<OrderCanceled>().Single();
        Assert.Equal(CancelReason.SelfTradePrevention, canceled.Reason);
        Assert.Equal(2, canceled.CanceledQuantity);
        Assert.Contains(_h.Engine.GetOrders(1, Side.Sell), o => o.OrderId == own);
    }

    [Fact]
    public void Self_trade_reject_maker_cancels_the_resting_order_and_keeps_matching()
    {
        long own = _h.Rest(1, Side.Sell, 101, 1);
        _h.Rest(2, Side.Sell, 102, 1);

        var events = _h.Limit(1, Side.Buy, 102, 1, stp: SelfTradePrevention.RejectMaker);

        var canceled = events.OfType<OrderCanceled>().Single();
        Assert.Equal((own, CancelReason.SelfTradePrevention), (canceled.OrderId, canceled.Reason));
        Assert.Equal([102L], events.OfType<Trade>().Select(t => t.Price));
    }

    [Fact]
    public void Self_trade_reject_both_cancels_both()
    {
        long own = _h.Rest(1, Side.Sell, 101, 1);
        var events = _h.Limit(1, Side.Buy, 101, 1, stp: SelfTradePrevention.RejectBoth);
        Assert.Empty(events.OfType<Trade>());
        Assert.Equal(2, events.OfType<OrderCanceled>().Count(c => c.Reason == CancelReason.SelfTradePrevention));
        Assert.Contains(events.OfType<OrderCanceled>(), c => c.OrderId == own);
        Assert.Empty(_h.Engine.GetOrders(1, Side.Sell));
    }

    [Fact]
    public void A_client_order_id_in_use_on_an_open_order_is_rejected()
    {
        _h.Rest(1, Side.Buy, 95, 1, clientOrderId: 5);
        Assert.Equal(RejectReason.DuplicateClientOrderId, _h.Limit(1, Side.Buy, 94, 1, clientOrderId: 5).OfType<OrderRejected>().Single().Reason);
        // Another account may use the same client order id.
        Assert.NotEmpty(_h.Limit(2, Side.Buy, 94, 1, clientOrderId: 5).OfType<OrderAccepted>());
    }

    [Fact]
    public void Book_deltas_carry_level_totals_and_a_gapless_sequence()
    {
        _h.Rest(1, Side.Sell, 101, 2);
        _h.Rest(2, Side.Sell, 101, 3);
        _h.Limit(3, Side.Buy, 101, 4);
        var deltas = _h.Log.OfType<BookDelta>().ToList();
        Assert.Equal([2L, 5L, 1L], deltas.Select(d => d.Quantity));
        Assert.Equal(Enumerable.Range(1, deltas.Count).Select(i => (long)i), deltas.Select(d => d.BookSequence));
    }

    [Fact]
    public void Quantity_outside_min_max_and_unknown_market_or_account_are_rejected()
    {
        Assert.Equal(RejectReason.InvalidQuantity, _h.Limit(1, Side.Buy, 95, 0).OfType<OrderRejected>().Single().Reason);
        Assert.Equal(RejectReason.InvalidQuantity, _h.Limit(1, Side.Buy, 95, 1_000_001).OfType<OrderRejected>().Single().Reason);
        Assert.Equal(RejectReason.UnknownMarket, _h.Limit(1, Side.Buy, 95, 1, market: 9).OfType<OrderRejected>().Single().Reason);
        Assert.Equal(RejectReason.UnknownAccount, _h.Limit(99, Side.Buy, 95, 1).OfType<OrderRejected>().Single().Reason);
    }

    [Fact]
    public void Orders_before_the_first_index_price_are_rejected()
    {
        var h = new EngineHarness();
        h.Deposit(1, 1000);
        Assert.Equal(RejectReason.MarketNotReady, h.Limit(1, Side.Buy, 95, 1).OfType<OrderRejected>().Single().Reason);
    }

    [Fact]
    public void Too_many_open_orders_are_rejected()
    {
        var h = new EngineHarness(options: new EngineOptions { MaxOpenOrdersPerAccount = 2 });
        h.Index(100);
        h.Deposit(1, 1_000_000);
        h.Rest(1, Side.Buy, 95, 1);
        h.Rest(1, Side.Buy, 94, 1);
        Assert.Equal(RejectReason.TooManyOrders, h.Limit(1, Side.Buy, 93, 1).OfType<OrderRejected>().Single().Reason);
    }
}

using Backpack.Gateway.LoadTests.Clients;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Tests;

public class OrderFlowTests
{
    private static readonly MarketView Markets = new([new MarketInfo("SOL_USDC_PERP", 0.01m, 0.01m, 180m, 179.5m)]);

    [Fact]
    public void New_orders_rest_near_the_index_in_the_markets_units_until_there_are_enough_to_replace_and_cancel()
    {
        var flow = new OrderFlow(Markets, seed: 3, maxWorking: 2);
        for (int i = 0; i < 200 && flow.Working < 2; i++)
        {
            var a = flow.Next();
            Assert.Equal(RequestKind.New, a.Kind);
            decimal distance = Math.Abs(a.Order.Price / 179.5m - 1);
            Assert.True(a.Aggressive ? distance <= 0.0051m : distance is >= 0.0029m and <= 0.0251m, $"{a.Order.Price} ({(a.Aggressive ? "IOC" : "resting")})");
            Assert.Equal(0, a.Order.Price % 0.01m);
            Assert.Equal(0, a.Order.Quantity % 0.01m);
            if (!a.Aggressive) flow.Rests(a.Order);
        }
        // With enough resting, nine actions in ten replace or cancel one of them (each at most once at a time).
        var actions = Enumerable.Range(0, 4).Select(_ => flow.Next()).ToList();
        var busy = actions.Where(a => a.Kind != RequestKind.New).ToList();
        Assert.NotEmpty(busy);
        Assert.Equal(busy.Count, busy.Select(a => a.Order.Key).Distinct().Count());
        Assert.True(busy.Count <= 2);
    }

    [Fact]
    public void A_replace_acknowledged_after_its_cancel_half_removed_the_order_leaves_the_new_order_tracked()
    {
        var flow = new OrderFlow(Markets, seed: 1);
        var order = new WorkingOrder(Markets.Markets[0], true, 178m, 1m, flow.NextKey());
        flow.Rests(order);
        long oldKey = order.Key;
        flow.Gone(oldKey); // the WebSocket orderCancelled of the replace's cancel half arrives first
        flow.Replaced(order, newKey: 99, price: 177.5m);
        Assert.Equal(1, flow.Working);
        Assert.Equal((99L, 177.5m, false), (order.Key, order.Price, order.Busy));
        flow.Gone(99);
        Assert.Equal(0, flow.Working);
    }
}

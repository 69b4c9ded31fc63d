using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Orders;
using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Gateway.Protocol.Tests;

/// <summary>The order tracker both front ends use: what fills, replaces and cancels do to leaves, fills, average price and status.</summary>
public class OrderProgressTests
{
    private static readonly MarketUnits Sol = new(new MarketDefinition
    {
        Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.001m, MinQuantity = 0.001m, MaxQuantity = 100_000m, PriceBand = 0.10m,
        MakerFee = 0.0002m, TakerFee = 0.0005m, BaseImf = 0.05m, ImfFactor = 0, BaseMmf = 0.025m, MmfFactor = 0,
    });

    [Fact]
    public void Fills_of_random_sizes_and_prices_keep_leaves_status_and_average_price_right()
    {
        var fills = Gen.ListOf(Gen.Zip(Gen.Choose(1, 5_000), Gen.Choose(1, 1_000_000))).Select(l => l.ToArray());
        Prop.ForAll(Arb.From(Gen.Zip(Gen.Choose(1, 100_000), fills)), input =>
        {
            var (quantity, sizes) = input;
            var order = OrderProgress.Pending(quantity);
            Assert.Equal((OrderStatus.PendingNew, (long)quantity, 0L), (order.Status, order.Leaves, order.Cumulative));
            order.Accept();
            Assert.Equal(OrderStatus.New, order.Status);
            long cumulative = 0, quote = 0;
            long lowest = long.MaxValue, highest = 0;
            foreach (var (size, price) in sizes)
            {
                long lots = Math.Min(size, quantity - cumulative);
                if (lots == 0) break;
                cumulative += lots;
                quote += (long)price * lots * Sol.QuotePerTickLot;
                lowest = Math.Min(lowest, price);
                highest = Math.Max(highest, price);
                order.Fill(cumulative, quote, quantity - cumulative);

                Assert.Equal((cumulative, quantity - cumulative), (order.Cumulative, order.Leaves));
                Assert.Equal(cumulative == quantity ? OrderStatus.Filled : OrderStatus.PartiallyFilled, order.Status);
                Assert.Equal(cumulative == quantity, order.IsDone);
                // The average lies between the lowest and highest fill price (in the market's decimal units).
                long average = order.AveragePrice(Sol, out int scale);
                decimal averagePrice = average / (decimal)Math.Pow(10, scale);
                Assert.InRange(averagePrice, lowest * 0.01m - 0.0001m, highest * 0.01m + 0.0001m);
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Theory]
    [InlineData(CancelReason.UserCanceled, OrderStatus.Canceled)]
    [InlineData(CancelReason.Expired, OrderStatus.Expired)]
    [InlineData(CancelReason.FillOrKillNotFilled, OrderStatus.Expired)]
    [InlineData(CancelReason.SelfTradePrevention, OrderStatus.Canceled)]
    [InlineData(CancelReason.Liquidation, OrderStatus.Canceled)]
    public void A_cancel_leaves_nothing_and_says_why(CancelReason reason, OrderStatus status)
    {
        var order = OrderProgress.Open(10);
        order.Fill(4, 400, 6);
        order.Cancel(reason);
        Assert.Equal((status, 0L, 4L, true), (order.Status, order.Leaves, order.Cumulative, order.IsDone));
    }

    [Fact]
    public void A_replace_takes_the_engines_figures_and_the_status_follows_the_fills()
    {
        var order = OrderProgress.Open(10);
        order.Replace(12, 0, 12);
        Assert.Equal((12L, 12L, OrderStatus.New), (order.Quantity, order.Leaves, order.Status));
        order.Fill(5, 500, 7);
        order.Replace(8, 5, 3);
        Assert.Equal((8L, 3L, 5L, OrderStatus.PartiallyFilled), (order.Quantity, order.Leaves, order.Cumulative, order.Status));
    }

    [Fact]
    public void A_snapshot_an_enlarged_leg_and_a_refusal()
    {
        var listed = OrderProgress.Open(10, cumulative: 3, cumulativeQuote: 300, leaves: 7);
        Assert.Equal((OrderStatus.PartiallyFilled, 7L), (listed.Status, listed.Leaves));
        listed.Resize(15);
        Assert.Equal((15L, 12L, OrderStatus.PartiallyFilled), (listed.Quantity, listed.Leaves, listed.Status));

        var refused = OrderProgress.Refused(5);
        Assert.Equal((OrderStatus.Rejected, 0L, true), (refused.Status, refused.Leaves, refused.IsDone));
        var busy = OrderProgress.Pending(5);
        busy.Reject();
        Assert.Equal((OrderStatus.Rejected, 0L), (busy.Status, busy.Leaves));
    }
}

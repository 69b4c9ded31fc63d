using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// The buyer's and the seller's order ids of the latest trade, for the trade stream's b and a: the
/// engine emits a trade's two OrderFilled events (maker, then taker) just before its Trade event,
/// with the same trade id.
/// </summary>
internal struct TradeOrders
{
    public long TradeId;
    public long Buy;
    public long Sell;

    public void Note(in OrderFilled e)
    {
        if (e.OrderId == 0) return; // an off-book fill (backstop, ADL): no trade on the book
        if (e.TradeId != TradeId)
        {
            TradeId = e.TradeId;
            Buy = Sell = 0;
        }
        if (e.Side == Side.Buy) Buy = e.OrderId;
        else Sell = e.OrderId;
    }
}

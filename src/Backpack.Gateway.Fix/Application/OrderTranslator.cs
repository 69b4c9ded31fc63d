using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>Why a FIX order could not become a command (OrdRejReason 103 and a text).</summary>
public readonly record struct OrderProblem(int OrdRejReason, string Text, string Code);

/// <summary>
/// Turns FIX order messages into protocol commands, allocation-free: Side 1/2, OrdType 1 (market)
/// / 2 (limit) (3 stop / 4 stop limit describe what a trigger order becomes when it fires; their
/// trigger fields are read by <see cref="ConditionalTranslator"/>), TimeInForce 0 (day, taken as GTC) / 1 GTC / 3 IOC / 4 FOK, ExecInst 6 (post-only)
/// and E (reduce-only), SelfTradePrevention(5013) 0/1/2, prices and quantities converted exactly
/// to ticks and lots (a value finer than the tick or step is refused).
/// </summary>
public static class OrderTranslator
{
    public static readonly OrderProblem UnknownSymbol = new(1, "Unknown symbol", RejectCodes.Of(RejectReason.UnknownMarket));
    public static readonly OrderProblem BadSide = new(99, "Side must be 1 (buy) or 2 (sell)", RejectCodes.Of(RejectReason.InvalidOrder));
    public static readonly OrderProblem BadOrdType = new(11, "OrdType must be 1 (market), 2 (limit), 3 (stop) or 4 (stop limit)", RejectCodes.Of(RejectReason.InvalidOrder));
    public static readonly OrderProblem BadTimeInForce = new(11, "TimeInForce must be 0, 1, 3 or 4", RejectCodes.Of(RejectReason.InvalidOrder));
    public static readonly OrderProblem BadExecInst = new(11, "ExecInst supports 6 (post-only) and E (reduce-only)", RejectCodes.Of(RejectReason.InvalidOrder));
    public static readonly OrderProblem BadPrice = new(99, "Price missing or not a multiple of the tick size", RejectCodes.Of(RejectReason.InvalidPrice));
    public static readonly OrderProblem BadQuantity = new(13, "OrderQty missing or not a multiple of the step size", RejectCodes.Of(RejectReason.InvalidQuantity));
    public static readonly OrderProblem BadStp = new(11, "SelfTradePrevention(5013) must be 0, 1 or 2", RejectCodes.Of(RejectReason.InvalidOrder));

    /// <summary>The order-describing fields of a NewOrderSingle or OrderCancelReplaceRequest, in engine units.</summary>
    public static OrderProblem? ReadOrder(FixMessage m, MarketDirectory markets, out int marketId, out Side side, out OrderType type,
        out TimeInForce tif, out long price, out long quantity, out OrderFlags flags, out SelfTradePrevention stp)
    {
        side = default;
        type = default;
        tif = default;
        price = quantity = 0;
        flags = OrderFlags.None;
        stp = SelfTradePrevention.RejectTaker;
        marketId = m.TryGet(FixTags.Symbol, out var symbol) ? markets.Find(symbol) : 0;
        if (marketId == 0) return UnknownSymbol;
        ref readonly MarketUnits market = ref markets.Units(marketId);
        switch (m.GetChar(FixTags.Side))
        {
            case '1': side = Side.Buy; break;
            case '2': side = Side.Sell; break;
            default: return BadSide;
        }
        switch (m.GetChar(FixTags.OrdType))
        {
            case '1' or '3': type = OrderType.Market; break; // 3: a stop, market once it fires
            case '2' or '4': type = OrderType.Limit; break; // 4: a stop limit
            default: return BadOrdType;
        }
        switch (m.GetChar(FixTags.TimeInForce))
        {
            case '\0' when !m.Has(FixTags.TimeInForce):
            case '0':
            case '1': tif = TimeInForce.Gtc; break;
            case '3': tif = TimeInForce.Ioc; break;
            case '4': tif = TimeInForce.Fok; break;
            default: return BadTimeInForce;
        }
        if (m.TryGet(FixTags.ExecInst, out var execInst))
        {
            foreach (var range in execInst.Split((byte)' '))
            {
                var token = execInst[range];
                if (token.Length != 1) return BadExecInst;
                if (token[0] == (byte)'6') flags |= OrderFlags.PostOnly;
                else if (token[0] == (byte)'E') flags |= OrderFlags.ReduceOnly;
                else return BadExecInst;
            }
        }
        if (m.TryGet(FixTags.SelfTradePrevention, out var stpText))
        {
            if (stpText.Length != 1 || stpText[0] < (byte)'0' || stpText[0] > (byte)'2') return BadStp;
            stp = (SelfTradePrevention)(stpText[0] - '0');
        }
        if (type == OrderType.Limit)
        {
            if (!m.TryGet(FixTags.Price, out var priceText) || !market.TryParsePrice(priceText, out price)) return BadPrice;
        }
        if (!m.TryGet(FixTags.OrderQty, out var qtyText) || !market.TryParseQuantity(qtyText, out quantity)) return BadQuantity;
        return null;
    }

    /// <summary>Parse + map of a NewOrderSingle into a NewOrder command (the benchmarked hot path; stops and orders with stop-loss / take-profit go through <see cref="ConditionalTranslator"/>).</summary>
    public static OrderProblem? TranslateNewOrder(FixMessage m, MarketDirectory markets, int accountId, long clientOrderId, long requestId,
        out NewOrder order)
    {
        order = default;
        var problem = ReadOrder(m, markets, out int marketId, out var side, out var type, out var tif, out long price, out long quantity, out var flags, out var stp);
        if (problem is not null) return problem;
        order = new NewOrder(new CommandHeader(0, 0, requestId), accountId, marketId, clientOrderId, side, type, tif, price, quantity, flags, stp);
        return null;
    }
}

using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Text;

namespace Backpack.Gateway.WebSockets.Requests;

/// <summary>Why a request was refused before it reached the engine: an upper snake case code and a message for people.</summary>
internal readonly record struct RequestError(string Code, string Message);

/// <summary>
/// Turns order requests into protocol commands, with Backpack's parameter names and values:
/// side Bid/Ask, orderType Limit/Market, timeInForce GTC/IOC/FOK, postOnly, reduceOnly,
/// selfTradePrevention RejectTaker/RejectMaker/RejectBoth, clientId (1 .. 2^32-1), prices and
/// quantities as decimal strings (or JSON numbers) that must be whole ticks and steps.
/// </summary>
internal static partial class OrderRequests
{
    private static readonly OrderParam[] ExecuteParams =
    [
        OrderParam.Symbol, OrderParam.Side, OrderParam.OrderType, OrderParam.Price, OrderParam.Quantity, OrderParam.QuoteQuantity,
        OrderParam.TimeInForce, OrderParam.PostOnly, OrderParam.ReduceOnly, OrderParam.SelfTradePrevention, OrderParam.ClientId,
        OrderParam.TriggerPrice, OrderParam.TriggerQuantity, OrderParam.TriggerBy,
        OrderParam.StopLossTriggerPrice, OrderParam.StopLossLimitPrice, OrderParam.StopLossTriggerBy,
        OrderParam.TakeProfitTriggerPrice, OrderParam.TakeProfitLimitPrice, OrderParam.TakeProfitTriggerBy,
    ];

    private static readonly OrderParam[] CancelParams = [OrderParam.Symbol, OrderParam.OrderId, OrderParam.ClientId];
    private static readonly OrderParam[] SymbolOnly = [OrderParam.Symbol];
    private static readonly OrderParam[] AllParams = Enum.GetValues<OrderParam>();

    /// <summary>
    /// orderExecute: a plain order gives a <see cref="NewOrder"/>; one with a trigger, a stop-loss or a
    /// take-profit gives a <see cref="NewTriggerOrder"/> in <paramref name="conditional"/> instead.
    /// </summary>
    public static RequestError? Execute(WsRequest r, ReadOnlySpan<byte> message, MarketDirectory markets, int accountId, long requestId,
        out NewOrder order, out NewTriggerOrder? conditional)
    {
        order = default;
        conditional = null;
        if (Unexpected(r, ExecuteParams, "orderExecute") is { } unexpected) return unexpected;
        if (Market(r, message, markets, required: true, out int marketId) is { } badMarket) return badMarket;
        ref readonly var units = ref markets.Units(marketId);
        Span<byte> scratch = stackalloc byte[24];

        Side side;
        if (!r.TryGetText(message, OrderParam.Side, scratch, out var sideText)) return Invalid("side is required (Bid or Ask)");
        if (sideText.SequenceEqual("Bid"u8)) side = Side.Buy;
        else if (sideText.SequenceEqual("Ask"u8)) side = Side.Sell;
        else return Invalid("side must be Bid or Ask");

        OrderType type;
        if (!r.TryGetText(message, OrderParam.OrderType, scratch, out var typeText)) return Invalid("orderType is required (Limit or Market)");
        if (typeText.SequenceEqual("Limit"u8)) type = OrderType.Limit;
        else if (typeText.SequenceEqual("Market"u8)) type = OrderType.Market;
        else return Invalid("orderType must be Limit or Market");

        var tif = TimeInForce.Gtc;
        if (r[OrderParam.TimeInForce].Kind != ValueKind.Absent)
        {
            if (!r.TryGetText(message, OrderParam.TimeInForce, scratch, out var tifText)) return Invalid("timeInForce must be GTC, IOC or FOK");
            if (tifText.SequenceEqual("GTC"u8)) tif = TimeInForce.Gtc;
            else if (tifText.SequenceEqual("IOC"u8)) tif = TimeInForce.Ioc;
            else if (tifText.SequenceEqual("FOK"u8)) tif = TimeInForce.Fok;
            else return Invalid("timeInForce must be GTC, IOC or FOK");
        }

        long price = 0;
        if (type == OrderType.Limit)
        {
            if (!r.TryGetText(message, OrderParam.Price, scratch, out var priceText)) return new RequestError(RejectCodes.Of(RejectReason.InvalidPrice), "price is required for a Limit order");
            if (!units.TryParsePrice(priceText, out price))
            {
                return new RequestError(RejectCodes.Of(RejectReason.InvalidPrice), $"price must be a positive multiple of the tick size {markets[marketId].TickSize}");
            }
        }
        else if (r[OrderParam.Price].Kind != ValueKind.Absent)
        {
            return Invalid("A Market order has no price");
        }

        long quantity;
        if (Given(r, OrderParam.TriggerPrice) || Given(r, OrderParam.TriggerQuantity))
        {
            // A trigger order sends its size as triggerQuantity (Backpack's rule).
            if (TriggerQuantity(r, message, markets, marketId, out quantity) is { } badTriggerQuantity) return badTriggerQuantity;
        }
        else
        {
            if (r[OrderParam.QuoteQuantity].Kind != ValueKind.Absent) return Invalid("quoteQuantity is not supported: send quantity");
            if (!r.TryGetText(message, OrderParam.Quantity, scratch, out var quantityText)) return new RequestError(RejectCodes.Of(RejectReason.InvalidQuantity), "quantity is required");
            if (!units.TryParseQuantity(quantityText, out quantity))
            {
                return new RequestError(RejectCodes.Of(RejectReason.InvalidQuantity), $"quantity must be a positive multiple of the step size {markets[marketId].StepSize}");
            }
        }

        var flags = OrderFlags.None;
        if (Flag(r, OrderParam.PostOnly, "postOnly", out bool postOnly) is { } badPostOnly) return badPostOnly;
        if (Flag(r, OrderParam.ReduceOnly, "reduceOnly", out bool reduceOnly) is { } badReduceOnly) return badReduceOnly;
        if (postOnly) flags |= OrderFlags.PostOnly;
        if (reduceOnly) flags |= OrderFlags.ReduceOnly;

        var stp = SelfTradePrevention.RejectTaker;
        if (r[OrderParam.SelfTradePrevention].Kind != ValueKind.Absent)
        {
            if (!r.TryGetText(message, OrderParam.SelfTradePrevention, scratch, out var stpText)) return Invalid("selfTradePrevention must be RejectTaker, RejectMaker or RejectBoth");
            if (stpText.SequenceEqual("RejectTaker"u8)) stp = SelfTradePrevention.RejectTaker;
            else if (stpText.SequenceEqual("RejectMaker"u8)) stp = SelfTradePrevention.RejectMaker;
            else if (stpText.SequenceEqual("RejectBoth"u8)) stp = SelfTradePrevention.RejectBoth;
            else return Invalid("selfTradePrevention must be RejectTaker, RejectMaker or RejectBoth");
        }

        if (ClientId(r, message, out long clientId) is { } badClientId) return badClientId;
        order = new NewOrder(new CommandHeader(0, 0, requestId), accountId, marketId, clientId, side, type, tif, price, quantity, flags, stp);
        return Conditions(r, message, markets, order, out conditional);
    }

    public static RequestError? Cancel(WsRequest r, ReadOnlySpan<byte> message, MarketDirectory markets, int accountId, long requestId, out CancelOrder cancel)
    {
        cancel = default;
        if (Unexpected(r, CancelParams, "orderCancel") is { } unexpected) return unexpected;
        if (Market(r, message, markets, required: true, out int marketId) is { } badMarket) return badMarket;
        long orderId = 0;
        if (r[OrderParam.OrderId].Kind != ValueKind.Absent)
        {
            Span<byte> scratch = stackalloc byte[24];
            if (!r.TryGetText(message, OrderParam.OrderId, scratch, out var text) || !DecimalText.TryParseLong(text, out orderId) || orderId <= 0)
            {
                return Invalid("orderId must be an order id (digits)");
            }
        }
        if (ClientId(r, message, out long clientId) is { } badClientId) return badClientId;
        if (orderId == 0 && clientId == 0) return Invalid("orderCancel needs orderId or clientId");
        cancel = new CancelOrder(new CommandHeader(0, 0, requestId), accountId, marketId, orderId, orderId == 0 ? clientId : 0);
        return null;
    }

    /// <summary>orderCancelAll, orderQueryAll and positionQuery: an optional symbol (absent = every market).</summary>
    public static RequestError? OptionalSymbol(WsRequest r, ReadOnlySpan<byte> message, MarketDirectory markets, string method, out int marketId)
    {
        marketId = 0;
        if (Unexpected(r, SymbolOnly, method) is { } unexpected) return unexpected;
        return Market(r, message, markets, required: false, out marketId);
    }

    private static RequestError? Unexpected(WsRequest r, OrderParam[] allowed, string method)
    {
        foreach (var p in AllParams)
        {
            if (r[p].Kind != ValueKind.Absent && Array.IndexOf(allowed, p) < 0) return new RequestError("INVALID_REQUEST", $"{Name(p)} is not a parameter of {method}");
        }
        return null;
    }

    private static RequestError? Market(WsRequest r, ReadOnlySpan<byte> message, MarketDirectory markets, bool required, out int marketId)
    {
        marketId = 0;
        if (r[OrderParam.Symbol].Kind == ValueKind.Absent)
        {
            return required ? Invalid("symbol is required") : null;
        }
        if (r[OrderParam.Symbol].Kind != ValueKind.String) return Invalid("symbol must be a string");
        var symbol = message.Slice(r[OrderParam.Symbol].Start, r[OrderParam.Symbol].Length);
        marketId = markets.Find(symbol);
        return marketId == 0 ? new RequestError(RejectCodes.Of(RejectReason.UnknownMarket), $"Unknown symbol '{System.Text.Encoding.UTF8.GetString(symbol)}'") : null;
    }

    private static RequestError? Flag(WsRequest r, OrderParam p, string name, out bool value)
    {
        var kind = r[p].Kind;
        value = kind == ValueKind.True;
        return kind is ValueKind.Absent or ValueKind.True or ValueKind.False or ValueKind.Null ? null : Invalid($"{name} must be true or false");
    }

    private static RequestError? ClientId(WsRequest r, ReadOnlySpan<byte> message, out long clientId)
    {
        clientId = 0;
        if (r[OrderParam.ClientId].Kind is ValueKind.Absent or ValueKind.Null) return null;
        Span<byte> scratch = stackalloc byte[24];
        if (r[OrderParam.ClientId].Kind is ValueKind.NumberText or ValueKind.Integer
            && r.TryGetText(message, OrderParam.ClientId, scratch, out var text) && DecimalText.TryParseLong(text, out clientId) && clientId is > 0 and <= uint.MaxValue)
        {
            return null;
        }
        clientId = 0;
        return Invalid("clientId must be an integer from 1 to 4294967295");
    }

    private static RequestError Invalid(string message) => new(RejectCodes.Of(RejectReason.InvalidOrder), message);

    private static string Name(OrderParam p) => p switch
    {
        OrderParam.Symbol => "symbol",
        OrderParam.Side => "side",
        OrderParam.OrderType => "orderType",
        OrderParam.Price => "price",
        OrderParam.Quantity => "quantity",
        OrderParam.QuoteQuantity => "quoteQuantity",
        OrderParam.TimeInForce => "timeInForce",
        OrderParam.PostOnly => "postOnly",
        OrderParam.ReduceOnly => "reduceOnly",
        OrderParam.SelfTradePrevention => "selfTradePrevention",
        OrderParam.ClientId => "clientId",
        OrderParam.OrderId => "orderId",
        _ => ConditionalName(p),
    };
}

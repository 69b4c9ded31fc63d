using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.WebSockets.Requests;

/// <summary>
/// orderExecute's conditions, with Backpack's names: a trigger order (triggerPrice, triggerQuantity
/// sent instead of quantity, triggerBy MarkPrice/LastPrice/IndexPrice, default MarkPrice) and the
/// stop-loss and take-profit an order's fills arm (stopLossTriggerPrice, stopLossLimitPrice,
/// stopLossTriggerBy and the takeProfit ones). Prices must be whole ticks and the quantity whole
/// steps, as for a plain order; which side of the market a trigger lies on is the engine's check.
/// </summary>
internal static partial class OrderRequests
{
    /// <summary>Backpack's code for parameters that do not fit together (triggerPrice without triggerQuantity).</summary>
    public const string InvalidClientRequest = "INVALID_CLIENT_REQUEST";

    /// <summary>Present and not null (a null trigger parameter counts as not sent).</summary>
    private static bool Given(WsRequest r, OrderParam p) => r[p].Kind is not (ValueKind.Absent or ValueKind.Null);

    /// <summary>A trigger order's size: triggerQuantity, which comes with triggerPrice and instead of quantity.</summary>
    private static RequestError? TriggerQuantity(WsRequest r, ReadOnlySpan<byte> message, MarketDirectory markets, int marketId, out long quantity)
    {
        quantity = 0;
        if (!Given(r, OrderParam.TriggerPrice) || !Given(r, OrderParam.TriggerQuantity))
        {
            return new RequestError(InvalidClientRequest, "Must specify both `triggerPrice` and `triggerQuantity` or neither");
        }
        if (Given(r, OrderParam.Quantity))
        {
            return new RequestError(InvalidClientRequest, "A trigger order gives its size as `triggerQuantity`: send `triggerQuantity` or `quantity`, not both");
        }
        if (r[OrderParam.QuoteQuantity].Kind != ValueKind.Absent) return Invalid("quoteQuantity is not supported: send triggerQuantity");
        Span<byte> scratch = stackalloc byte[24];
        if (r.TryGetText(message, OrderParam.TriggerQuantity, scratch, out var text))
        {
            if (text.Length > 0 && text[^1] == (byte)'%')
            {
                return new RequestError(RejectCodes.Of(RejectReason.InvalidQuantity),
                    "triggerQuantity as a percentage of the position (\"100%\") is not supported: send the quantity");
            }
            if (markets.Units(marketId).TryParseQuantity(text, out quantity)) return null;
        }
        return new RequestError(RejectCodes.Of(RejectReason.InvalidQuantity), $"triggerQuantity must be a positive multiple of the step size {markets[marketId].StepSize}");
    }

    /// <summary>
    /// Reads the trigger, stop-loss and take-profit parameters of an order already read as
    /// <paramref name="order"/>: none of them leaves it a plain order (<paramref name="conditional"/> null).
    /// </summary>
    private static RequestError? Conditions(WsRequest r, ReadOnlySpan<byte> message, MarketDirectory markets, in NewOrder order, out NewTriggerOrder? conditional)
    {
        conditional = null;
        int marketId = order.MarketId;
        if (Condition(r, message, markets, marketId, OrderParam.TriggerPrice, null, OrderParam.TriggerBy, out long trigger, out _, out var triggerBy) is { } badTrigger)
            return badTrigger;
        if (Condition(r, message, markets, marketId, OrderParam.StopLossTriggerPrice, OrderParam.StopLossLimitPrice, OrderParam.StopLossTriggerBy,
                out long stopLoss, out long stopLossLimit, out var stopLossBy) is { } badStopLoss)
            return badStopLoss;
        if (Condition(r, message, markets, marketId, OrderParam.TakeProfitTriggerPrice, OrderParam.TakeProfitLimitPrice, OrderParam.TakeProfitTriggerBy,
                out long takeProfit, out long takeProfitLimit, out var takeProfitBy) is { } badTakeProfit)
            return badTakeProfit;
        if (trigger == 0 && stopLoss == 0 && takeProfit == 0) return null;
        conditional = new NewTriggerOrder(order.Header, order.AccountId, marketId, order.ClientOrderId, order.Side, order.OrderType, order.TimeInForce,
            order.Price, order.Quantity, order.Flags, order.SelfTradePrevention, trigger, triggerBy,
            stopLoss, stopLossLimit, stopLossBy, takeProfit, takeProfitLimit, takeProfitBy);
        return null;
    }

    /// <summary>One trigger price with its optional limit price and price source; all zero (and MarkPrice) when the trigger price is not sent.</summary>
    private static RequestError? Condition(WsRequest r, ReadOnlySpan<byte> message, MarketDirectory markets, int marketId,
        OrderParam triggerParam, OrderParam? limitParam, OrderParam byParam, out long trigger, out long limit, out TriggerSource by)
    {
        trigger = limit = 0;
        by = TriggerSource.MarkPrice;
        if (!Given(r, triggerParam))
        {
            if (limitParam is { } l && Given(r, l)) return Invalid($"{Name(l)} needs {Name(triggerParam)}");
            return Given(r, byParam) ? Invalid($"{Name(byParam)} needs {Name(triggerParam)}") : null;
        }
        ref readonly var units = ref markets.Units(marketId);
        Span<byte> scratch = stackalloc byte[24];
        if (!r.TryGetText(message, triggerParam, scratch, out var text) || !units.TryParsePrice(text, out trigger))
        {
            trigger = 0;
            return new RequestError(RejectCodes.Of(RejectReason.InvalidTriggerPrice),
                $"{Name(triggerParam)} must be a positive multiple of the tick size {markets[marketId].TickSize}");
        }
        if (limitParam is { } limitName && Given(r, limitName)
            && (!r.TryGetText(message, limitName, scratch, out text) || !units.TryParsePrice(text, out limit)))
        {
            return new RequestError(RejectCodes.Of(RejectReason.InvalidPrice), $"{Name(limitName)} must be a positive multiple of the tick size {markets[marketId].TickSize}");
        }
        if (!Given(r, byParam)) return null;
        if (r.TryGetText(message, byParam, scratch, out text))
        {
            if (text.SequenceEqual("MarkPrice"u8)) return null;
            by = text.SequenceEqual("LastPrice"u8) ? TriggerSource.LastPrice : text.SequenceEqual("IndexPrice"u8) ? TriggerSource.IndexPrice : by;
            if (by != TriggerSource.MarkPrice) return null;
        }
        return Invalid($"{Name(byParam)} must be MarkPrice, LastPrice or IndexPrice");
    }

    private static string ConditionalName(OrderParam p) => p switch
    {
        OrderParam.TriggerPrice => "triggerPrice",
        OrderParam.TriggerQuantity => "triggerQuantity",
        OrderParam.TriggerBy => "triggerBy",
        OrderParam.StopLossTriggerPrice => "stopLossTriggerPrice",
        OrderParam.StopLossLimitPrice => "stopLossLimitPrice",
        OrderParam.StopLossTriggerBy => "stopLossTriggerBy",
        OrderParam.TakeProfitTriggerPrice => "takeProfitTriggerPrice",
        OrderParam.TakeProfitLimitPrice => "takeProfitLimitPrice",
        _ => "takeProfitTriggerBy",
    };
}

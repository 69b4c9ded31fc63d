using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// Orders as account.orderUpdate and the order requests' results describe them, conditional orders
/// included: a trigger order carries its trigger (P, B, Y / triggerPrice, triggerBy,
/// triggerQuantity), an order with a stop-loss or take-profit the terms of its legs (a, b, d, g, j, k
/// / stopLoss*, takeProfit*), and a leg the order that armed it (I / relatedOrderId).
/// </summary>
internal sealed partial class StreamEncoder
{
    // ------------------------------------------------------------------ account.orderUpdate

    /// <summary>An orderUpdate event for a known order (<paramref name="order"/> as it is after the event).</summary>
    public void OrderUpdate(MessageWriter w, ReadOnlySpan<byte> eventName, in OrderInfo order, ReadOnlySpan<byte> status, long time)
    {
        OrderFields(w, eventName, order, status, time);
        w.Number("T"u8, time);
    }

    /// <summary>An orderFill event: the order's fields and the fill's.</summary>
    public void OrderUpdate(MessageWriter w, ReadOnlySpan<byte> eventName, in OrderInfo order, ReadOnlySpan<byte> status, long time, in OrderFilled fill)
    {
        OrderFields(w, eventName, order, status, time);
        FillFields(w, fill);
        w.Number("T"u8, time);
    }

    /// <summary>An orderCancelled or orderExpired event; an expiry carries its reason R.</summary>
    public void OrderUpdate(MessageWriter w, ReadOnlySpan<byte> eventName, in OrderInfo order, ReadOnlySpan<byte> status, long time, CancelReason expiry)
    {
        OrderFields(w, eventName, order, status, time);
        var reason = ExpiryReasonOf(expiry);
        if (!reason.IsEmpty) w.String("R"u8, reason);
        w.Number("T"u8, time);
    }

    private void OrderFields(MessageWriter w, ReadOnlySpan<byte> eventName, in OrderInfo order, ReadOnlySpan<byte> status, long time)
    {
        ref readonly var units = ref Markets.Units(order.MarketId);
        w.String("e"u8, eventName);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(order.MarketId));
        if (IsClientId(order.ClientOrderId)) w.Number("c"u8, order.ClientOrderId);
        w.String("S"u8, SideOf(order.Side));
        w.String("o"u8, order.Type == OrderType.Limit ? "LIMIT"u8 : "MARKET"u8);
        w.String("f"u8, TimeInForceOf(order.TimeInForce));
        // A pending trigger order has no quantity yet: Backpack sends q "0" and the size as Y.
        w.Quantity("q"u8, order.Pending ? 0 : order.Quantity, units);
        if (order.Type == OrderType.Limit) w.Price("p"u8, order.Price, units);
        w.String("X"u8, status);
        w.IdString("i"u8, order.OrderId);
        w.Quantity("z"u8, order.Cumulative, units);
        w.Usdc("Z"u8, order.CumulativeQuote);
        w.Bool("r"u8, (order.Flags & OrderFlags.ReduceOnly) != 0);
        w.String("V"u8, SelfTradePreventionOf(order.SelfTradePrevention));
        w.String("O"u8, OriginOf(order.Origin));
        ConditionFields(w, order, units);
    }

    /// <summary>P, B, Y of a trigger order; a, b, d, g, j, k of an order with a take-profit / stop-loss; I of a leg.</summary>
    private static void ConditionFields(MessageWriter w, in OrderInfo order, in MarketUnits units)
    {
        ref readonly var c = ref order.Conditions;
        if (c.IsTrigger)
        {
            w.Price("P"u8, c.TriggerPrice, units);
            w.String("B"u8, OrderConditions.SourceName(c.TriggerBy));
            w.Quantity("Y"u8, order.Quantity, units);
        }
        if (c.TakeProfitTrigger != 0)
        {
            w.Price("a"u8, c.TakeProfitTrigger, units);
            w.String("d"u8, OrderConditions.SourceName(c.TakeProfitBy));
            if (c.TakeProfitLimit != 0) w.Price("j"u8, c.TakeProfitLimit, units);
        }
        if (c.StopLossTrigger != 0)
        {
            w.Price("b"u8, c.StopLossTrigger, units);
            w.String("g"u8, OrderConditions.SourceName(c.StopLossBy));
            if (c.StopLossLimit != 0) w.Price("k"u8, c.StopLossLimit, units);
        }
        if (c.ParentOrderId != 0) w.IdString("I"u8, c.ParentOrderId);
    }

    /// <summary>A triggerFailed event: the order fired but could not enter the book, for the reason R (the engine's reject code).</summary>
    public void OrderUpdate(MessageWriter w, ReadOnlySpan<byte> eventName, in OrderInfo order, ReadOnlySpan<byte> status, long time, RejectReason failure)
    {
        OrderFields(w, eventName, order, status, time);
        w.String("R"u8, RejectCodes.Of(failure));
        w.Number("T"u8, time);
    }

    private void FillFields(MessageWriter w, in OrderFilled e)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.Number("t"u8, e.TradeId);
        w.Quantity("l"u8, e.Quantity, units);
        w.Price("L"u8, e.Price, units);
        w.Bool("m"u8, e.Liquidity == Liquidity.Maker);
        w.Usdc("n"u8, e.Fee);
        w.String("N"u8, "USDC"u8);
        if (e.LiquidationId != 0)
        {
            w.Number("liquidationId"u8, e.LiquidationId);
            w.String("stage"u8, StageOf(e.Stage));
        }
    }

    /// <summary>An orderFill without a book order behind it (a backstop take-over or an ADL close): the fill describes itself.</summary>
    public void OffBookFill(MessageWriter w, in OrderFilled e)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.String("e"u8, "orderFill"u8);
        w.Number("E"u8, e.Header.Time);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.String("S"u8, SideOf(e.Side));
        w.String("o"u8, "MARKET"u8);
        w.String("f"u8, "IOC"u8);
        w.Quantity("q"u8, e.CumulativeQuantity + e.LeavesQuantity, units);
        w.String("X"u8, e.LeavesQuantity == 0 ? "Filled"u8 : "PartiallyFilled"u8);
        w.Quantity("z"u8, e.CumulativeQuantity, units);
        w.Usdc("Z"u8, e.CumulativeQuote);
        w.Bool("r"u8, true);
        w.String("O"u8, OriginOf(e.Origin));
        FillFields(w, e);
        w.Number("T"u8, e.Header.Time);
    }

    /// <summary>Why an order left the book without filling, as orderExpired's R (null = a plain cancel: orderCancelled).</summary>
    public static ReadOnlySpan<byte> ExpiryReasonOf(CancelReason reason) => reason switch
    {
        CancelReason.Expired => "IMMEDIATE_OR_CANCEL"u8,
        CancelReason.FillOrKillNotFilled => "FILL_OR_KILL"u8,
        CancelReason.SelfTradePrevention => "SELF_TRADE_PREVENTION"u8,
        CancelReason.ReduceOnly => "REDUCE_ONLY"u8,
        CancelReason.Liquidation => "LIQUIDATION"u8,
        _ => default,
    };

    // ------------------------------------------------------------------ orders as request results

    /// <summary>An order object as orderExecute, orderCancel and orderQueryAll return it.</summary>
    public void Order(MessageWriter w, in OrderInfo order, ReadOnlySpan<byte> status)
    {
        ref readonly var units = ref Markets.Units(order.MarketId);
        w.BeginObject();
        w.IdString("id"u8, order.OrderId);
        if (IsClientId(order.ClientOrderId)) w.Number("clientId"u8, order.ClientOrderId);
        w.String("symbol"u8, Markets.SymbolOf(order.MarketId));
        w.String("side"u8, SideOf(order.Side));
        w.String("orderType"u8, order.Type == OrderType.Limit ? "Limit"u8 : "Market"u8);
        w.String("timeInForce"u8, TimeInForceOf(order.TimeInForce));
        if (order.Type == OrderType.Limit) w.Price("price"u8, order.Price, units);
        // A pending trigger order's size is its triggerQuantity (Backpack's quantity is null until it fires).
        if (!order.Pending) w.Quantity("quantity"u8, order.Quantity, units);
        w.Quantity("executedQuantity"u8, order.Cumulative, units);
        w.Usdc("executedQuoteQuantity"u8, order.CumulativeQuote);
        w.String("status"u8, status);
        w.Bool("postOnly"u8, (order.Flags & OrderFlags.PostOnly) != 0);
        w.Bool("reduceOnly"u8, (order.Flags & OrderFlags.ReduceOnly) != 0);
        w.String("selfTradePrevention"u8, SelfTradePreventionOf(order.SelfTradePrevention));
        w.String("origin"u8, OriginOf(order.Origin));
        w.Number("createdAt"u8, order.CreatedAt);
        ConditionObjectFields(w, order, units);
        w.EndObject();
    }

    public static ReadOnlySpan<byte> SelfTradePreventionOf(SelfTradePrevention mode) => mode switch
    {
        SelfTradePrevention.RejectMaker => "RejectMaker"u8,
        SelfTradePrevention.RejectBoth => "RejectBoth"u8,
        _ => "RejectTaker"u8,
    };

    /// <summary>The order object's trigger, stop-loss, take-profit and related-order fields, each present only when set.</summary>
    private static void ConditionObjectFields(MessageWriter w, in OrderInfo order, in MarketUnits units)
    {
        ref readonly var c = ref order.Conditions;
        if (c.IsTrigger)
        {
            w.Price("triggerPrice"u8, c.TriggerPrice, units);
            w.Quantity("triggerQuantity"u8, order.Quantity, units);
            w.String("triggerBy"u8, OrderConditions.SourceName(c.TriggerBy));
        }
        if (c.StopLossTrigger != 0)
        {
            w.Price("stopLossTriggerPrice"u8, c.StopLossTrigger, units);
            if (c.StopLossLimit != 0) w.Price("stopLossLimitPrice"u8, c.StopLossLimit, units);
            w.String("stopLossTriggerBy"u8, OrderConditions.SourceName(c.StopLossBy));
        }
        if (c.TakeProfitTrigger != 0)
        {
            w.Price("takeProfitTriggerPrice"u8, c.TakeProfitTrigger, units);
            if (c.TakeProfitLimit != 0) w.Price("takeProfitLimitPrice"u8, c.TakeProfitLimit, units);
            w.String("takeProfitTriggerBy"u8, OrderConditions.SourceName(c.TakeProfitBy));
        }
        if (c.ParentOrderId != 0) w.IdString("relatedOrderId"u8, c.ParentOrderId);
    }
}

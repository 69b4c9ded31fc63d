using System.Text.Json;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest.Orders;

/// <summary>A stop-loss or take-profit attached to an order, as the order request gave it (prices in ticks; limit 0 = market).</summary>
public readonly record struct AttachedExit(long TriggerPrice, long LimitPrice, TriggerSource TriggerBy);

/// <summary>
/// An order as Backpack's REST API shows it (the <c>Order</c> object of api/v1/order(s) and
/// wapi/v1/history/orders): made from what the engine answered or the history database holds.
/// Prices in ticks, quantities in lots, FilledQuote in micro-USDC, CreatedAt in engine µs.
/// </summary>
public sealed record RestOrder(
    MarketDefinition Market,
    long OrderId,
    long ClientId,
    Side Side,
    OrderType Type,
    TimeInForce TimeInForce,
    long Price,
    long Quantity,
    long Filled,
    long FilledQuote,
    OrderFlags Flags,
    SelfTradePrevention Stp,
    long CreatedAt,
    string Status,
    long TriggerPrice = 0,
    TriggerSource TriggerBy = TriggerSource.MarkPrice,
    bool Pending = false,
    long RelatedOrderId = 0,
    AttachedExit StopLoss = default,
    AttachedExit TakeProfit = default,
    string? ExpiryReason = null)
{
    /// <summary>Backpack's status of an order still working: New, PartiallyFilled or TriggerPending.</summary>
    public static string WorkingStatus(bool pending, long filled) => pending ? OrderStatus.TriggerPending : filled > 0 ? OrderStatus.PartiallyFilled : OrderStatus.New;

    public static RestOrder From(MarketDefinition m, in OrderSnapshot o) => new(m, o.OrderId, o.ClientOrderId, o.Side, o.OrderType, o.TimeInForce,
        o.Price, o.Quantity, o.CumulativeQuantity, o.CumulativeQuote, o.Flags, o.SelfTradePrevention, o.CreatedAt,
        WorkingStatus(o.Pending, o.CumulativeQuantity), o.TriggerPrice, o.TriggerBy, o.Pending, o.ParentOrderId);

    public static RestOrder From(MarketDefinition m, OrderRow o) => new(m, o.OrderId, o.ClientOrderId, (Side)o.Side, (OrderType)o.OrderType,
        (TimeInForce)o.TimeInForce, o.Price, o.Quantity, o.Filled, o.FilledQuote, (OrderFlags)o.Flags, (SelfTradePrevention)o.Stp, o.Created,
        o.Status, o.TriggerPrice, (TriggerSource)o.TriggerBy, o.Status == OrderStatus.TriggerPending, o.ParentOrderId, ExpiryReason: o.Reason);

    /// <summary>The answer to an order request: accepted (with what it filled and whether its rest expired in the same command) or placed as a pending trigger.</summary>
    public static RestOrder From(MarketDefinition m, DeskTicket t, in NewTriggerOrder asked)
    {
        AttachedExit stopLoss = new(asked.StopLossTriggerPrice, asked.StopLossLimitPrice, asked.StopLossTriggerBy);
        AttachedExit takeProfit = new(asked.TakeProfitTriggerPrice, asked.TakeProfitLimitPrice, asked.TakeProfitTriggerBy);
        if (t.Placed is { } p)
        {
            return new RestOrder(m, p.OrderId, p.ClientOrderId, p.Side, p.OrderType, p.TimeInForce, p.Price, p.Quantity, 0, 0, p.Flags,
                p.SelfTradePrevention, p.Header.Time, OrderStatus.TriggerPending, p.TriggerPrice, p.TriggerBy, true, 0, stopLoss, takeProfit);
        }
        var a = t.Accepted!.Value;
        string status = t.Filled == a.Quantity ? OrderStatus.Filled
            : t.EndedBy is { } reason ? (reason is CancelReason.UserCanceled or CancelReason.Oco ? OrderStatus.Cancelled : OrderStatus.Expired)
            : WorkingStatus(false, t.Filled);
        return new RestOrder(m, a.OrderId, a.ClientOrderId, a.Side, a.OrderType, a.TimeInForce, a.OrderType == OrderType.Market ? 0 : a.Price,
            a.Quantity, t.Filled, t.FilledQuote, a.Flags, a.SelfTradePrevention, a.Header.Time, status, StopLoss: stopLoss, TakeProfit: takeProfit,
            ExpiryReason: status == OrderStatus.Expired ? t.EndedBy.ToString() : null);
    }

    /// <summary>
    /// Writes Backpack's order object. <paramref name="isoTime"/>: createdAt as naive ISO text (the
    /// history endpoint) instead of milliseconds (api/v1/order(s)); <paramref name="operation"/>: a
    /// batch answer's "Ok".
    /// </summary>
    public void Write(Utf8JsonWriter w, bool isoTime = false, string? operation = null)
    {
        var m = Market;
        w.WriteStartObject();
        if (operation is not null) w.WriteString("operation", operation);
        if (ClientId is > 0 and <= uint.MaxValue) w.WriteNumber("clientId", ClientId);
        else w.WriteNull("clientId");
        if (isoTime) w.WriteString("createdAt", Iso(CreatedAt));
        else w.WriteNumber("createdAt", Millis(CreatedAt));
        w.WriteString("executedQuantity", BackpackJson.Quantity(m, Filled));
        w.WriteString("executedQuoteQuantity", Usdc(FilledQuote));
        if (isoTime)
        {
            if (ExpiryReason is null) w.WriteNull("expiryReason");
            else w.WriteString("expiryReason", ExpiryReason);
        }
        w.WriteString("id", OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("orderType", Type == OrderType.Limit ? "Limit" : "Market");
        w.WriteBoolean("postOnly", (Flags & OrderFlags.PostOnly) != 0);
        OptionalPrice(w, "price", Type == OrderType.Limit ? Price : 0);
        if (Pending) w.WriteNull("quantity");
        else w.WriteString("quantity", BackpackJson.Quantity(m, Quantity));
        w.WriteBoolean("reduceOnly", (Flags & OrderFlags.ReduceOnly) != 0);
        if (RelatedOrderId != 0) w.WriteString("relatedOrderId", RelatedOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        else w.WriteNull("relatedOrderId");
        w.WriteString("selfTradePrevention", Stp.ToString());
        w.WriteString("side", Side == Side.Buy ? "Bid" : "Ask");
        w.WriteString("status", Status);
        Exit(w, "stopLoss", StopLoss);
        w.WriteString("symbol", m.Symbol);
        Exit(w, "takeProfit", TakeProfit);
        w.WriteString("timeInForce", TimeInForce switch { TimeInForce.Ioc => "IOC", TimeInForce.Fok => "FOK", _ => "GTC" });
        if (TriggerPrice > 0)
        {
            w.WriteString("triggerBy", TriggerBy.ToString());
            w.WriteString("triggerPrice", BackpackJson.Price(m, TriggerPrice));
            w.WriteString("triggerQuantity", BackpackJson.Quantity(m, Quantity));
        }
        else
        {
            w.WriteNull("triggerBy");
            w.WriteNull("triggerPrice");
            w.WriteNull("triggerQuantity");
        }
        w.WriteEndObject();
    }

    private void Exit(Utf8JsonWriter w, string prefix, AttachedExit exit)
    {
        if (exit.TriggerPrice > 0)
        {
            OptionalPrice(w, prefix + "LimitPrice", exit.LimitPrice);
            w.WriteString(prefix + "TriggerBy", exit.TriggerBy.ToString());
            w.WriteString(prefix + "TriggerPrice", BackpackJson.Price(Market, exit.TriggerPrice));
        }
        else
        {
            w.WriteNull(prefix + "LimitPrice");
            w.WriteNull(prefix + "TriggerBy");
            w.WriteNull(prefix + "TriggerPrice");
        }
    }

    private void OptionalPrice(Utf8JsonWriter w, string name, long ticks)
    {
        if (ticks > 0) w.WriteString(name, BackpackJson.Price(Market, ticks));
        else w.WriteNull(name);
    }
}

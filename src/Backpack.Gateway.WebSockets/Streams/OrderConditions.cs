using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// What makes an order conditional: its trigger (a trigger order, or a stop-loss / take-profit leg,
/// whose parent is the order that armed it) and the stop-loss and take-profit its fills arm. The
/// engine's events carry the trigger; the stop-loss and take-profit terms are known from the
/// orderExecute that placed the order (an order placed elsewhere shows its legs, not its terms).
/// </summary>
internal struct OrderConditions
{
    /// <summary>Trigger price in ticks; 0 = not a trigger order.</summary>
    public long TriggerPrice;
    public TriggerSource TriggerBy;
    public TriggerKind Kind;

    /// <summary>A leg's parent order (Backpack's relatedOrderId); 0 otherwise.</summary>
    public long ParentOrderId;

    /// <summary>Stop-loss and take-profit trigger and limit prices in ticks; 0 = none / a market leg.</summary>
    public long StopLossTrigger;
    public long StopLossLimit;
    public TriggerSource StopLossBy;
    public long TakeProfitTrigger;
    public long TakeProfitLimit;
    public TriggerSource TakeProfitBy;

    public readonly bool IsTrigger => TriggerPrice != 0;

    /// <summary>The order arms a stop-loss or a take-profit when it fills.</summary>
    public readonly bool HasExits => StopLossTrigger != 0 || TakeProfitTrigger != 0;

    public static OrderConditions Of(in NewTriggerOrder c) => new()
    {
        TriggerPrice = c.TriggerPrice,
        TriggerBy = c.TriggerBy,
        StopLossTrigger = c.StopLossTriggerPrice,
        StopLossLimit = c.StopLossLimitPrice,
        StopLossBy = c.StopLossTriggerBy,
        TakeProfitTrigger = c.TakeProfitTriggerPrice,
        TakeProfitLimit = c.TakeProfitLimitPrice,
        TakeProfitBy = c.TakeProfitTriggerBy,
    };

    /// <summary>The trigger of a TriggerPlaced, with the stop-loss / take-profit terms of <paramref name="requested"/> (those the request gave).</summary>
    public static OrderConditions Of(in TriggerPlaced e, in OrderConditions requested)
    {
        var c = requested;
        c.TriggerPrice = e.TriggerPrice;
        c.TriggerBy = e.TriggerBy;
        c.Kind = e.Kind;
        c.ParentOrderId = e.ParentOrderId;
        return c;
    }

    public static ReadOnlySpan<byte> SourceName(TriggerSource source) => source switch
    {
        TriggerSource.LastPrice => "LastPrice"u8,
        TriggerSource.IndexPrice => "IndexPrice"u8,
        _ => "MarkPrice"u8,
    };
}

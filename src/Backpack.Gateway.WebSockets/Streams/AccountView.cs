using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Orders;
using Backpack.Gateway.WebSockets.Connections;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>An open order as a private stream describes it (what the fill and cancel events do not repeat).</summary>
internal struct OrderInfo
{
    public int MarketId;
    public long OrderId;
    public long ClientOrderId;
    public Side Side;
    public OrderType Type;
    public TimeInForce TimeInForce;
    public long Price;

    /// <summary>Quantities, fills and status, kept by the order tracker FIX uses too.</summary>
    public OrderProgress Progress;

    public readonly long Quantity => Progress.Quantity;
    public readonly long Cumulative => Progress.Cumulative;
    public readonly long CumulativeQuote => Progress.CumulativeQuote;
    public OrderFlags Flags;
    public SelfTradePrevention SelfTradePrevention;
    public OrderOrigin Origin;
    public long CreatedAt;

    /// <summary>Trigger, stop-loss and take-profit terms (all zero for a plain order).</summary>
    public OrderConditions Conditions;

    /// <summary>A conditional order waiting for its trigger (TriggerPending): off the book, its quantity is its trigger quantity.</summary>
    public bool Pending;

    public static OrderInfo From(in OrderAccepted e) => new()
    {
        MarketId = e.MarketId,
        OrderId = e.OrderId,
        ClientOrderId = e.ClientOrderId,
        Side = e.Side,
        Type = e.OrderType,
        TimeInForce = e.TimeInForce,
        Price = e.Price,
        Progress = OrderProgress.Open(e.Quantity),
        Flags = e.Flags,
        SelfTradePrevention = e.SelfTradePrevention,
        Origin = e.Origin,
        CreatedAt = e.Header.Time,
    };

    public static OrderInfo From(in TriggerPlaced e, in OrderConditions requested) => new()
    {
        MarketId = e.MarketId,
        OrderId = e.OrderId,
        ClientOrderId = e.ClientOrderId,
        Side = e.Side,
        Type = e.OrderType,
        TimeInForce = e.TimeInForce,
        Price = e.Price,
        Progress = OrderProgress.Open(e.Quantity),
        Flags = e.Flags,
        SelfTradePrevention = e.SelfTradePrevention,
        Origin = OrderOrigin.User,
        CreatedAt = e.Header.Time,
        Conditions = OrderConditions.Of(e, requested),
        Pending = true,
    };

    public static OrderInfo From(in OrderSnapshot e) => new()
    {
        MarketId = e.MarketId,
        OrderId = e.OrderId,
        ClientOrderId = e.ClientOrderId,
        Side = e.Side,
        Type = e.OrderType,
        TimeInForce = e.TimeInForce,
        Price = e.Price,
        Progress = OrderProgress.Open(e.Quantity, e.CumulativeQuantity, e.CumulativeQuote, e.LeavesQuantity),
        Flags = e.Flags,
        Origin = e.Origin,
        CreatedAt = e.Header.Time,
        Conditions = new OrderConditions { TriggerPrice = e.TriggerPrice, TriggerBy = e.TriggerBy, Kind = e.TriggerKind, ParentOrderId = e.ParentOrderId },
        Pending = e.Pending,
    };
}

/// <summary>A position as the private streams describe it.</summary>
internal struct PositionInfo
{
    public long Quantity;
    public long EntryNotional;
    public long RealizedPnl;
    public long MarkPrice;
    public int AdlQuintile;

    /// <summary>The place in its ADL queue at the last ranking (from the snapshot, then AdlQueuePosition).</summary>
    public AdlPlaceInfo Adl;

    /// <summary>The liquidation that changed the position in this event (PositionChanged.LiquidationId); 0 = none.</summary>
    public long LiquidationId;

    public static PositionInfo From(in PositionChanged e) => new()
    {
        Quantity = e.Quantity, EntryNotional = e.EntryNotional, RealizedPnl = e.RealizedPnl, MarkPrice = e.MarkPrice, AdlQuintile = e.AdlQuintile,
        LiquidationId = e.LiquidationId,
    };

    public static PositionInfo From(in PositionSnapshot e) => new()
    {
        Quantity = e.Quantity, EntryNotional = e.EntryNotional, RealizedPnl = e.RealizedPnl, MarkPrice = e.MarkPrice, AdlQuintile = e.AdlQuintile,
        Adl = new() { Rank = e.AdlRank, Length = e.AdlQueueLength, Ahead = e.AdlNotionalAhead, Notional = e.AdlNotional, Score = e.AdlScore },
    };
}

/// <summary>
/// What the dispatcher knows of one account while a connection of it is logged on: its open
/// orders, positions and collateral, built from the engine's QueryAccount snapshot and then kept
/// current from the event stream (which the dispatcher sees in engine order, so the two never
/// disagree). The private streams read it for the fields an event does not carry.
/// </summary>
internal sealed class AccountView(int accountId)
{
    public int AccountId { get; } = accountId;
    public List<WsConnection> Connections { get; } = [];
    public Dictionary<long, OrderInfo> Orders { get; } = [];
    public Dictionary<int, PositionInfo> Positions { get; } = [];
    public long Collateral { get; set; }

    public ref OrderInfo Order(long orderId) => ref CollectionsMarshal.GetValueRefOrNullRef(Orders, orderId);

    public void Accepted(in OrderInfo order) => Orders[order.OrderId] = order;

    /// <summary>Applies a fill to its book order; false for a fill without a known order (off-book, or opened before the view).</summary>
    public bool Filled(in OrderFilled e, out OrderInfo after)
    {
        ref var order = ref e.OrderId == 0 ? ref System.Runtime.CompilerServices.Unsafe.NullRef<OrderInfo>() : ref Order(e.OrderId);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref order))
        {
            after = default;
            return false;
        }
        order.Progress.Fill(e.CumulativeQuantity, e.CumulativeQuote, e.LeavesQuantity);
        after = order;
        if (e.LeavesQuantity == 0) Orders.Remove(e.OrderId);
        return true;
    }

    public void Replaced(in OrderReplaced e)
    {
        ref var order = ref Order(e.OrderId);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref order)) return;
        order.ClientOrderId = e.ClientOrderId;
        order.Price = e.Price;
        order.Progress.Replace(e.Quantity, e.CumulativeQuantity, e.LeavesQuantity);
        if (e.LeavesQuantity == 0) Orders.Remove(e.OrderId);
    }

    public void PositionChanged(in PositionChanged e)
    {
        Collateral = e.Collateral;
        if (e.Quantity == 0)
        {
            Positions.Remove(e.MarketId);
            return;
        }
        var place = Positions.TryGetValue(e.MarketId, out var before) ? before.Adl : default;
        Positions[e.MarketId] = PositionInfo.From(e) with { Adl = place }; // the place changes at the next ranking
    }

    /// <summary>A new place in an ADL queue, kept on the position (none when the account closed it since).</summary>
    public void AdlPlaceChanged(in AdlQueuePosition e)
    {
        ref var position = ref CollectionsMarshal.GetValueRefOrNullRef(Positions, e.MarketId);
        if (!Unsafe.IsNullRef(ref position)) position.Adl = AdlPlaceInfo.From(e);
    }
}

using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Protocol.Orders;

/// <summary>Where an order stands, as its events tell it (FIX OrdStatus and Backpack's order status name the same states).</summary>
public enum OrderStatus : byte
{
    /// <summary>Sent to the engine, not answered yet.</summary>
    PendingNew,
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    /// <summary>Left the book by its time in force (IOC rest, FOK not filled).</summary>
    Expired,
    Rejected,
}

/// <summary>
/// One order's progress: ordered quantity, filled quantity and notional, what is left and its status,
/// kept from the engine's events. The one order tracker of the front ends: FIX (FixOrder) and the
/// WebSocket API (OrderInfo) both apply the events through it, so leaves, cumulative quantity,
/// average price and status follow the same rules on both channels. Quantities are lots, notional
/// micro-USDC, as in the events.
/// </summary>
public struct OrderProgress
{
    public long Quantity { readonly get; private set; }
    public long Cumulative { readonly get; private set; }
    public long CumulativeQuote { readonly get; private set; }
    public long Leaves { readonly get; private set; }
    public OrderStatus Status { readonly get; private set; }

    /// <summary>An order sent and not answered yet.</summary>
    public static OrderProgress Pending(long quantity) => new() { Quantity = quantity, Leaves = quantity, Status = OrderStatus.PendingNew };

    /// <summary>An order known to be open (accepted, or listed by a snapshot) with what it filled so far.</summary>
    public static OrderProgress Open(long quantity, long cumulative = 0, long cumulativeQuote = 0, long? leaves = null) => new()
    {
        Quantity = quantity,
        Cumulative = cumulative,
        CumulativeQuote = cumulativeQuote,
        Leaves = leaves ?? quantity - cumulative,
        Status = cumulative > 0 ? OrderStatus.PartiallyFilled : OrderStatus.New,
    };

    /// <summary>An order the engine refused.</summary>
    public static OrderProgress Refused(long quantity) => new() { Quantity = quantity, Status = OrderStatus.Rejected };

    /// <summary>The engine accepted it (or a conditional order's trigger made it live).</summary>
    public void Accept() => Status = Cumulative > 0 ? OrderStatus.PartiallyFilled : OrderStatus.New;

    /// <summary>A fill (OrderFilled's cumulative figures and leaves).</summary>
    public void Fill(long cumulative, long cumulativeQuote, long leaves)
    {
        Cumulative = cumulative;
        CumulativeQuote = cumulativeQuote;
        Leaves = leaves;
        Status = leaves == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
    }

    /// <summary>A replace (OrderReplaced): new quantity, the fills so far and what is left; the status follows the fills.</summary>
    public void Replace(long quantity, long cumulative, long leaves)
    {
        Quantity = quantity;
        Cumulative = cumulative;
        Leaves = leaves;
        Status = cumulative > 0 ? OrderStatus.PartiallyFilled : OrderStatus.New;
    }

    /// <summary>The quantity changed without a replace (a stop-loss / take-profit leg enlarged to its parent's fills).</summary>
    public void Resize(long quantity)
    {
        Quantity = quantity;
        Leaves = quantity - Cumulative;
    }

    /// <summary>It left the book unfilled (canceled, or expired by its time in force).</summary>
    public void Cancel(CancelReason reason)
    {
        Leaves = 0;
        Status = reason is CancelReason.Expired or CancelReason.FillOrKillNotFilled ? OrderStatus.Expired : OrderStatus.Canceled;
    }

    /// <summary>Refused by the engine or by the gateway (busy).</summary>
    public void Reject()
    {
        Leaves = 0;
        Status = OrderStatus.Rejected;
    }

    public readonly bool IsDone => Status is OrderStatus.Filled or OrderStatus.Canceled or OrderStatus.Expired or OrderStatus.Rejected;

    /// <summary>Average fill price in the market's decimal units (0 before the first fill).</summary>
    public readonly long AveragePrice(in MarketUnits units, out int scale) => units.AveragePrice(CumulativeQuote, Cumulative, out scale);
}

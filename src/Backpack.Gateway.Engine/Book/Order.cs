using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Book;

/// <summary>
/// A resting order, kept in a slot of <see cref="OrderStore"/>. Slots link into two intrusive
/// doubly-linked lists: the FIFO queue of its price level (time priority) and the list of its
/// account's open orders (newest first), so neither list allocates. A pending conditional order
/// is in no level and links (with the same account fields) into its account's trigger list.
/// </summary>
internal struct Order
{
    public long OrderId;
    public long ClientOrderId;
    public long LiquidationId;
    public long Price;
    /// <summary>Total quantity (including what has filled).</summary>
    public long Quantity;
    /// <summary>Quantity still open.</summary>
    public long Remaining;
    public long Filled;
    /// <summary>Notional filled so far in micro-USDC.</summary>
    public long FilledQuote;
    public int Account;
    public int Market;
    public int Level;
    public int Prev;
    public int Next;
    public int AccountPrev;
    public int AccountNext;
    public Side Side;
    public OrderType Type;
    public TimeInForce TimeInForce;
    public OrderFlags Flags;
    public SelfTradePrevention Stp;
    public OrderOrigin Origin;
    /// <summary>When the order was accepted: the time of the command that placed it (engine µs since the Unix epoch).</summary>
    public long CreatedAt;

    // ---- conditional orders (docs/trigger-orders.md) ----
    /// <summary>True while a conditional order waits for its trigger: off the book, in its account's trigger list, holding no margin.</summary>
    public bool Pending;
    /// <summary>True when the trigger fires as its price rises to <see cref="TriggerPrice"/> (false: as it falls to it).</summary>
    public bool TriggerRises;
    public TriggerSource TriggerBy;
    public TriggerKind TriggerKind;
    /// <summary>Trigger price in ticks (0 for an order placed without one).</summary>
    public long TriggerPrice;
    /// <summary>For a stop-loss or take-profit leg: the other leg of its pair (canceled when this one fires); 0 = none.</summary>
    public long LinkedOrderId;
    /// <summary>For a stop-loss or take-profit leg: the order whose fills armed it.</summary>
    public long ParentOrderId;

    public readonly bool IsReduceOnly => (Flags & OrderFlags.ReduceOnly) != 0;
}

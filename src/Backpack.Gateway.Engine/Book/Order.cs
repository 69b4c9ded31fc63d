using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Book;

/// <summary>
/// A resting order, kept in a slot of <see cref="OrderStore"/>. Slots link into two intrusive
/// doubly-linked lists: the FIFO queue of its price level (time priority) and the list of its
/// account's open orders (newest first), so neither list allocates.
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

    public readonly bool IsReduceOnly => (Flags & OrderFlags.ReduceOnly) != 0;
}

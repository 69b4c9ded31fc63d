using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Book;

/// <summary>
/// The limit order book of one market: bids and asks with price-time priority. Orders queue FIFO
/// within a level; the book publishes a <see cref="BookDelta"/> (with a per-market sequence number)
/// for every level whose total changes. Matching lives in <see cref="Matching.Matcher"/>; this class
/// only keeps the queues and totals consistent.
/// </summary>
internal sealed class OrderBook
{
    private readonly OrderStore _orders;
    private readonly EventEmitter _events;

    public OrderBook(int marketId, OrderStore orders, EventEmitter events, int levelCapacity)
    {
        MarketId = marketId;
        _orders = orders;
        _events = events;
        Bids = new BookSide(Side.Buy, levelCapacity);
        Asks = new BookSide(Side.Sell, levelCapacity);
    }

    public int MarketId { get; }
    public BookSide Bids { get; }
    public BookSide Asks { get; }

    /// <summary>Depth sequence: +1 per published delta.</summary>
    public long Sequence { get; private set; }

    /// <summary>Set by every published delta; the engine clears it when it re-derives the mark.</summary>
    public bool Changed { get; set; }

    public BookSide SideOf(Side side) => side == Side.Buy ? Bids : Asks;

    public BookSide OppositeOf(Side side) => side == Side.Buy ? Asks : Bids;

    /// <summary>Best bid in ticks, 0 if none.</summary>
    public long BestBid => Bids.BestLevel == BookSide.None ? 0 : Bids.Level(Bids.BestLevel).Price;

    /// <summary>Best ask in ticks, 0 if none.</summary>
    public long BestAsk => Asks.BestLevel == BookSide.None ? 0 : Asks.Level(Asks.BestLevel).Price;

    /// <summary>True if an order on <paramref name="side"/> at <paramref name="price"/> would trade against the opposite side's best level.</summary>
    public bool WouldTake(Side side, long price)
    {
        var opposite = OppositeOf(side);
        return opposite.BestLevel != BookSide.None && opposite.Crosses(opposite.Level(opposite.BestLevel).Price, price);
    }

    /// <summary>Appends the order at the back of its price level's queue.</summary>
    public void Enqueue(int slot)
    {
        ref Order o = ref _orders[slot];
        BookSide side = SideOf(o.Side);
        int levelSlot = side.GetOrAddLevel(o.Price);
        ref PriceLevel level = ref side.Level(levelSlot);
        o.Level = levelSlot;
        o.Next = OrderStore.None;
        o.Prev = level.Tail;
        if (level.Tail != OrderStore.None) _orders[level.Tail].Next = slot;
        else level.Head = slot;
        level.Tail = slot;
        level.OrderCount++;
        level.Quantity += o.Remaining;
        Publish(o.Side, o.Price, level.Quantity);
    }

    /// <summary>
    /// Unlinks the order from its level (removing the level when it empties). Returns the level's
    /// remaining quantity (0 if it was removed). Publishes the level unless told not to (a sweep
    /// publishes once per level).
    /// </summary>
    public long Dequeue(int slot, bool publish)
    {
        ref Order o = ref _orders[slot];
        BookSide side = SideOf(o.Side);
        ref PriceLevel level = ref side.Level(o.Level);
        if (o.Prev != OrderStore.None) _orders[o.Prev].Next = o.Next;
        else level.Head = o.Next;
        if (o.Next != OrderStore.None) _orders[o.Next].Prev = o.Prev;
        else level.Tail = o.Prev;
        level.OrderCount--;
        level.Quantity -= o.Remaining;
        long left = level.Quantity;
        if (level.OrderCount == 0) side.RemoveLevel(o.Level);
        o.Prev = o.Next = OrderStore.None;
        if (publish) Publish(o.Side, o.Price, left);
        return left;
    }

    /// <summary>Takes <paramref name="quantity"/> off a resting order in place (a fill, or a quantity-down replace).</summary>
    public void Reduce(int slot, long quantity, bool publish)
    {
        ref Order o = ref _orders[slot];
        ref PriceLevel level = ref SideOf(o.Side).Level(o.Level);
        o.Remaining -= quantity;
        level.Quantity -= quantity;
        if (publish) Publish(o.Side, o.Price, level.Quantity);
    }

    /// <summary>Publishes the total now resting at a level (0 = gone).</summary>
    public void Publish(Side side, long price, long quantity)
    {
        Sequence++;
        Changed = true;
        _events.Emit(new BookDelta(_events.Header, MarketId, Sequence, side, price, quantity));
    }

    // ---- Snapshot ----

    internal void Save(State.SnapshotWriter w)
    {
        w.Long(Sequence);
        w.Bool(Changed);
        Bids.Save(w);
        Asks.Save(w);
    }

    internal void Load(ref State.SnapshotReader r)
    {
        Sequence = r.Long();
        Changed = r.Bool();
        Bids.Load(ref r);
        Asks.Load(ref r);
    }
}

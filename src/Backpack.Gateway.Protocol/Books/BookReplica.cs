namespace Backpack.Gateway.Protocol.Books;

/// <summary>The top of a book: best bid and ask in ticks with their quantities in lots (price 0 = no level on that side).</summary>
public readonly record struct TopOfBook(long Bid, long BidQuantity, long Ask, long AskQuantity);

/// <summary>A price level changed since the last <see cref="BookReplica.TakeChanges"/>: its quantity then and now (0 = no level).</summary>
public readonly record struct LevelChange(Side Side, long Price, long Before, long Quantity);

/// <summary>
/// A market's price levels as the engine's BookDelta events describe them, kept by a front end's
/// dispatcher (the WebSocket depth streams, FIX market data) so that a subscriber gets a snapshot
/// consistent with the updates that follow it. The levels changed since the last
/// <see cref="TakeChanges"/> are collected with their quantity before the first of those changes,
/// so that a front end can send them together (one message per market per event batch) and tell a
/// new level from a changed or a removed one. It also keeps the best price of each side. Owned by
/// one thread; no allocation per delta once the collections have grown.
/// </summary>
public sealed class BookReplica
{
    private readonly Dictionary<long, long> _bids = [];
    private readonly Dictionary<long, long> _asks = [];
    private readonly List<(Side Side, long Price)> _changed = [];
    // Quantity of each changed level before its first change since the last TakeChanges.
    private readonly Dictionary<(Side, long), long> _before = [];

    // The best price of each side (0 = the side is empty), found again only when its level goes.
    private long _bestBid, _bestAsk;
    private bool _bidKnown = true, _askKnown = true;

    /// <summary>Book sequence of the last delta applied (0 before any).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Book sequence of the first delta not yet taken by <see cref="TakeChanges"/>.</summary>
    public long FirstUnsent { get; private set; }

    public bool HasChanges => _changed.Count > 0;

    /// <summary>Levels on a side now.</summary>
    public int LevelCount(Side side) => (side == Side.Buy ? _bids : _asks).Count;

    /// <summary>
    /// Applies one BookDelta. A delta at or below <see cref="LastSequence"/> is one the replica already
    /// holds (it was seeded from a book that included it) and is ignored: false.
    /// </summary>
    public bool Apply(Side side, long price, long quantity, long sequence)
    {
        if (sequence <= LastSequence) return false;
        var levels = side == Side.Buy ? _bids : _asks;
        _before.TryAdd((side, price), levels.GetValueOrDefault(price));
        if (quantity == 0) levels.Remove(price);
        else levels[price] = quantity;
        if (side == Side.Buy)
        {
            if (quantity == 0) _bidKnown &= price != _bestBid;
            else if (_bidKnown && price > _bestBid) _bestBid = price;
        }
        else
        {
            if (quantity == 0) _askKnown &= price != _bestAsk;
            else if (_askKnown && (_bestAsk == 0 || price < _bestAsk)) _bestAsk = price;
        }
        if (_changed.Count == 0) FirstUnsent = sequence;
        _changed.Add((side, price));
        LastSequence = sequence;
        return true;
    }

    /// <summary>Starts the replica from a book read off the engine (after a recovery), at that book's sequence number.</summary>
    public void Seed(IEnumerable<(Side Side, long Price, long Quantity)> levels, long sequence)
    {
        _bids.Clear();
        _asks.Clear();
        _changed.Clear();
        _before.Clear();
        foreach (var (side, price, quantity) in levels) (side == Side.Buy ? _bids : _asks)[price] = quantity;
        LastSequence = sequence;
        _bidKnown = _askKnown = false;
    }

    /// <summary>The best bid and ask with their quantities (a price of 0 = that side is empty).</summary>
    public TopOfBook Top()
    {
        if (!_bidKnown)
        {
            _bestBid = 0;
            foreach (long price in _bids.Keys) _bestBid = Math.Max(_bestBid, price);
            _bidKnown = true;
        }
        if (!_askKnown)
        {
            _bestAsk = 0;
            foreach (long price in _asks.Keys) _bestAsk = _bestAsk == 0 ? price : Math.Min(_bestAsk, price);
            _askKnown = true;
        }
        return new TopOfBook(_bestBid, _bids.GetValueOrDefault(_bestBid), _bestAsk, _asks.GetValueOrDefault(_bestAsk));
    }

    public long QuantityAt(Side side, long price) => (side == Side.Buy ? _bids : _asks).GetValueOrDefault(price);

    /// <summary>
    /// The levels changed since the last call, each once (in the order of their last change), with
    /// their quantity before the first change and now (0 = no level); clears the list.
    /// </summary>
    public void TakeChanges(List<LevelChange> into)
    {
        into.Clear();
        for (int i = _changed.Count - 1; i >= 0; i--)
        {
            var (side, price) = _changed[i];
            if (_before.Remove((side, price), out long before)) into.Add(new LevelChange(side, price, before, QuantityAt(side, price)));
        }
        into.Reverse();
        _changed.Clear();
        _before.Clear();
    }

    /// <summary>The best <paramref name="levels"/> levels of a side, best first (a new list).</summary>
    public List<(long Price, long Quantity)> Top(Side side, int levels)
    {
        var list = new List<(long Price, long Quantity)>((side == Side.Buy ? _bids : _asks).Count);
        Top(side, levels, list);
        return list;
    }

    /// <summary>The best <paramref name="levels"/> levels of a side, best first, into a list the caller reuses.</summary>
    public void Top(Side side, int levels, List<(long Price, long Quantity)> into)
    {
        into.Clear();
        var source = side == Side.Buy ? _bids : _asks;
        foreach (var (price, quantity) in source) into.Add((price, quantity));
        if (side == Side.Buy) into.Sort(static (a, b) => b.Price.CompareTo(a.Price));
        else into.Sort(static (a, b) => a.Price.CompareTo(b.Price));
        if (into.Count > levels) into.RemoveRange(levels, into.Count - levels);
    }
}

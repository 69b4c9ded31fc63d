using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>The top of a book: best bid and ask in ticks with their quantities in lots (price 0 = no level on that side).</summary>
internal readonly record struct TopOfBook(long Bid, long BidQuantity, long Ask, long AskQuantity);

/// <summary>
/// A market's price levels as the engine's BookDelta events describe them, kept by the dispatcher
/// so that a depth subscriber gets a snapshot consistent with the deltas that follow it. The
/// levels changed since the last depth message are collected and sent together (one message per
/// market per event batch, carrying the first and last book sequence it covers). It also keeps the
/// best price of each side for the bookTicker stream.
/// </summary>
internal sealed class BookReplica
{
    private readonly Dictionary<long, long> _bids = [];
    private readonly Dictionary<long, long> _asks = [];
    private readonly List<(Side Side, long Price)> _changed = [];
    private readonly HashSet<(Side, long)> _seen = [];

    // The best price of each side (0 = the side is empty), found again only when its level goes.
    private long _bestBid, _bestAsk;
    private bool _bidKnown = true, _askKnown = true;

    /// <summary>Book sequence of the last delta applied (0 before any).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Book sequence of the first delta not yet sent in a depth message.</summary>
    public long FirstUnsent { get; private set; }

    public bool HasChanges => _changed.Count > 0;

    public void Apply(Side side, long price, long quantity, long sequence)
    {
        var levels = side == Side.Buy ? _bids : _asks;
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
    }

    /// <summary>Starts the replica from a book read off the engine (after a recovery), at that book's sequence number.</summary>
    public void Seed(IEnumerable<(Side Side, long Price, long Quantity)> levels, long sequence)
    {
        _bids.Clear();
        _asks.Clear();
        _changed.Clear();
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

    /// <summary>The levels changed since the last call, each once, with their quantity now (0 = gone); clears the list.</summary>
    public void TakeChanges(List<(Side Side, long Price, long Quantity)> into)
    {
        into.Clear();
        _seen.Clear();
        for (int i = _changed.Count - 1; i >= 0; i--)
        {
            var (side, price) = _changed[i];
            if (_seen.Add((side, price))) into.Add((side, price, QuantityAt(side, price)));
        }
        into.Reverse();
        _changed.Clear();
    }

    /// <summary>The best <paramref name="levels"/> levels of a side, best first.</summary>
    public List<(long Price, long Quantity)> Top(Side side, int levels)
    {
        var source = side == Side.Buy ? _bids : _asks;
        var all = new List<(long Price, long Quantity)>(source.Count);
        foreach (var (price, quantity) in source) all.Add((price, quantity));
        if (side == Side.Buy) all.Sort((a, b) => b.Price.CompareTo(a.Price));
        else all.Sort((a, b) => a.Price.CompareTo(b.Price));
        if (all.Count > levels) all.RemoveRange(levels, all.Count - levels);
        return all;
    }
}

using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// A market's price levels as the engine's BookDelta events describe them, kept by the dispatcher
/// so that a depth subscriber gets a snapshot consistent with the deltas that follow it. The
/// levels changed since the last depth message are collected and sent together (one message per
/// market per event batch, carrying the first and last book sequence it covers).
/// </summary>
internal sealed class BookReplica
{
    private readonly Dictionary<long, long> _bids = [];
    private readonly Dictionary<long, long> _asks = [];
    private readonly List<(Side Side, long Price)> _changed = [];
    private readonly HashSet<(Side, long)> _seen = [];

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

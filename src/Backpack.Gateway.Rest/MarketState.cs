using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Rest;

/// <summary>
/// One market as the REST API shows it live, kept from the engine's events by the feed's thread and
/// read by request threads under a lock: the book's levels and sequence (Backpack's lastUpdateId,
/// the same book sequence the WebSocket depth stream carries), the mark, index and last trade price,
/// the funding estimate, the open interest (the sum of the long positions, from PositionChanged) and
/// the ADL queue's depth by score band on each side (from AdlQueueBand).
/// </summary>
public sealed class MarketState
{
    private readonly object _lock = new();
    private readonly Dictionary<long, long> _bids = [];
    private readonly Dictionary<long, long> _asks = [];
    private readonly Dictionary<int, long> _positions = [];

    public MarketState(int marketId) => MarketId = marketId;

    public int MarketId { get; }

    private long _bookSequence, _mark, _index, _lastTrade, _time, _fundingRate, _nextFunding, _openInterest, _adlTime;

    // [side * AdlBands.Count + (int)band]: side 0 = longs, 1 = shorts
    private readonly (int Positions, long Notional)[] _adl = new (int, long)[2 * AdlBands.Count];

    /// <summary>Starts from a book and positions read off the engine (a venue that recovered), at the book's sequence.</summary>
    public void Seed(IEnumerable<(Side Side, long Price, long Quantity)> levels, long bookSequence, IEnumerable<(int Account, long Quantity)> positions,
        long mark, long index, long fundingRate, long nextFunding)
    {
        lock (_lock)
        {
            _bids.Clear();
            _asks.Clear();
            foreach (var (side, price, quantity) in levels) (side == Side.Buy ? _bids : _asks)[price] = quantity;
            _bookSequence = bookSequence;
            _positions.Clear();
            _openInterest = 0;
            foreach (var (account, quantity) in positions) SetPosition(account, quantity);
            _mark = mark;
            _index = index;
            _fundingRate = fundingRate;
            _nextFunding = nextFunding;
        }
    }

    public void OnBookDelta(in BookDelta e)
    {
        lock (_lock)
        {
            var levels = e.Side == Side.Buy ? _bids : _asks;
            if (e.Quantity == 0) levels.Remove(e.Price);
            else levels[e.Price] = e.Quantity;
            _bookSequence = e.BookSequence;
            _time = e.Header.Time;
        }
    }

    public void OnMarkPrice(in MarkPrice e)
    {
        lock (_lock)
        {
            _mark = e.Price;
            _index = e.IndexPrice;
            _time = e.Header.Time;
        }
    }

    public void OnAdlQueueBand(in AdlQueueBand e)
    {
        lock (_lock)
        {
            _adl[(int)e.Side * AdlBands.Count + (int)e.Band] = (e.Positions, e.Notional);
            _adlTime = e.Header.Time;
        }
    }

    /// <summary>Starts the ADL queue's bands from the engine's (a venue that recovered).</summary>
    public void SeedAdlQueue(IEnumerable<(Side Side, AdlBand Band, int Positions, long Notional)> bands)
    {
        lock (_lock)
        {
            foreach (var (side, band, positions, notional) in bands) _adl[(int)side * AdlBands.Count + (int)band] = (positions, notional);
        }
    }

    /// <summary>The ADL queue's bands, longs then shorts (band 0 first on each side), and the engine time of the last change.</summary>
    public ((int Positions, long Notional)[] Bands, long Time) AdlQueue()
    {
        lock (_lock) return (((int, long)[])_adl.Clone(), _adlTime);
    }

    public void OnTrade(in Trade e)
    {
        lock (_lock) _lastTrade = e.Price;
    }

    public void OnFundingRate(in FundingRate e)
    {
        if (e.Settled) return;
        lock (_lock)
        {
            _fundingRate = e.Rate;
            _nextFunding = e.IntervalEnd;
        }
    }

    public void OnPositionChanged(in PositionChanged e)
    {
        lock (_lock) SetPosition(e.AccountId, e.Quantity);
    }

    private void SetPosition(int account, long quantity)
    {
        long before = _positions.GetValueOrDefault(account);
        if (before > 0) _openInterest -= before;
        if (quantity > 0) _openInterest += quantity;
        if (quantity == 0) _positions.Remove(account);
        else _positions[account] = quantity;
    }

    /// <summary>The best <paramref name="levels"/> of each side (bids high to low, asks low to high), the book sequence and the engine time of the last change.</summary>
    public (List<(long Price, long Quantity)> Bids, List<(long Price, long Quantity)> Asks, long Sequence, long Time) Depth(int levels)
    {
        lock (_lock)
        {
            return (Top(_bids, levels, descending: true), Top(_asks, levels, descending: false), _bookSequence, _time);
        }
    }

    private static List<(long Price, long Quantity)> Top(Dictionary<long, long> side, int levels, bool descending)
    {
        var all = new List<(long Price, long Quantity)>(side.Count);
        foreach (var (price, quantity) in side) all.Add((price, quantity));
        all.Sort((a, b) => descending ? b.Price.CompareTo(a.Price) : a.Price.CompareTo(b.Price));
        if (all.Count > levels) all.RemoveRange(levels, all.Count - levels);
        return all;
    }

    /// <summary>Prices in ticks, the funding estimate in parts per billion, the next funding time in engine microseconds, open interest in lots.</summary>
    public (long Mark, long Index, long LastTrade, long FundingRate, long NextFunding, long OpenInterest, long Time) Prices()
    {
        lock (_lock) return (_mark, _index, _lastTrade, _fundingRate, _nextFunding, _openInterest, _time);
    }
}

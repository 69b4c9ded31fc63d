using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Risk;

namespace Backpack.Gateway.Engine.Markets;

/// <summary>A market's live state: its rules, its book and its prices.</summary>
internal sealed class Market
{
    public Market(int index, MarketRules rules, OrderBook book)
    {
        Index = index;
        Rules = rules;
        Book = book;
    }

    /// <summary>0-based index (the protocol's market id minus one).</summary>
    public int Index { get; }
    public MarketRules Rules { get; }
    public OrderBook Book { get; }

    /// <summary>Index price in ticks from the feed; 0 until the first SetIndexPrice.</summary>
    public long IndexPrice { get; private set; }

    /// <summary>Mark price in ticks; 0 until the first SetIndexPrice (no trading before).</summary>
    public long MarkPrice { get; private set; }

    /// <summary>Engine time of the last index update (microseconds).</summary>
    public long IndexTime { get; private set; }

    /// <summary>Lowest limit price accepted now (ticks): mark x (1 - band), rounded up.</summary>
    public long BandLow { get; private set; }

    /// <summary>Highest limit price accepted now (ticks): mark x (1 + band), rounded down.</summary>
    public long BandHigh { get; private set; }

    public long LastTradePrice { get; set; }

    public bool IsReady => MarkPrice > 0;

    public void SetIndex(long indexPrice, long time)
    {
        IndexPrice = indexPrice;
        IndexTime = time;
    }

    /// <summary>
    /// Recomputes the mark as median(index, best bid, best ask) (reference: liquidation mechanics,
    /// "Prices"); a missing side counts as the index, so an empty or one-sided book gives the
    /// index. Returns true if the mark changed.
    /// </summary>
    public bool UpdateMark()
    {
        if (IndexPrice == 0) return false;
        long bid = Book.BestBid;
        long ask = Book.BestAsk;
        if (bid == 0) bid = IndexPrice;
        if (ask == 0) ask = IndexPrice;
        long mark = Median(IndexPrice, bid, ask);
        if (mark == MarkPrice) return false;
        SetMark(mark);
        return true;
    }

    private static long Median(long a, long b, long c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    /// <summary>True when the index is older than <paramref name="staleAfter"/> microseconds at <paramref name="now"/>.</summary>
    public bool IsStale(long now, long staleAfter) => IndexPrice == 0 || now - IndexTime > staleAfter;

    private void SetMark(long markPrice)
    {
        MarkPrice = markPrice;
        BandLow = Math.Max(1, FixedMath.MulDivCeil(markPrice, FixedMath.PartsPerMillion - Rules.PriceBandPpm, FixedMath.PartsPerMillion));
        BandHigh = FixedMath.MulDivFloor(markPrice, FixedMath.PartsPerMillion + Rules.PriceBandPpm, FixedMath.PartsPerMillion);
    }

    public bool InBand(long price) => price >= BandLow && price <= BandHigh;

    // ---- Snapshot (the book is saved by the engine beside it) ----

    internal void Save(State.SnapshotWriter w)
    {
        w.Long(IndexPrice);
        w.Long(MarkPrice);
        w.Long(IndexTime);
        w.Long(BandLow);
        w.Long(BandHigh);
        w.Long(LastTradePrice);
    }

    internal void Load(ref State.SnapshotReader r)
    {
        IndexPrice = r.Long();
        MarkPrice = r.Long();
        IndexTime = r.Long();
        BandLow = r.Long();
        BandHigh = r.Long();
        LastTradePrice = r.Long();
    }
}

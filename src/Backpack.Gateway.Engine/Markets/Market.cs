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

    public void SetMark(long markPrice)
    {
        MarkPrice = markPrice;
        BandLow = Math.Max(1, FixedMath.MulDivCeil(markPrice, FixedMath.PartsPerMillion - Rules.PriceBandPpm, FixedMath.PartsPerMillion));
        BandHigh = FixedMath.MulDivFloor(markPrice, FixedMath.PartsPerMillion + Rules.PriceBandPpm, FixedMath.PartsPerMillion);
    }

    public bool InBand(long price) => price >= BandLow && price <= BandHigh;
}

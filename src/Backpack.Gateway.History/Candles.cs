namespace Backpack.Gateway.History;

/// <summary>Which price a candle follows (Backpack's kline priceType).</summary>
public enum CandlePrice
{
    Last = 0,
    Mark = 1,
    Index = 2,
}

/// <summary>A candle interval as Backpack names it (1m ... 1month), and where a time falls in it.</summary>
public sealed record CandleInterval(string Name, long Micros)
{
    private const long Minute = 60_000_000;

    /// <summary>Every interval Backpack's klines offer.</summary>
    public static readonly CandleInterval[] All =
    [
        new("1m", Minute), new("3m", 3 * Minute), new("5m", 5 * Minute), new("15m", 15 * Minute), new("30m", 30 * Minute),
        new("1h", 60 * Minute), new("2h", 120 * Minute), new("4h", 240 * Minute), new("6h", 360 * Minute), new("8h", 480 * Minute),
        new("12h", 720 * Minute), new("1d", 1_440 * Minute), new("3d", 4_320 * Minute), new("1w", 10_080 * Minute), new("1month", 0),
    ];

    public static CandleInterval? Find(string name) => Array.Find(All, i => i.Name == name);

    /// <summary>The start of the candle holding <paramref name="time"/> (microseconds since the epoch, UTC). Weeks start on Monday, months on the 1st.</summary>
    public long OpenTime(long time)
    {
        if (Micros == 0)
        {
            var t = DateTime.UnixEpoch.AddTicks(time * 10);
            return (new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10;
        }
        if (Name == "1w")
        {
            const long monday = 4 * 1_440 * Minute; // 1970-01-05 was a Monday
            return time - ((time - monday) % Micros + Micros) % Micros;
        }
        return time - (time % Micros + Micros) % Micros;
    }

    /// <summary>The start of the candle after the one opening at <paramref name="openTime"/>.</summary>
    public long NextOpenTime(long openTime)
    {
        if (Micros != 0) return openTime + Micros;
        var t = DateTime.UnixEpoch.AddTicks(openTime * 10).AddMonths(1);
        return (t - DateTime.UnixEpoch).Ticks / 10;
    }
}

/// <summary>One candle being built (prices in ticks, volume in lots, quote volume in ticks x lots: times the market's quote per tick-lot it is micro-USDC).</summary>
internal sealed class Candle
{
    public int Market;
    public CandlePrice PriceType;
    public CandleInterval Interval = CandleInterval.All[0];
    public long OpenTime;
    public long Open, High, Low, Close, Volume, QuoteVolume, Trades;
    public bool Dirty;

    public void Add(long price, long quantity, long quote, bool trade)
    {
        if (Trades == 0 && Volume == 0 && Open == 0)
        {
            Open = High = Low = price;
        }
        High = Math.Max(High, price);
        Low = Math.Min(Low, price);
        Close = price;
        Volume += quantity;
        QuoteVolume += quote;
        if (trade) Trades++;
        Dirty = true;
    }
}

/// <summary>
/// The open candles of every market, price type and interval, kept in memory: each trade or price
/// update touches them there, and a batch writes each touched candle once (at most markets x 3 x 15
/// rows, however many trades the batch held).
/// </summary>
internal sealed class CandleBook
{
    private readonly Dictionary<(int Market, CandlePrice Type, string Interval), Candle> _open = [];
    private readonly List<Candle> _dirty = [];

    /// <summary>A trade (Last) or a price (Mark, Index: no volume) at <paramref name="time"/>.</summary>
    public void Add(int market, CandlePrice type, long time, long price, long quantity, long quote, Func<int, CandlePrice, CandleInterval, long, Candle?> load)
    {
        foreach (var interval in CandleInterval.All)
        {
            long openTime = interval.OpenTime(time);
            var key = (market, type, interval.Name);
            if (!_open.TryGetValue(key, out var candle) || candle.OpenTime != openTime)
            {
                candle = load(market, type, interval, openTime) ?? new Candle { Market = market, PriceType = type, Interval = interval, OpenTime = openTime };
                _open[key] = candle;
            }
            if (!candle.Dirty) _dirty.Add(candle);
            candle.Add(price, quantity, quote, type == CandlePrice.Last);
        }
    }

    /// <summary>The candles touched since the last call, each once.</summary>
    public List<Candle> TakeDirty()
    {
        foreach (var c in _dirty) c.Dirty = false;
        var taken = new List<Candle>(_dirty);
        _dirty.Clear();
        return taken;
    }

    /// <summary>Forgets the open candles (after a rollback or a rebuild they are read again from the database).</summary>
    public void Clear()
    {
        _open.Clear();
        _dirty.Clear();
    }
}

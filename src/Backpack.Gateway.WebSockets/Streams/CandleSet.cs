namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>One candle of the last price under way (prices in ticks, volume in lots).</summary>
internal struct Candle
{
    public long OpenTime, CloseTime, Open, High, Low, Close, Volume, Trades;

    /// <summary>Its final message (X true) went out, or is not owed (no candle yet).</summary>
    public bool Closed;

    /// <summary>Trades since its last message.</summary>
    public bool Dirty;
}

/// <summary>
/// A market's candles under way, one per kline interval, built from its trades as the history
/// builds its Last candles (a candle exists once a trade falls in it). The gateway closes a candle
/// when the engine's time passes its close time or a trade falls in the next one.
/// </summary>
internal sealed class CandleSet
{
    private readonly Candle[] _candles = new Candle[KlineInterval.All.Length];

    /// <summary>Engine time each interval's stream was last sent (the stream is sent at most once a second).</summary>
    public long[] SentAt { get; } = new long[KlineInterval.All.Length];

    public CandleSet()
    {
        for (int i = 0; i < _candles.Length; i++) _candles[i].Closed = true;
    }

    public ref Candle this[int interval] => ref _candles[interval];

    /// <summary>
    /// Adds a trade to the candle of <paramref name="interval"/> that holds <paramref name="time"/>;
    /// false (nothing added) when that is a new candle and the one under way must first be closed
    /// (call <see cref="Start"/> after sending its final message).
    /// </summary>
    public bool TryAdd(int interval, long time, long price, long quantity)
    {
        ref var c = ref _candles[interval];
        long openTime = KlineInterval.All[interval].OpenTime(time);
        if (c.OpenTime != openTime)
        {
            if (!c.Closed) return false;
            Start(interval, openTime, price);
        }
        c.High = Math.Max(c.High, price);
        c.Low = Math.Min(c.Low, price);
        c.Close = price;
        c.Volume += quantity;
        c.Trades++;
        c.Dirty = true;
        return true;
    }

    /// <summary>Opens the candle of <paramref name="interval"/> starting at <paramref name="openTime"/> (the one before must be closed).</summary>
    public void Start(int interval, long openTime, long price)
    {
        _candles[interval] = new Candle
        {
            OpenTime = openTime, CloseTime = KlineInterval.All[interval].CloseTime(openTime), Open = price, High = price, Low = price, Close = price,
        };
    }

    /// <summary>Puts back a candle read from the history (a restarted venue); ignored unless it is still under way at <paramref name="now"/>.</summary>
    public void Seed(int interval, long openTime, long open, long high, long low, long close, long volume, long trades, long now)
    {
        long closeTime = KlineInterval.All[interval].CloseTime(openTime);
        if (trades == 0 || now >= closeTime || KlineInterval.All[interval].OpenTime(now) != openTime) return;
        _candles[interval] = new Candle { OpenTime = openTime, CloseTime = closeTime, Open = open, High = high, Low = low, Close = close, Volume = volume, Trades = trades };
    }
}

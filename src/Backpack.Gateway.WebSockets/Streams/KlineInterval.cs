namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// A kline interval as Backpack names it (1m ... 1month) and where a time falls in it: the same
/// boundaries as the history's candles and the REST klines (UTC; weeks start on Monday, months on the 1st).
/// </summary>
internal readonly record struct KlineInterval(string Name, long Micros)
{
    private const long Minute = 60_000_000;

    /// <summary>Every interval of Backpack's kline streams (1s aside), shortest first.</summary>
    public static readonly KlineInterval[] All =
    [
        new("1m", Minute), new("3m", 3 * Minute), new("5m", 5 * Minute), new("15m", 15 * Minute), new("30m", 30 * Minute),
        new("1h", 60 * Minute), new("2h", 120 * Minute), new("4h", 240 * Minute), new("6h", 360 * Minute), new("8h", 480 * Minute),
        new("12h", 720 * Minute), new("1d", 1_440 * Minute), new("3d", 4_320 * Minute), new("1w", 10_080 * Minute), new("1month", 0),
    ];

    /// <summary>The index of the interval named <paramref name="name"/> in <see cref="All"/>, or -1.</summary>
    public static int Find(ReadOnlySpan<char> name)
    {
        for (int i = 0; i < All.Length; i++)
        {
            if (name.SequenceEqual(All[i].Name)) return i;
        }
        return -1;
    }

    /// <summary>The start of the candle holding <paramref name="time"/> (microseconds since the epoch).</summary>
    public long OpenTime(long time)
    {
        if (Micros == 0)
        {
            var t = DateTime.UnixEpoch.AddTicks(time * 10);
            return (new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10;
        }
        if (Micros == 10_080 * Minute)
        {
            const long monday = 4 * 1_440 * Minute; // 1970-01-05 was a Monday
            return time - ((time - monday) % Micros + Micros) % Micros;
        }
        return time - (time % Micros + Micros) % Micros;
    }

    /// <summary>The start of the candle after the one opening at <paramref name="openTime"/> (the candle's close time).</summary>
    public long CloseTime(long openTime)
    {
        if (Micros != 0) return openTime + Micros;
        return (DateTime.UnixEpoch.AddTicks(openTime * 10).AddMonths(1) - DateTime.UnixEpoch).Ticks / 10;
    }
}

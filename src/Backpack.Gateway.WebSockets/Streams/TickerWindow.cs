namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>A market's 24 h rolling statistics in prices (ticks), lots and micro-USDC; <see cref="Trades"/> 0 = no trade in the window.</summary>
internal readonly record struct TickerStats(long Open, long Close, long High, long Low, long Volume, long Quote, long Trades);

/// <summary>
/// The last 24 hours of a market's trades in one-minute buckets (a ring of 1,440), for the ticker
/// stream: the window holds the buckets opening at or after now - 24 h, as the REST ticker reads
/// the history's one-minute candles, so both answer the same figures. A trade touches one bucket;
/// the statistics are summed when a ticker message is written (at most once a second).
/// </summary>
internal sealed class TickerWindow
{
    public const long Window = 86_400_000_000;
    private const long Minute = 60_000_000;
    private const int Buckets = 1_440;

    private readonly Bucket[] _buckets = new Bucket[Buckets];

    private struct Bucket
    {
        public long Minute, Open, High, Low, Close, Volume, Quote, Trades;
    }

    /// <summary>A trade at <paramref name="time"/> (engine microseconds): price in ticks, quantity in lots, quote in micro-USDC.</summary>
    public void Add(long time, long price, long quantity, long quote)
    {
        long minute = time - time % Minute;
        ref var b = ref _buckets[(int)(minute / Minute % Buckets)];
        if (b.Minute != minute)
        {
            b = new Bucket { Minute = minute, Open = price, High = price, Low = price };
        }
        b.High = Math.Max(b.High, price);
        b.Low = Math.Min(b.Low, price);
        b.Close = price;
        b.Volume += quantity;
        b.Quote += quote;
        b.Trades++;
    }

    /// <summary>Puts back a minute read from the history (a restarted venue): open, high, low, close in ticks, volume in lots, quote in micro-USDC.</summary>
    public void Seed(long minute, long open, long high, long low, long close, long volume, long quote, long trades)
    {
        if (trades == 0) return;
        _buckets[(int)(minute / Minute % Buckets)] = new Bucket { Minute = minute, Open = open, High = high, Low = low, Close = close, Volume = volume, Quote = quote, Trades = trades };
    }

    /// <summary>The statistics of the buckets opening in [now - 24 h, now].</summary>
    public TickerStats Stats(long now)
    {
        long from = now - Window;
        long first = long.MaxValue, last = long.MinValue;
        long open = 0, close = 0, high = 0, low = long.MaxValue, volume = 0, quote = 0, trades = 0;
        foreach (ref readonly var b in _buckets.AsSpan())
        {
            if (b.Trades == 0 || b.Minute < from || b.Minute > now) continue;
            if (b.Minute < first)
            {
                first = b.Minute;
                open = b.Open;
            }
            if (b.Minute > last)
            {
                last = b.Minute;
                close = b.Close;
            }
            high = Math.Max(high, b.High);
            low = Math.Min(low, b.Low);
            volume += b.Volume;
            quote += b.Quote;
            trades += b.Trades;
        }
        return trades == 0 ? default : new TickerStats(open, close, high, low, volume, quote, trades);
    }
}

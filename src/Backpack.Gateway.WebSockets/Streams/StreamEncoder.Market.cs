using System.Globalization;
using Backpack.Gateway.Protocol.Books;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// The market data streams Backpack has beside depth and trades (docs/websocket.md section 5):
/// ticker (24 h rolling statistics), bookTicker (best bid and ask), kline (candles, with start and
/// close times as ISO strings) and openInterest. Same conventions as every stream: E and T in
/// microseconds, prices and quantities as decimal strings in the market's units.
/// </summary>
internal sealed partial class StreamEncoder
{
    /// <summary>A ticker; a market without a trade in the window sits at <paramref name="mark"/> with no volume.</summary>
    public void Ticker(MessageWriter w, int marketId, in TickerStats stats, long mark, long time)
    {
        ref readonly var units = ref Markets.Units(marketId);
        bool traded = stats.Trades != 0;
        w.String("e"u8, "ticker"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        w.Price("o"u8, traded ? stats.Open : mark, units);
        w.Price("c"u8, traded ? stats.Close : mark, units);
        w.Price("h"u8, traded ? stats.High : mark, units);
        w.Price("l"u8, traded ? stats.Low : mark, units);
        w.Quantity("v"u8, stats.Volume, units);
        w.Usdc("V"u8, stats.Quote);
        w.Number("n"u8, stats.Trades);
        w.Number("T"u8, time);
    }

    /// <summary>The best bid and ask; a side without a level has no price and size (a, A or b, B left out).</summary>
    public void BookTicker(MessageWriter w, int marketId, in TopOfBook top, long updateId, long time)
    {
        ref readonly var units = ref Markets.Units(marketId);
        w.String("e"u8, "bookTicker"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        if (top.Ask != 0)
        {
            w.Price("a"u8, top.Ask, units);
            w.Quantity("A"u8, top.AskQuantity, units);
        }
        if (top.Bid != 0)
        {
            w.Price("b"u8, top.Bid, units);
            w.Quantity("B"u8, top.BidQuantity, units);
        }
        w.Number("u"u8, updateId);
        w.Number("T"u8, time);
    }

    /// <summary>A candle: t and T are its start and close times as ISO strings ("2025-08-06T22:00:00"), X whether it is closed.</summary>
    public void Kline(MessageWriter w, int marketId, in Candle candle, bool closed, long time)
    {
        ref readonly var units = ref Markets.Units(marketId);
        w.String("e"u8, "kline"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        IsoTime(w, "t"u8, candle.OpenTime);
        IsoTime(w, "T"u8, candle.CloseTime);
        w.Price("o"u8, candle.Open, units);
        w.Price("c"u8, candle.Close, units);
        w.Price("h"u8, candle.High, units);
        w.Price("l"u8, candle.Low, units);
        w.Quantity("v"u8, candle.Volume, units);
        w.Number("n"u8, candle.Trades);
        w.Bool("X"u8, closed);
    }

    /// <summary>Open interest: the lots held long, in the market's quantity units.</summary>
    public void OpenInterest(MessageWriter w, int marketId, long lots, long time)
    {
        w.String("e"u8, "openInterest"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        w.Quantity("o"u8, lots, Markets.Units(marketId));
    }

    /// <summary>A time (microseconds since the epoch) as Backpack's naive ISO string, UTC, to the second.</summary>
    private static void IsoTime(MessageWriter w, ReadOnlySpan<byte> name, long micros)
    {
        Span<byte> text = stackalloc byte[32];
        DateTime.UnixEpoch.AddTicks(micros * 10).TryFormat(text, out int written, "yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        w.String(name, text[..written]);
    }
}

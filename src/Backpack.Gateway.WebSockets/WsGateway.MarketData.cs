using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Books;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// Market data beside depth and trades (docs/websocket.md section 5): ticker (24 h rolling
/// statistics, at most once a second of engine time while trades happen), bookTicker (the best bid
/// and ask, whenever they change), kline.&lt;interval&gt; (the candle under way at most once a second,
/// and its final message when it closes) and openInterest (every 60 s of engine time). Each is
/// kept from the engine's events for every market whether anyone listens or not, and written only
/// for subscribers; a new subscriber gets the current value at once.
/// </summary>
public sealed partial class WsGateway
{
    private const long Second = 1_000_000;
    private const long OpenInterestEvery = 60 * Second;

    // Owned by the dispatcher thread (index = market id).
    private TickerWindow[] _tickers = null!;
    private bool[] _tickerDirty = null!;
    private long[] _tickerSentAt = null!;
    private CandleSet[] _candles = null!;
    // Engine time at which a market's candles next need a look (a throttled update or a close is due); 0 = at the next batch.
    private long[] _klineCheckAt = null!;
    private OpenInterestBook[] _openInterest = null!;
    private TopOfBook[] _topSent = null!;
    private TradeOrders _tradeOrders;

    private static int KindCount => Enum.GetValues<StreamKind>().Length;

    // Subscriber lists: one per kind and market, then one per kline interval and market.
    private int KeyCount => (KindCount + KlineInterval.All.Length) * (_markets.Count + 1);

    private int Index(StreamKey key) => key.Kind == StreamKind.Kline
        ? (KindCount + key.Interval) * (_markets.Count + 1) + key.MarketId
        : (int)key.Kind * (_markets.Count + 1) + key.MarketId;

    /// <summary>The subscriber lists, the stream names and the market data state of every market (from the constructor).</summary>
    private void CreateStreams()
    {
        foreach (var kind in Enum.GetValues<StreamKind>())
        {
            int intervals = kind == StreamKind.Kline ? KlineInterval.All.Length : 1;
            for (int i = 0; i < intervals; i++)
            {
                for (int m = 0; m <= _markets.Count; m++)
                {
                    var key = new StreamKey(kind, m, i);
                    _subscribers[Index(key)] = [];
                    _streamNames[Index(key)] = System.Text.Encoding.UTF8.GetBytes(key.Name(_markets));
                }
            }
        }
        CreateAdlQueues();
        int markets = _markets.Count + 1;
        _tickers = new TickerWindow[markets];
        _tickerDirty = new bool[markets];
        _tickerSentAt = new long[markets];
        _candles = new CandleSet[markets];
        _klineCheckAt = new long[markets];
        _openInterest = new OpenInterestBook[markets];
        _topSent = new TopOfBook[markets];
        for (int m = 1; m < markets; m++)
        {
            _tickers[m] = new TickerWindow();
            _candles[m] = new CandleSet();
            _openInterest[m] = new OpenInterestBook();
        }
    }

    /// <summary>
    /// The time (microseconds) of a recovered venue, for the streams that read a clock (the 24 h
    /// ticker) before the first engine event brings one. Call before <see cref="Start"/>.
    /// </summary>
    public void SeedClock(long now)
    {
        if (_dispatcher is not null) throw new InvalidOperationException("seed before Start");
        _lastTime = Math.Max(_lastTime, now);
    }

    /// <summary>
    /// Gives the open interest of a market its positions as the engine holds them (a recovered
    /// venue); call before <see cref="Start"/>.
    /// </summary>
    public void SeedPositions(int marketId, IEnumerable<(int Account, long Quantity)> positions)
    {
        if (_dispatcher is not null) throw new InvalidOperationException("seed before Start");
        foreach (var (account, quantity) in positions) _openInterest[marketId].Set(account, quantity);
    }

    /// <summary>
    /// Puts back a one-minute candle of the last price read from the history (a restarted venue),
    /// for the 24 h ticker: prices in ticks, volume in lots, quote volume in micro-USDC. Call before <see cref="Start"/>.
    /// </summary>
    public void SeedTickerMinute(int marketId, long minute, long open, long high, long low, long close, long volume, long quote, long trades)
    {
        if (_dispatcher is not null) throw new InvalidOperationException("seed before Start");
        _tickers[marketId].Seed(minute, open, high, low, close, volume, quote, trades);
    }

    /// <summary>
    /// Puts back the candle under way at <paramref name="now"/> of a kline interval ("1m" ... "1month"),
    /// read from the history (a restarted venue). Call before <see cref="Start"/>; other candles are ignored.
    /// </summary>
    public void SeedCandle(int marketId, string interval, long openTime, long open, long high, long low, long close, long volume, long trades, long now)
    {
        if (_dispatcher is not null) throw new InvalidOperationException("seed before Start");
        int index = KlineInterval.Find(interval);
        if (index < 0) throw new ArgumentException($"unknown kline interval '{interval}'", nameof(interval));
        _candles[marketId].Seed(index, openTime, open, high, low, close, volume, trades, now);
    }

    // ------------------------------------------------------------------ from the events

    private void OnTrade(in Trade e)
    {
        Publish(new StreamKey(StreamKind.Trade, e.MarketId), new TradeBody(_encoder, e, _tradeOrders));
        if (!_markets.Contains(e.MarketId)) return;
        int m = e.MarketId;
        long time = e.Header.Time;
        _tickers[m].Add(time, e.Price, e.Quantity, e.Price * e.Quantity * _markets.Units(m).QuotePerTickLot);
        _tickerDirty[m] = true;
        _klineCheckAt[m] = 0;
        var candles = _candles[m];
        for (int i = 0; i < KlineInterval.All.Length; i++)
        {
            if (candles.TryAdd(i, time, e.Price, e.Quantity)) continue;
            CloseCandle(m, i, time); // the trade falls in the next candle
            candles.TryAdd(i, time, e.Price, e.Quantity);
        }
    }

    private void OnPositionForOpenInterest(in PositionChanged e)
    {
        if (_markets.Contains(e.MarketId)) _openInterest[e.MarketId].Set(e.AccountId, e.Quantity);
    }

    /// <summary>After each event batch: depth and bookTicker of the books that changed, and the throttled and timed streams.</summary>
    private void EndOfBatch()
    {
        long now = _lastTime;
        for (int m = 1; m <= _markets.Count; m++)
        {
            if (_books[m].HasChanges)
            {
                PublishDepth(m);
                PublishTop(m);
            }
            if (_tickerDirty[m] && now - _tickerSentAt[m] >= Second)
            {
                _tickerDirty[m] = false;
                _tickerSentAt[m] = now;
                var key = new StreamKey(StreamKind.Ticker, m);
                if (_subscribers[Index(key)].Count != 0) Publish(key, new TickerBody(_encoder, m, _tickers[m].Stats(now), _marks[m], now));
            }
            if (now >= _klineCheckAt[m]) Klines(m, now);
            var openInterest = _openInterest[m];
            if (now - openInterest.SentAt >= OpenInterestEvery)
            {
                openInterest.SentAt = now;
                Publish(new StreamKey(StreamKind.OpenInterest, m), new OpenInterestBody(_encoder, m, openInterest.Total, now));
            }
        }
    }

    private void PublishDepth(int marketId)
    {
        var book = _books[marketId];
        long first = book.FirstUnsent;
        book.TakeChanges(_depthChanges);
        Publish(new StreamKey(StreamKind.Depth, marketId), new DepthBody(_encoder, marketId, _depthChanges, first, book.LastSequence, _lastTime));
    }

    /// <summary>A bookTicker message when the best bid or ask (price or size) moved since the last one.</summary>
    private void PublishTop(int marketId)
    {
        var key = new StreamKey(StreamKind.BookTicker, marketId);
        if (_subscribers[Index(key)].Count == 0) return;
        var top = _books[marketId].Top();
        if (top == _topSent[marketId]) return;
        _topSent[marketId] = top;
        Publish(key, new BookTickerBody(_encoder, marketId, top, _books[marketId].LastSequence, _lastTime));
    }

    /// <summary>
    /// Each interval's candle under way: its final message once the engine's time passes its close,
    /// else an update at most once a second; then when the next of these is due.
    /// </summary>
    private void Klines(int marketId, long now)
    {
        var candles = _candles[marketId];
        long due = long.MaxValue;
        for (int i = 0; i < KlineInterval.All.Length; i++)
        {
            ref var c = ref candles[i];
            if (c.Closed) continue;
            if (now >= c.CloseTime)
            {
                CloseCandle(marketId, i, now);
                continue;
            }
            if (c.Dirty && now - candles.SentAt[i] >= Second)
            {
                c.Dirty = false;
                candles.SentAt[i] = now;
                Publish(new StreamKey(StreamKind.Kline, marketId, i), new KlineBody(_encoder, marketId, c, false, now));
            }
            due = Math.Min(due, c.Dirty ? Math.Min(c.CloseTime, candles.SentAt[i] + Second) : c.CloseTime);
        }
        _klineCheckAt[marketId] = due;
    }

    private void CloseCandle(int marketId, int interval, long now)
    {
        var candles = _candles[marketId];
        ref var c = ref candles[interval];
        c.Closed = true;
        c.Dirty = false;
        candles.SentAt[interval] = now;
        Publish(new StreamKey(StreamKind.Kline, marketId, interval), new KlineBody(_encoder, marketId, c, true, now));
    }

    // ------------------------------------------------------------------ on subscribe

    /// <summary>What a new subscriber of a public stream gets at once: the depth snapshot, or the current ticker, top of book, candle, open interest or ADL queue.</summary>
    private void SendSnapshot(WsConnection connection, StreamKey key)
    {
        int m = key.MarketId;
        switch (key.Kind)
        {
            case StreamKind.Depth:
                SendTo(connection, key, new DepthSnapshotBody(_encoder, m, _books[m], _options.DepthSnapshotLevels, _lastTime));
                break;
            case StreamKind.Ticker:
                SendTo(connection, key, new TickerBody(_encoder, m, _tickers[m].Stats(_lastTime), _marks[m], _lastTime));
                break;
            case StreamKind.BookTicker:
                _topSent[m] = _books[m].Top();
                SendTo(connection, key, new BookTickerBody(_encoder, m, _topSent[m], _books[m].LastSequence, _lastTime));
                break;
            case StreamKind.Kline when !_candles[m][key.Interval].Closed:
                SendTo(connection, key, new KlineBody(_encoder, m, _candles[m][key.Interval], false, _lastTime));
                break;
            case StreamKind.OpenInterest:
                SendTo(connection, key, new OpenInterestBody(_encoder, m, _openInterest[m].Total, _lastTime));
                break;
            case StreamKind.AdlQueue:
                SendTo(connection, key, new AdlQueueSnapshotBody(_encoder, m, _adlBands[m], _lastTime));
                break;
        }
    }

    /// <summary>Writes one stream message for one connection.</summary>
    private void SendTo<TBody>(WsConnection connection, StreamKey key, in TBody body) where TBody : IBody, allows ref struct
    {
        _writer.Begin(connection.Format);
        StreamEncoder.BeginStream(_writer, _streamNames[Index(key)]);
        body.Write(_writer);
        StreamEncoder.EndStream(_writer);
        connection.Send(_writer.FinishOne());
    }

    // ------------------------------------------------------------------ bodies

    private readonly ref struct TickerBody(StreamEncoder encoder, int marketId, in TickerStats stats, long mark, long time) : IBody
    {
        private readonly TickerStats _stats = stats;

        public void Write(MessageWriter w) => encoder.Ticker(w, marketId, _stats, mark, time);
    }

    private readonly ref struct BookTickerBody(StreamEncoder encoder, int marketId, in TopOfBook top, long updateId, long time) : IBody
    {
        private readonly TopOfBook _top = top;

        public void Write(MessageWriter w) => encoder.BookTicker(w, marketId, _top, updateId, time);
    }

    private readonly ref struct KlineBody(StreamEncoder encoder, int marketId, in Candle candle, bool closed, long time) : IBody
    {
        private readonly Candle _candle = candle;

        public void Write(MessageWriter w) => encoder.Kline(w, marketId, _candle, closed, time);
    }

    private readonly ref struct OpenInterestBody(StreamEncoder encoder, int marketId, long lots, long time) : IBody
    {
        public void Write(MessageWriter w) => encoder.OpenInterest(w, marketId, lots, time);
    }

    private readonly ref struct DepthSnapshotBody(StreamEncoder encoder, int marketId, BookReplica book, int levels, long time) : IBody
    {
        public void Write(MessageWriter w) => encoder.DepthSnapshot(w, marketId, book, levels, time);
    }
}

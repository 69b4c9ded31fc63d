using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.WebSockets.Streams;

internal enum StreamKind
{
    Depth,
    Trade,
    MarkPrice,
    Liquidation,
    InsuranceFund,
    /// <summary>24 h rolling statistics of a market (Backpack's ticker).</summary>
    Ticker,
    /// <summary>Best bid and ask with their sizes.</summary>
    BookTicker,
    /// <summary>Candles of one interval (<see cref="StreamKey.Interval"/>).</summary>
    Kline,
    OpenInterest,
    /// <summary>Ours: the ADL queue's depth by score band on each side of a market.</summary>
    AdlQueue,
    // Private streams (an authenticated connection, for its own account):
    OrderUpdate,
    PositionUpdate,
    AccountLiquidation,
    AccountAdl,
    /// <summary>Ours: the account's funding payments (Backpack has no such stream).</summary>
    AccountFunding,
    /// <summary>Ours: the account's positions' places in their ADL queues (rank, queue length, notional ahead).</summary>
    AccountAdlQueue,
}

/// <summary>
/// A stream a connection can subscribe to: its kind and, for per-market streams, the market (0 = none /
/// every market); a kline stream also has its interval (an index into <see cref="KlineInterval.All"/>).
/// </summary>
internal readonly record struct StreamKey(StreamKind Kind, int MarketId, int Interval = 0)
{
    public bool IsPrivate => Kind >= StreamKind.OrderUpdate;

    /// <summary>
    /// Parses a stream name: depth.&lt;symbol&gt;, trade.&lt;symbol&gt;, markPrice.&lt;symbol&gt;, ticker.&lt;symbol&gt;,
    /// bookTicker.&lt;symbol&gt;, kline.&lt;interval&gt;.&lt;symbol&gt;, openInterest.&lt;symbol&gt;, liquidation,
    /// adlQueue.&lt;symbol&gt;, insuranceFund, account.orderUpdate[.&lt;symbol&gt;], account.positionUpdate[.&lt;symbol&gt;],
    /// account.liquidation, account.adl, account.adlQueue[.&lt;symbol&gt;], account.fundingPayment[.&lt;symbol&gt;].
    /// </summary>
    public static bool TryParse(string name, MarketDirectory markets, out StreamKey key)
    {
        key = default;
        int interval = 0;
        if (name.StartsWith("kline.", StringComparison.Ordinal))
        {
            // kline.<interval>.<symbol>
            int second = name.IndexOf('.', 6);
            if (second < 0 || (interval = KlineInterval.Find(name.AsSpan(6, second - 6))) < 0) return false;
            int klineMarket = markets.Find(System.Text.Encoding.ASCII.GetBytes(name[(second + 1)..]));
            if (klineMarket == 0) return false;
            key = new StreamKey(StreamKind.Kline, klineMarket, interval);
            return true;
        }
        int dot = name.StartsWith("account.", StringComparison.Ordinal) ? name.IndexOf('.', 8) : name.IndexOf('.');
        string head = dot < 0 ? name : name[..dot];
        int market = 0;
        if (dot >= 0)
        {
            market = markets.Find(System.Text.Encoding.ASCII.GetBytes(name[(dot + 1)..]));
            if (market == 0) return false;
        }
        StreamKind? kind = head switch
        {
            "depth" when market != 0 => StreamKind.Depth,
            "trade" when market != 0 => StreamKind.Trade,
            "markPrice" when market != 0 => StreamKind.MarkPrice,
            "ticker" when market != 0 => StreamKind.Ticker,
            "bookTicker" when market != 0 => StreamKind.BookTicker,
            "openInterest" when market != 0 => StreamKind.OpenInterest,
            "adlQueue" when market != 0 => StreamKind.AdlQueue,
            "liquidation" when dot < 0 => StreamKind.Liquidation,
            "insuranceFund" when dot < 0 => StreamKind.InsuranceFund,
            "account.orderUpdate" => StreamKind.OrderUpdate,
            "account.positionUpdate" => StreamKind.PositionUpdate,
            "account.liquidation" when dot < 0 => StreamKind.AccountLiquidation,
            "account.adl" when dot < 0 => StreamKind.AccountAdl,
            "account.fundingPayment" => StreamKind.AccountFunding,
            "account.adlQueue" => StreamKind.AccountAdlQueue,
            _ => null,
        };
        if (kind is null) return false;
        key = new StreamKey(kind.Value, market);
        return true;
    }

    /// <summary>The stream's name as clients subscribe to it.</summary>
    public string Name(MarketDirectory markets)
    {
        string head = Kind switch
        {
            StreamKind.Depth => "depth",
            StreamKind.Trade => "trade",
            StreamKind.MarkPrice => "markPrice",
            StreamKind.Ticker => "ticker",
            StreamKind.BookTicker => "bookTicker",
            StreamKind.Kline => "kline." + KlineInterval.All[Interval].Name,
            StreamKind.OpenInterest => "openInterest",
            StreamKind.AdlQueue => "adlQueue",
            StreamKind.Liquidation => "liquidation",
            StreamKind.InsuranceFund => "insuranceFund",
            StreamKind.OrderUpdate => "account.orderUpdate",
            StreamKind.PositionUpdate => "account.positionUpdate",
            StreamKind.AccountLiquidation => "account.liquidation",
            StreamKind.AccountAdl => "account.adl",
            StreamKind.AccountAdlQueue => "account.adlQueue",
            _ => "account.fundingPayment",
        };
        return MarketId == 0 ? head : head + "." + markets[MarketId].Symbol;
    }
}

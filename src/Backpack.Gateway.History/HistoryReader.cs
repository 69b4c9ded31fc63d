using System.Data.Common;

namespace Backpack.Gateway.History;

/// <summary>A public trade (price in ticks, quantity in lots, time in engine microseconds).</summary>
public sealed record TradeRow(int Market, long TradeId, long Price, long Quantity, int TakerSide, int Origin, long Time);

/// <summary>A candle; QuoteVolume is in ticks x lots (times the market's quote per tick-lot: micro-USDC).</summary>
public sealed record CandleRow(long OpenTime, long Open, long High, long Low, long Close, long Volume, long QuoteVolume, long Trades);

public sealed record FillRow(int Account, long TradeId, long OrderId, int Market, long ClientOrderId, int Side, long Price, long Quantity, long Fee,
    int Liquidity, int Origin, long LiquidationId, long Time);

public sealed record OrderRow(long OrderId, int Account, int Market, long ClientOrderId, int Side, int OrderType, int TimeInForce, long Price,
    long Quantity, long Filled, long FilledQuote, int Flags, int Stp, int Origin, long TriggerPrice, int TriggerBy, int TriggerKind, long ParentOrderId,
    string Status, string? Reason, long Created, long Updated);

public sealed record FundingRateRow(int Market, long IntervalEnd, long Rate);

public sealed record FundingPaymentRow(int Account, int Market, long IntervalEnd, long Rate, long Quantity, long MarkPrice, long Amount);

public sealed record TransferRow(long Sequence, int Account, string Kind, long Amount, long Balance, long Time);

/// <summary>A liquidation step with the figures it was decided on (prices in ticks, lots, micro-USDC, urgency in ppm).</summary>
public sealed record LiquidationStepRow(long Sequence, int Position, int Account, int Market, int Action, long MarkPrice, long IndexPrice, long Equity,
    long MaintenanceMargin, long Notional, long Urgency, long Limit, long BandDepth, long Quantity, long BankruptcyPrice, long Time);

/// <summary>One movement of the insurance fund: signed change and balance after, micro-USDC; reason as the ledger names it.</summary>
public sealed record FundMovementRow(long Sequence, long Change, long Balance, string Reason, long LiquidationId, long Time);

public sealed record LiquidationEventRow(long Sequence, string Kind, int Account, long LiquidationId, int Market, int Stage, int Side, long Price,
    long Quantity, long TradeId, int Counterparty, long Detail, long Time);

/// <summary>
/// Queries of the history database, newest first unless said otherwise (cold paths: each opens a
/// pooled connection). Limits are clamped by the caller (the REST API applies Backpack's).
/// </summary>
public sealed class HistoryReader(HistoryDatabase database)
{
    public long Cursor()
    {
        using var c = database.Open();
        return HistoryDatabase.Scalar(c, "SELECT value FROM history_meta WHERE name = 'cursor'");
    }

    public IReadOnlyList<TradeRow> Trades(int market, int limit, int offset = 0) => Query(
        "SELECT market, trade_id, price, quantity, taker_side, origin, time FROM trades WHERE market = @m ORDER BY trade_id DESC LIMIT @l OFFSET @o",
        r => new TradeRow(r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt32(4), r.GetInt32(5), r.GetInt64(6)),
        ("m", market), ("l", limit), ("o", offset));

    /// <summary>Candles opening in [<paramref name="start"/>, <paramref name="end"/>), oldest first.</summary>
    public IReadOnlyList<CandleRow> Candles(int market, CandlePrice type, string interval, long start, long end, int limit) => Query(
        "SELECT open_time, open, high, low, close, volume, quote_volume, trades FROM candles WHERE market = @m AND price_type = @t AND interval = @i " +
        "AND open_time >= @s AND open_time < @e ORDER BY open_time LIMIT @l",
        r => new CandleRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)),
        ("m", market), ("t", (int)type), ("i", interval), ("s", start), ("e", end), ("l", limit));

    /// <summary>
    /// An account's fills; <paramref name="market"/> 0 = every market; times in engine microseconds
    /// (inclusive); <paramref name="origins"/> a bit per <c>OrderOrigin</c> (bit 0 = the account's own
    /// orders), -1 = all; <paramref name="orderId"/> 0 = every order.
    /// </summary>
    public IReadOnlyList<FillRow> Fills(int account, int market, long from, long to, int limit, int offset, long origins = -1, long orderId = 0) => Query(
        "SELECT account, trade_id, order_id, market, client_order_id, side, price, quantity, fee, liquidity, origin, liquidation_id, time FROM fills " +
        "WHERE account = @a AND (@m = 0 OR market = @m) AND time >= @f AND time <= @t AND ((@om >> origin) & 1) = 1 AND (@oi = 0 OR order_id = @oi) " +
        "ORDER BY time DESC, trade_id DESC LIMIT @l OFFSET @o",
        r => new FillRow(r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3), r.GetInt64(4), r.GetInt32(5), r.GetInt64(6), r.GetInt64(7),
            r.GetInt64(8), r.GetInt32(9), r.GetInt32(10), r.GetInt64(11), r.GetInt64(12)),
        ("a", account), ("m", market), ("f", from), ("t", to), ("om", origins), ("oi", orderId), ("l", limit), ("o", offset));

    public IReadOnlyList<OrderRow> Orders(int account, int market, int limit, int offset) => Query(
        OrderColumns + " WHERE account = @a AND (@m = 0 OR market = @m) ORDER BY created DESC, order_id DESC LIMIT @l OFFSET @o",
        ReadOrder, ("a", account), ("m", market), ("l", limit), ("o", offset));

    public OrderRow? Order(long orderId) => Query(OrderColumns + " WHERE order_id = @i", ReadOrder, ("i", orderId)).FirstOrDefault();

    private const string OrderColumns =
        "SELECT order_id, account, market, client_order_id, side, order_type, time_in_force, price, quantity, filled, filled_quote, flags, stp, origin, " +
        "trigger_price, trigger_by, trigger_kind, parent_order_id, status, reason, created, updated FROM orders";

    private static OrderRow ReadOrder(DbDataReader r) => new(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3), r.GetInt32(4), r.GetInt32(5),
        r.GetInt32(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), r.GetInt64(14),
        r.GetInt32(15), r.GetInt32(16), r.GetInt64(17), r.GetString(18), r.IsDBNull(19) ? null : r.GetString(19), r.GetInt64(20), r.GetInt64(21));

    public IReadOnlyList<FundingRateRow> FundingRates(int market, int limit, int offset) => Query(
        "SELECT market, interval_end, rate FROM funding_rates WHERE market = @m ORDER BY interval_end DESC LIMIT @l OFFSET @o",
        r => new FundingRateRow(r.GetInt32(0), r.GetInt64(1), r.GetInt64(2)), ("m", market), ("l", limit), ("o", offset));

    public IReadOnlyList<FundingPaymentRow> FundingPayments(int account, int market, int limit, int offset) => Query(
        "SELECT account, market, interval_end, rate, quantity, mark_price, amount FROM funding_payments WHERE account = @a AND (@m = 0 OR market = @m) " +
        "ORDER BY interval_end DESC, market LIMIT @l OFFSET @o",
        r => new FundingPaymentRow(r.GetInt32(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)),
        ("a", account), ("m", market), ("l", limit), ("o", offset));

    /// <summary>What an account has received (positive) or paid (negative) in funding in one market, micro-USDC.</summary>
    public long FundingTotal(int account, int market) => Query(
        "SELECT COALESCE(SUM(amount), 0) FROM funding_payments WHERE account = @a AND market = @m",
        r => r.GetInt64(0), ("a", account), ("m", market))[0];

    /// <summary>An account's deposits, withdrawals or settlements (<paramref name="kind"/>: Deposit, Withdrawal, Settlement), times inclusive.</summary>
    public IReadOnlyList<TransferRow> Transfers(int account, string kind, int limit, int offset, long from = 0, long to = long.MaxValue) => Query(
        "SELECT sequence, account, kind, amount, balance, time FROM transfers WHERE account = @a AND kind = @k AND time >= @f AND time <= @t " +
        "ORDER BY sequence DESC LIMIT @l OFFSET @o",
        r => new TransferRow(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)),
        ("a", account), ("k", kind), ("f", from), ("t", to), ("l", limit), ("o", offset));

    /// <summary>Liquidation events, of one account or (<paramref name="account"/> 0) all, in engine order.</summary>
    public IReadOnlyList<LiquidationEventRow> LiquidationEvents(int account, int limit) => Query(
        LiquidationEventColumns +
        "WHERE (@a = 0 OR account = @a) ORDER BY sequence DESC, position DESC LIMIT @l",
        ReadLiquidationEvent,
        ("a", account), ("l", limit));

    /// <summary>The forced closes (liquidation fills of every stage), of one market or (<paramref name="market"/> 0) all, newest first: the public liquidation feed.</summary>
    public IReadOnlyList<LiquidationEventRow> LiquidationFills(int market, int limit) => Query(
        LiquidationEventColumns +
        "WHERE kind = 'liquidationFill' AND (@m = 0 OR market = @m) ORDER BY sequence DESC, position DESC LIMIT @l",
        ReadLiquidationEvent,
        ("m", market), ("l", limit));

    /// <summary>One liquidation's events (start, fills of every stage, ADL notices, end) with their place in their command, in engine order.</summary>
    public IReadOnlyList<(LiquidationEventRow Event, int Position)> LiquidationTrail(long liquidationId) => Query(
        "SELECT sequence, kind, account, liquidation_id, market, stage, side, price, quantity, trade_id, counterparty, detail, time, position FROM liquidation_events " +
        "WHERE liquidation_id = @i AND kind <> 'marginCall' ORDER BY sequence, position",
        r => (ReadLiquidationEvent(r), r.GetInt32(13)),
        ("i", liquidationId));

    /// <summary>One liquidation's steps, in engine order.</summary>
    public IReadOnlyList<LiquidationStepRow> LiquidationSteps(long liquidationId) => Query(
        "SELECT sequence, position, account, market, action, mark_price, index_price, equity, maintenance_margin, notional, urgency, limit_price, band_depth, quantity, " +
        "bankruptcy_price, time FROM liquidation_steps WHERE liquidation_id = @i ORDER BY sequence, position",
        r => new LiquidationStepRow(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8),
            r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14), r.GetInt64(15)),
        ("i", liquidationId));

    /// <summary>The newest <paramref name="limit"/> movements of the insurance fund between two times, oldest first.</summary>
    public IReadOnlyList<FundMovementRow> FundMovements(long from, long to, int limit)
    {
        var rows = Query(
            "SELECT sequence, change, balance, reason, liquidation_id, time FROM insurance_fund WHERE time >= @f AND time <= @t " +
            "ORDER BY sequence DESC, position DESC LIMIT @l",
            r => new FundMovementRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)),
            ("f", from), ("t", to), ("l", limit));
        rows.Reverse();
        return rows;
    }

    private const string LiquidationEventColumns =
        "SELECT sequence, kind, account, liquidation_id, market, stage, side, price, quantity, trade_id, counterparty, detail, time FROM liquidation_events ";

    private static LiquidationEventRow ReadLiquidationEvent(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3),
        r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt32(10), r.GetInt64(11), r.GetInt64(12));

    private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) HistoryDatabase.Add(command, name, value);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }
}

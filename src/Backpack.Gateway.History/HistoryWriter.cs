using System.Data.Common;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.History;

/// <summary>The statements of one batch's transaction, each prepared once and run with new values.</summary>
internal sealed class HistoryWriter : IDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly Dictionary<string, DbCommand> _commands = [];

    public HistoryWriter(DbConnection connection, DbTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    private int Run(string sql, params object[] values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = sql;
            for (int i = 0; i < values.Length; i++) HistoryDatabase.Add(command, "p" + i, values[i]);
            _commands[sql] = command;
        }
        else
        {
            for (int i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        }
        return command.ExecuteNonQuery();
    }

    public void Trade(in Trade e) => Run(
        "INSERT INTO trades (market, trade_id, price, quantity, taker_side, origin, time, sequence) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7) ON CONFLICT (market, trade_id) DO NOTHING",
        e.MarketId, e.TradeId, e.Price, e.Quantity, (int)e.TakerSide, (int)e.Origin, e.Header.Time, e.Header.Sequence);

    public void Fill(in OrderFilled e) => Run(
        "INSERT INTO fills (account, trade_id, order_id, market, client_order_id, side, price, quantity, fee, liquidity, origin, liquidation_id, time, sequence) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13) ON CONFLICT (account, trade_id, order_id) DO NOTHING",
        e.AccountId, e.TradeId, e.OrderId, e.MarketId, e.ClientOrderId, (int)e.Side, e.Price, e.Quantity, e.Fee, (int)e.Liquidity, (int)e.Origin,
        e.LiquidationId, e.Header.Time, e.Header.Sequence);

    public void OrderPlaced(long orderId, int account, int market, long clientOrderId, Side side, OrderType type, TimeInForce tif, long price, long quantity,
        OrderFlags flags, SelfTradePrevention stp, OrderOrigin origin, long triggerPrice, TriggerSource triggerBy, TriggerKind kind, long parent, string status, long time) => Run(
        "INSERT INTO orders (order_id, account, market, client_order_id, side, order_type, time_in_force, price, quantity, filled, filled_quote, flags, stp, origin, " +
        "trigger_price, trigger_by, trigger_kind, parent_order_id, status, reason, created, updated) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, 0, 0, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, NULL, @p17, @p17) " +
        "ON CONFLICT (order_id) DO UPDATE SET quantity = excluded.quantity, updated = excluded.updated",
        orderId, account, market, clientOrderId, (int)side, (int)type, (int)tif, price, quantity, (int)flags, (int)stp, (int)origin,
        triggerPrice, (int)triggerBy, (int)kind, parent, status, time);

    public void OrderStatusChanged(long orderId, string status, string? reason, long time) => Run(
        "UPDATE orders SET status = @p1, reason = @p2, updated = @p3 WHERE order_id = @p0",
        orderId, status, (object?)reason ?? DBNull.Value, time);

    public void OrderFilled(long orderId, long filled, long filledQuote, bool done, long time) => Run(
        "UPDATE orders SET filled = @p1, filled_quote = @p2, status = @p3, updated = @p4 WHERE order_id = @p0",
        orderId, filled, filledQuote, done ? OrderStatus.Filled : OrderStatus.PartiallyFilled, time);

    public void OrderReplaced(long orderId, long clientOrderId, long price, long quantity, long time) => Run(
        "UPDATE orders SET client_order_id = @p1, price = @p2, quantity = @p3, updated = @p4 WHERE order_id = @p0",
        orderId, clientOrderId, price, quantity, time);

    public void FundingRate(int market, long intervalEnd, long rate) => Run(
        "INSERT INTO funding_rates (market, interval_end, rate) VALUES (@p0, @p1, @p2) ON CONFLICT (market, interval_end) DO NOTHING",
        market, intervalEnd, rate);

    public void FundingPayment(in FundingPayment e) => Run(
        "INSERT INTO funding_payments (account, market, interval_end, rate, quantity, mark_price, amount) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) " +
        "ON CONFLICT (account, market, interval_end) DO NOTHING",
        e.AccountId, e.MarketId, e.IntervalEnd, e.Rate, e.Quantity, e.MarkPrice, e.Amount);

    public void Transfer(long sequence, int account, string kind, long amount, long balance, long time) => Run(
        "INSERT INTO transfers (sequence, account, kind, amount, balance, time) VALUES (@p0, @p1, @p2, @p3, @p4, @p5) ON CONFLICT (sequence, account, kind) DO NOTHING",
        sequence, account, kind, amount, balance, time);

    public void LiquidationEvent(EventHeader header, int position, string kind, int account, long liquidationId, int market, int stage, int side,
        long price, long quantity, long tradeId, int counterparty, long detail) => Run(
        "INSERT INTO liquidation_events (sequence, position, kind, account, liquidation_id, market, stage, side, price, quantity, trade_id, counterparty, detail, time) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13) ON CONFLICT (sequence, position) DO NOTHING",
        header.Sequence, position, kind, account, liquidationId, market, stage, side, price, quantity, tradeId, counterparty, detail, header.Time);

    public void Candle(Candle c) => Run(
        "INSERT INTO candles (market, price_type, interval, open_time, open, high, low, close, volume, quote_volume, trades) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10) ON CONFLICT (market, price_type, interval, open_time) DO UPDATE SET " +
        "high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume, quote_volume = excluded.quote_volume, trades = excluded.trades",
        c.Market, (int)c.PriceType, c.Interval.Name, c.OpenTime, c.Open, c.High, c.Low, c.Close, c.Volume, c.QuoteVolume, c.Trades);

    public void FundMovement(in InsuranceFundChanged e, int position) => Run(
        "INSERT INTO insurance_fund (sequence, position, change, balance, reason, liquidation_id, time) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) " +
        "ON CONFLICT (sequence, position) DO NOTHING",
        e.Header.Sequence, position, e.Change, e.Balance, e.Reason.ToString(), e.LiquidationId, e.Header.Time);

    public void LiquidationStep(in LiquidationStep e, int position) => Run(
        "INSERT INTO liquidation_steps (sequence, position, liquidation_id, account, market, action, mark_price, index_price, equity, maintenance_margin, notional, " +
        "urgency, limit_price, band_depth, quantity, bankruptcy_price, time) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16) " +
        "ON CONFLICT (sequence, position) DO NOTHING",
        e.Header.Sequence, position, e.LiquidationId, e.AccountId, e.MarketId, (int)e.Action, e.MarkPrice, e.IndexPrice, e.Equity, e.MaintenanceMargin, e.Notional,
        e.Urgency, e.Limit, e.BandDepth, e.Quantity, e.BankruptcyPrice, e.Header.Time);

    public void Cursor(long sequence) => Run(
        "INSERT INTO history_meta (name, value) VALUES ('cursor', @p0) ON CONFLICT (name) DO UPDATE SET value = excluded.value", sequence);

    /// <summary>A candle already in the database (after a restart, the open one continues).</summary>
    public Candle? LoadCandle(int market, CandlePrice type, CandleInterval interval, long openTime)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = "SELECT open, high, low, close, volume, quote_volume, trades FROM candles WHERE market = @m AND price_type = @t AND interval = @i AND open_time = @o";
        HistoryDatabase.Add(command, "m", market);
        HistoryDatabase.Add(command, "t", (int)type);
        HistoryDatabase.Add(command, "i", interval.Name);
        HistoryDatabase.Add(command, "o", openTime);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return new Candle
        {
            Market = market, PriceType = type, Interval = interval, OpenTime = openTime,
            Open = reader.GetInt64(0), High = reader.GetInt64(1), Low = reader.GetInt64(2), Close = reader.GetInt64(3),
            Volume = reader.GetInt64(4), QuoteVolume = reader.GetInt64(5), Trades = reader.GetInt64(6),
        };
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
    }
}

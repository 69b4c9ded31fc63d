using System.Globalization;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// TradeCaptureReportRequest (AD): the account's fills as TradeCaptureReports (AE), after a
/// TradeCaptureReportRequestAck (AQ). Read from the history database when the host gives one
/// (<see cref="FillHistory"/>) together with the gateway's own memory of recent fills, which
/// covers what the database has not written yet; from the memory alone otherwise. The query runs
/// off the session's lock and off the dispatcher, then the answer is written under the lock.
/// </summary>
public sealed partial class FixGateway
{
    /// <summary>Most reports one request answers with: the newest fills of the range, oldest first.</summary>
    public const int MaxTradeReports = 1000;

    private RecentFills _recentFills = new(10_000);

    /// <summary>The history database's fills, when the host has one (set before <see cref="Start"/>).</summary>
    public IFillHistory? FillHistory { get; set; }

    /// <summary>How many recent fills per account the gateway keeps for trade capture (set before <see cref="Start"/>).</summary>
    public int RecentFillsPerAccount
    {
        get => _recentFills.PerAccount;
        set => _recentFills = new RecentFills(value);
    }

    /// <summary>A fill of an account with a FIX session, remembered for trade capture (dispatcher thread).</summary>
    private void RememberFill(in OrderFilled e)
    {
        if (!_byAccount.ContainsKey(e.AccountId)) return;
        _recentFills.Add(new FixFill(e.AccountId, e.MarketId, e.TradeId, e.OrderId, e.ClientOrderId, e.Side, e.Price, e.Quantity, e.Fee, e.Liquidity, e.Origin, e.LiquidationId, e.Header.Time));
    }

    private sealed record TradeQuery(string ReqId, int Account, int MarketId, long From, long To, Side? Side, long OrderId, long TradeId);

    private void TradeCaptureRequest(FixSessionState state, FixMessage m)
    {
        string reqId = m.GetString(FixTags.TradeRequestID)!;
        string type = m.GetString(FixTags.TradeRequestType) ?? "";
        string subscription = m.GetString(FixTags.SubscriptionRequestType) ?? "0";
        int marketId = m.TryGet(FixTags.Symbol, out var symbol) ? _markets.Find(symbol) : 0;
        int account = AccountOf(state, m);
        // TradeRequestResult: 1 unknown instrument, 8 request type not supported, 9 not authorized, 99 other.
        (int Result, string Text)? problem =
            type != "0" ? (8, "TradeRequestType must be 0 (all trades)")
            : subscription != "0" ? (99, "Only snapshots are offered (SubscriptionRequestType 0): a drop-copy session receives fills as they happen")
            : account == 0 ? (9, "Unknown account for this session")
            : m.Has(FixTags.Symbol) && marketId == 0 ? (1, "Unknown symbol")
            : null;
        long from = 0, to = long.MaxValue, orderId = 0, tradeId = 0;
        Side? side = null;
        if (problem is null) problem = Dates(m, ref from, ref to) ?? Filters(state, m, ref orderId, ref tradeId, ref side);
        if (problem is { } p)
        {
            SendTradeCaptureAck(state, reqId, 0, p.Result, '2', marketId, p.Text);
            return;
        }
        var query = new TradeQuery(reqId, account, marketId, from, to, side, orderId, tradeId);
        var history = FillHistory;
        var recent = _recentFills;
        _ = Task.Run(() =>
        {
            List<FixFill> fills;
            string? failure = null;
            try
            {
                fills = FindFills(query, history, recent);
            }
            catch (Exception e)
            {
                fills = [];
                failure = "The fills could not be read: " + e.GetType().Name;
                OnError?.Invoke(e);
            }
            lock (state.Session.Lock)
            {
                if (failure is not null) SendTradeCaptureAck(state, reqId, 0, 99, '2', marketId, failure);
                else SendTradeCaptureReports(state, query, fills);
            }
            state.Session.Flush();
        });
    }

    /// <summary>
    /// The date range of TrdCapDtGrp. Each entry starts with TradeDate (the group's delimiter) and
    /// may add a TransactTime, which is then the exact bound. One entry: that day (or from that
    /// time on); two: from the first to the second (its day's end, or its time).
    /// </summary>
    private static (int, string)? Dates(FixMessage m, ref long from, ref long to)
    {
        int start = m.IndexOf(FixTags.NoDates);
        if (start < 0) return null;
        var entries = new List<(long Day, long Time)>();
        for (int i = start + 1; i < m.FieldCount; i++)
        {
            int tag = m.Field(i).Tag;
            var text = m.Value(i);
            if (tag == FixTags.TradeDate)
            {
                if (!DateTime.TryParseExact(System.Text.Encoding.ASCII.GetString(text), "yyyyMMdd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day)) return (99, "TradeDate must be YYYYMMDD");
                entries.Add(((day.Ticks - DateTime.UnixEpoch.Ticks) / 10, -1));
            }
            else if (tag == FixTags.TransactTime && entries.Count > 0 && entries[^1].Time < 0)
            {
                if (!FixValues.TryParseTimestamp(text, out long time)) return (99, "TransactTime must be a UTC timestamp");
                entries[^1] = (entries[^1].Day, time);
            }
            else
            {
                break;
            }
        }
        const long Day = 86_400_000_000;
        switch (entries.Count)
        {
            case 1:
                from = entries[0].Time >= 0 ? entries[0].Time : entries[0].Day;
                if (entries[0].Time < 0) to = from + Day;
                return null;
            case 2:
                from = entries[0].Time >= 0 ? entries[0].Time : entries[0].Day;
                to = entries[1].Time >= 0 ? entries[1].Time : entries[1].Day + Day;
                return to > from ? null : (99, "The second date must be after the first");
            default:
                return (99, "NoDates must hold one or two dates");
        }
    }

    /// <summary>OrderID, ClOrdID (one of this session's orders), TrdMatchID (the trade id) and Side narrow the fills.</summary>
    private static (int, string)? Filters(FixSessionState state, FixMessage m, ref long orderId, ref long tradeId, ref Side? side)
    {
        if (m.TryGet(FixTags.OrderID, out var order) && !FixValues.TryParseLong(order, out orderId)) return (99, "OrderID must be the venue's order id");
        if (m.GetString(FixTags.ClOrdID) is { } clOrdId)
        {
            long byClOrdId = state.Orders.ByClOrdId(clOrdId)?.OrderId ?? -1; // an unknown ClOrdID matches nothing
            if (orderId != 0 && orderId != byClOrdId) return (99, "OrderID and ClOrdID name different orders");
            orderId = byClOrdId;
        }
        if (m.TryGet(FixTags.TrdMatchID, out var match) && !FixValues.TryParseLong(match, out tradeId)) return (99, "TrdMatchID must be the venue's trade id");
        if (m.Has(FixTags.Side))
        {
            side = m.GetChar(FixTags.Side) switch { '1' => Side.Buy, '2' => Side.Sell, _ => null };
            if (side is null) return (99, "Side must be 1 (buy) or 2 (sell)");
        }
        return null;
    }

    /// <summary>The database's fills and the memory's, each fill once, the newest <see cref="MaxTradeReports"/> of the range, oldest first.</summary>
    private static List<FixFill> FindFills(TradeQuery q, IFillHistory? history, RecentFills recent)
    {
        // Narrowing by order, trade or side happens after the read, so read deeper when narrowing.
        int depth = q.OrderId != 0 || q.TradeId != 0 || q.Side is not null ? 100 * MaxTradeReports : MaxTradeReports;
        var all = recent.Fills(q.Account, q.MarketId, q.From, q.To, depth).AsEnumerable();
        if (history is not null) all = all.Concat(history.Fills(q.Account, q.MarketId, q.From, q.To, depth));
        return all.Where(f => (q.OrderId == 0 || f.OrderId == q.OrderId) && (q.TradeId == 0 || f.TradeId == q.TradeId) && (q.Side is null || f.Side == q.Side))
            .DistinctBy(f => (f.TradeId, f.Side, f.OrderId))
            .OrderByDescending(f => f.Time).ThenByDescending(f => f.TradeId)
            .Take(MaxTradeReports).Reverse().ToList();
    }

    private void SendTradeCaptureReports(FixSessionState s, TradeQuery q, List<FixFill> fills)
    {
        SendTradeCaptureAck(s, q.ReqId, fills.Count, 0, '1', q.MarketId, fills.Count == 0 ? "No fills match the request" : null);
        for (int i = 0; i < fills.Count; i++)
        {
            var f = fills[i];
            ref readonly MarketUnits market = ref _markets.Units(f.MarketId);
            var w = s.Session.Begin("AE"u8);
            w.Id(FixTags.TradeReportID, f.Side == Side.Buy ? 'T' : 'S', f.TradeId, f.OrderId);
            w.Field(FixTags.TradeRequestID, q.ReqId);
            w.Field(FixTags.ExecType, 'F');
            w.Field(FixTags.TotNumTradeReports, fills.Count);
            w.Field(FixTags.LastRptRequested, i == fills.Count - 1);
            w.Field(FixTags.TrdMatchID, f.TradeId);
            TradeExecId(f.TradeId, f.Side).Write(ref w);
            w.Field(FixTags.PreviouslyReported, true);
            w.Field(FixTags.Symbol, _markets.SymbolOf(f.MarketId));
            w.Scaled(FixTags.LastQty, f.Quantity * market.StepUnits, market.QuantityScale);
            w.Scaled(FixTags.LastPx, f.Price * market.TickUnits, market.PriceScale);
            w.Date(FixTags.TradeDate, f.Time);
            w.Timestamp(FixTags.TransactTime, f.Time);
            w.Field(FixTags.NoSides, 1);
            w.Field(FixTags.Side, f.Side == Side.Buy ? '1' : '2');
            if (f.OrderId != 0) w.Field(FixTags.OrderID, f.OrderId);
            else w.Field(FixTags.OrderID, "LIQ-" + f.LiquidationId.ToString(CultureInfo.InvariantCulture));
            if (s.Orders.ByOrderId(f.OrderId) is { } own) w.Field(FixTags.ClOrdID, own.ClOrdId);
            w.Field(FixTags.Account, f.AccountId);
            w.Scaled(FixTags.Commission, f.Fee, 6);
            w.Field(FixTags.CommType, '3');
            w.Field(FixTags.LastLiquidityInd, f.Liquidity == Liquidity.Maker ? 1 : 2);
            w.Field(FixTags.OrderOrigin, (int)f.Origin);
            if (f.LiquidationId != 0) w.Field(FixTags.LiquidationID, f.LiquidationId);
            s.Session.Send(ref w);
        }
    }

    private void SendTradeCaptureAck(FixSessionState s, string reqId, int reports, int result, char status, int marketId, string? text)
    {
        var w = s.Session.Begin("AQ"u8);
        w.Field(FixTags.TradeRequestID, reqId);
        w.Field(FixTags.TradeRequestType, '0');
        w.Field(FixTags.TotNumTradeReports, reports);
        w.Field(FixTags.TradeRequestResult, result);
        w.Field(FixTags.TradeRequestStatus, status);
        if (marketId != 0) w.Field(FixTags.Symbol, _markets.SymbolOf(marketId));
        if (text is not null) w.Field(FixTags.Text, text);
        s.Session.Send(ref w);
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Clients;

/// <summary>
/// An institutional trader on FIX 4.4 through <see cref="FixInitiator"/>: NewOrderSingle (D),
/// OrderCancelReplaceRequest (G) and OrderCancelRequest (F) with ClOrdIDs <c>&lt;CompID&gt;-&lt;n&gt;</c>;
/// ExecutionReports and OrderCancelRejects answer them; forced fills and the custom messages
/// U1-U4 are the account's margin-call, liquidation and ADL events.
/// </summary>
public sealed class FixTrader(IPEndPoint endpoint, string targetCompId, FleetSession session, MarketView markets, RunRecorder recorder, int seed)
    : TradingClient(Channel.Fix, session.Account, session.CompId, markets, recorder, seed)
{
    private FixInitiator? _fix;
    private readonly string _prefix = session.CompId + "-";

    public FixInitiator? Initiator => _fix;

    public override (int Count, string? First) Unreadable => (_fix?.HandlerErrors ?? 0, _fix?.FirstHandlerError);

    public override async Task ConnectAsync(CancellationToken cancellation)
    {
        _fix = new FixInitiator(endpoint, session.CompId, targetCompId, OnMessage);
        _ = _fix.Closed.ContinueWith(t => Deliveries.Disconnected ??= t.Result, TaskScheduler.Default);
        await _fix.LogOnAsync(Account.PrivateKey, 30, cancellation);
    }

    protected override ValueTask SendRequestAsync(TradeAction action, long key)
    {
        var fix = _fix ?? throw new InvalidOperationException("not connected");
        var request = new Request(action, _prefix + key.ToString(CultureInfo.InvariantCulture), _prefix + action.Order.Key.ToString(CultureInfo.InvariantCulture));
        switch (action.Kind)
        {
            case RequestKind.New:
                fix.Send("D"u8, request, static (ref FixWriter w, Request r) =>
                {
                    w.Field(FixTags.ClOrdID, r.ClOrdId);
                    r.Common(ref w);
                    w.Field(FixTags.OrderQty, Deliveries.Number(r.Action.Order.Quantity));
                    w.Field(FixTags.OrdType, '2');
                    w.Field(FixTags.Price, Deliveries.Number(r.Action.Order.Price));
                    w.Field(FixTags.TimeInForce, r.Action.Aggressive ? '3' : '1');
                });
                break;
            case RequestKind.Replace:
                fix.Send("G"u8, request, static (ref FixWriter w, Request r) =>
                {
                    w.Field(FixTags.OrigClOrdID, r.OrigClOrdId);
                    w.Field(FixTags.ClOrdID, r.ClOrdId);
                    r.Common(ref w);
                    w.Field(FixTags.OrderQty, Deliveries.Number(r.Action.Order.Quantity));
                    w.Field(FixTags.OrdType, '2');
                    w.Field(FixTags.Price, Deliveries.Number(r.Action.NewPrice));
                });
                break;
            default:
                fix.Send("F"u8, request, static (ref FixWriter w, Request r) =>
                {
                    w.Field(FixTags.OrigClOrdID, r.OrigClOrdId);
                    w.Field(FixTags.ClOrdID, r.ClOrdId);
                    r.Common(ref w);
                });
                break;
        }
        return ValueTask.CompletedTask;
    }

    private sealed record Request(TradeAction Action, string ClOrdId, string OrigClOrdId)
    {
        public void Common(ref FixWriter w)
        {
            w.Field(FixTags.Symbol, Action.Order.Market.Symbol);
            w.Field(FixTags.Side, Action.Order.Buy ? '1' : '2');
            w.Timestamp(FixTags.TransactTime, Simulation.RunClock.UnixMicros());
        }
    }

    private void OnMessage(FixMessage m, long ticks, long micros)
    {
        if (m.IsMsgType("8"))
        {
            OnExecutionReport(m, ticks, micros);
        }
        else if (m.IsMsgType("9"))
        {
            Answered(KeyOf(m, FixTags.ClOrdID), ticks, Reason(m, "CxlRejReason=" + m.GetString(FixTags.CxlRejReason)));
        }
        else if (m.IsMsgType("U1"))
        {
            if (EngineTime(m) is { } t) Deliveries.Add(Deliveries.MarginCall(t), micros, ticks);
        }
        else if (m.IsMsgType("U2"))
        {
            if (m.TryGetLong(FixTags.LiquidationID, out long id)) Deliveries.Add(Deliveries.Started(id), micros, ticks);
        }
        else if (m.IsMsgType("U3"))
        {
            if (m.TryGetLong(FixTags.LiquidationID, out long id)) Deliveries.Add(Deliveries.Ended(id), micros, ticks);
        }
        else if (m.IsMsgType("U4"))
        {
            if (m.TryGetLong(FixTags.LiquidationID, out long id) && m.TryGetInt(FixTags.AdlRole, out int role))
            {
                Deliveries.Add(Deliveries.Adl(id, m.GetString(FixTags.Symbol) ?? "", role == 0 ? "Liquidated" : "Counterparty",
                    m.GetChar(FixTags.Side) == '1' ? "Bid" : "Ask", Decimal(m, FixTags.LastPx), Decimal(m, FixTags.LastQty)), micros, ticks);
            }
        }
    }

    private void OnExecutionReport(FixMessage m, long ticks, long micros)
    {
        long key = KeyOf(m, FixTags.ClOrdID);
        switch (m.GetChar(FixTags.ExecType))
        {
            case '0':
            case '5':
                Answered(key, ticks, null);
                break;
            case '8':
                Answered(key, ticks, Reason(m, "OrdRejReason=" + m.GetString(FixTags.OrdRejReason)));
                break;
            case '4':
                Answered(key, ticks, null);
                Flow.Gone(m.Has(FixTags.OrigClOrdID) ? KeyOf(m, FixTags.OrigClOrdID) : key);
                break;
            case 'F':
                var market = Markets.Find(m.GetString(FixTags.Symbol) ?? "");
                if (market is not null)
                {
                    long lots = (long)(Decimal(m, FixTags.LastQty) / market.StepSize);
                    if (EngineTime(m) is { } t) OnFill(market.Symbol, m.GetChar(FixTags.Side) == '1' ? lots : -lots, t, micros, ticks);
                }
                if (m.TryGetInt(FixTags.OrderOrigin, out int origin) && origin != 0 && m.TryGetLong(FixTags.LiquidationID, out long liquidation))
                {
                    // A forced fill (OrderOrigin 1-3): ExecID is T<trade id> or S<trade id>.
                    string execId = m.GetString(FixTags.ExecID) ?? "";
                    if (execId.Length > 1 && long.TryParse(execId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long trade))
                    {
                        Deliveries.Add(Deliveries.Fill(liquidation, trade), micros, ticks);
                    }
                }
                else if (m.GetChar(FixTags.OrdStatus) == '2')
                {
                    Flow.Gone(key);
                }
                break;
        }
    }

    /// <summary>The number after our prefix in a ClOrdID field (0 when it is not one of ours).</summary>
    private long KeyOf(FixMessage m, int tag)
    {
        if (!m.TryGet(tag, out var value) || value.Length <= _prefix.Length) return 0;
        return FixValues.TryParseLong(value[_prefix.Length..], out long key) ? key : 0;
    }

    private static string Reason(FixMessage m, string fallback) =>
        m.GetString(FixTags.RejectCode) ?? m.GetString(FixTags.Text) ?? fallback;

    private static long? EngineTime(FixMessage m) =>
        m.TryGet(FixTags.TransactTime, out var text) && FixValues.TryParseTimestamp(text, out long micros) ? micros : null;

    private static decimal Decimal(FixMessage m, int tag) =>
        m.TryGet(tag, out var text) ? decimal.Parse(Encoding.ASCII.GetString(text), CultureInfo.InvariantCulture) : 0;

    public override ValueTask DisposeAsync()
    {
        _fix?.LogOut();
        _fix?.Dispose();
        return ValueTask.CompletedTask;
    }
}

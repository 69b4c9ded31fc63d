using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Orders;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// OrderMassStatusRequest (AF): an ExecutionReport (ExecType I) for every open order of the
/// session's accounts, whichever channel placed it, read from the engine (QueryAccount) so the
/// answer is the engine's book, not the session's memory. Orders this session placed carry their
/// ClOrdID; orders placed elsewhere (another session, WebSocket, REST) carry only the OrderID.
/// </summary>
public sealed partial class FixGateway
{
    private void MassStatusRequest(FixSessionState state, FixMessage m)
    {
        m.TryGetInt(FixTags.MsgSeqNum, out int seq);
        string reqId = m.GetString(FixTags.MassStatusReqID)!;
        string type = m.GetString(FixTags.MassStatusReqType) ?? "";
        int marketId = m.TryGet(FixTags.Symbol, out var symbol) ? _markets.Find(symbol) : 0;
        var accounts = state.Session.Settings.Accounts;
        int account = m.Has(FixTags.Account) ? AccountOf(state, m) : 0;
        Side? side = m.Has(FixTags.Side) ? m.GetChar(FixTags.Side) switch { '1' => Side.Buy, '2' => Side.Sell, _ => null } : null;
        // BusinessRejectReason: 0 other, 2 unknown security, 5 conditionally required field missing, 6 not authorized.
        (int Reason, string Text)? problem =
            type is not ("1" or "7" or "8") ? (0, "MassStatusReqType must be 1 (by security), 7 (all orders) or 8 (by account)")
            : m.Has(FixTags.Account) && account == 0 ? (6, "Unknown account for this session")
            : type == "8" && account == 0 ? (5, "MassStatusReqType 8 needs Account(1)")
            : type == "1" && !m.Has(FixTags.Symbol) ? (5, "MassStatusReqType 1 needs Symbol(55)")
            : m.Has(FixTags.Symbol) && marketId == 0 ? (2, "Unknown symbol")
            : m.Has(FixTags.Side) && side is null ? (0, "Side must be 1 (buy) or 2 (sell)")
            : accounts.Count == 0 ? (6, "The session has no account")
            : null;
        if (problem is { } p)
        {
            SendMassStatusReject(state, seq, reqId, p.Reason, p.Text);
            return;
        }
        if (type == "7") marketId = 0; // all orders: a Symbol only narrows a type 1 request
        int[] targets = account != 0 ? [account] : [.. accounts];
        var request = new MassStatusQuery { ReqId = reqId, MarketId = marketId, Side = side, Remaining = targets.Length };
        foreach (int a in targets)
        {
            long requestId = state.NextRequestId();
            state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.MassStatus, ClOrdId = reqId, AccountId = a, MassStatus = request });
            if (Submit(new QueryAccount(new CommandHeader(0, 0, requestId), a, marketId))) continue;
            state.Orders.TakePending(requestId);
            MassStatusFailed(state, request, "Gateway busy, try again");
            return;
        }
    }

    /// <summary>An engine answer (the account's snapshot ends its open orders) for a mass status request.</summary>
    private void OnMassStatusAnswer(FixSessionState s, PendingRequest pending)
    {
        var request = pending.MassStatus!;
        if (request.Failed || --request.Remaining > 0) return;
        var orders = request.Orders.Where(o => request.Side is null || o.Side == request.Side)
            .OrderBy(o => o.AccountId).ThenBy(o => o.OrderId).ToList();
        if (orders.Count == 0)
        {
            // Nothing open: one report that says so (OrderID NONE, TotNumReports 0), as for an unknown order's status.
            var w = s.Session.Begin("8"u8);
            w.Field(FixTags.OrderID, "NONE"u8);
            s.NextExecId().Write(ref w);
            w.Field(FixTags.ExecType, 'I');
            w.Field(FixTags.OrdStatus, '8');
            if (request.MarketId != 0) w.Field(FixTags.Symbol, _markets.SymbolOf(request.MarketId));
            w.Field(FixTags.LeavesQty, 0);
            w.Field(FixTags.CumQty, 0);
            w.Field(FixTags.AvgPx, 0);
            MassStatusFields(ref w, request.ReqId, 0, true);
            w.Field(FixTags.Text, "No open orders match the request");
            w.Timestamp(FixTags.TransactTime, _clock());
            s.Session.Send(ref w);
            return;
        }
        for (int i = 0; i < orders.Count; i++)
        {
            var o = orders[i];
            var own = s.Orders.ByOrderId(o.OrderId);
            var w = s.Session.Begin("8"u8);
            if (own is not null) OrderFields(ref w, s, own, s.NextExecId(), 'I');
            else
            {
                w.Field(FixTags.OrderID, o.OrderId);
                CommonOrderFields(ref w, FromSnapshot(o), s.NextExecId(), 'I');
            }
            MassStatusFields(ref w, request.ReqId, orders.Count, i == orders.Count - 1);
            w.Timestamp(FixTags.TransactTime, _clock());
            s.Session.Send(ref w);
        }
    }

    private static void MassStatusFields(ref FixWriter w, string reqId, int total, bool last)
    {
        w.Field(FixTags.MassStatusReqID, reqId);
        w.Field(FixTags.TotNumReports, total);
        w.Field(FixTags.LastRptRequested, last);
    }

    /// <summary>The engine refused a query of the request (or it could not be sent): one BusinessMessageReject for the whole request.</summary>
    private void MassStatusFailed(FixSessionState s, MassStatusQuery request, string text)
    {
        if (request.Failed) return;
        request.Failed = true;
        SendMassStatusReject(s, 0, request.ReqId, 4, text);
    }

    private static void SendMassStatusReject(FixSessionState s, int refSeqNum, string reqId, int reason, string text)
    {
        var w = s.Session.Begin("j"u8);
        if (refSeqNum > 0) w.Field(FixTags.RefSeqNum, refSeqNum);
        w.Field(FixTags.RefMsgType, "AF"u8);
        w.Field(FixTags.BusinessRejectRefID, reqId);
        w.Field(FixTags.BusinessRejectReason, reason);
        w.Field(FixTags.Text, text);
        s.Session.Send(ref w);
    }

    /// <summary>An order another channel placed, as an ExecutionReport describes it.</summary>
    internal static FixOrder FromSnapshot(OrderSnapshot o) => new()
    {
        ClOrdId = "",
        ClientOrderId = o.ClientOrderId,
        AccountId = o.AccountId,
        MarketId = o.MarketId,
        Side = o.Side,
        Type = o.OrderType,
        TimeInForce = o.TimeInForce,
        Price = o.Price,
        Progress = OrderProgress.Open(o.Quantity, o.CumulativeQuantity, o.CumulativeQuote, o.LeavesQuantity),
        TriggerPrice = o.TriggerPrice,
        TriggerBy = o.TriggerBy,
        Kind = o.TriggerKind,
        ParentOrderId = o.ParentOrderId,
        Triggered = o.TriggerPrice != 0 && !o.Pending,
    };
}

/// <summary>One mass status request: the engine is asked once per account, and the reports go out when every answer is in.</summary>
public sealed class MassStatusQuery
{
    public required string ReqId { get; init; }
    public required int MarketId { get; init; }
    public Side? Side { get; init; }
    public int Remaining { get; set; }
    public bool Failed { get; set; }
    public List<OrderSnapshot> Orders { get; } = [];
}

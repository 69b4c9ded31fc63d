using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Orders;
using Backpack.Gateway.Protocol.Commands;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// Order entry: NewOrderSingle (D), OrderCancelRequest (F), OrderCancelReplaceRequest (G),
/// OrderStatusRequest (H) and OrderMassCancelRequest (q) become protocol commands; what is refused
/// before the engine sees it is answered here (a rejecting ExecutionReport, OrderCancelReject,
/// OrderMassCancelReport).
/// </summary>
public sealed partial class FixGateway
{
    private void NewOrderSingle(FixSessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        int account = AccountOf(state, m);
        if (state.Orders.IsUsed(clOrdId))
        {
            RejectOrder(state, m, clOrdId, account, new OrderProblem(6, "Duplicate ClOrdID", RejectCodes.Of(RejectReason.DuplicateClientOrderId)));
            return;
        }
        if (account == 0)
        {
            state.Orders.UseClOrdId(clOrdId);
            RejectOrder(state, m, clOrdId, account, new OrderProblem(15, "Unknown account for this session", RejectCodes.Of(RejectReason.UnknownAccount)));
            return;
        }
        if (ConditionalTranslator.IsConditional(m))
        {
            NewConditionalOrder(state, m, clOrdId, account);
            return;
        }
        long clientOrderId = state.NextClientOrderId();
        long requestId = state.NextRequestId();
        var problem = OrderTranslator.TranslateNewOrder(m, _markets, account, clientOrderId, requestId, out NewOrder command);
        if (problem is not null)
        {
            state.Orders.UseClOrdId(clOrdId);
            RejectOrder(state, m, clOrdId, account, problem.Value);
            return;
        }
        Place(state, m, new FixOrder
        {
            ClOrdId = clOrdId,
            ClientOrderId = clientOrderId,
            AccountId = account,
            MarketId = command.MarketId,
            Side = command.Side,
            Type = command.OrderType,
            TimeInForce = command.TimeInForce,
            Price = command.Price,
            Progress = OrderProgress.Pending(command.Quantity),
        }, command);
    }

    /// <summary>Records a translated order and submits its command.</summary>
    private void Place<T>(FixSessionState state, FixMessage m, FixOrder order, in T command) where T : struct, IProtocolMessage<T>
    {
        state.Orders.Add(order);
        state.OrderLog.New(order.ClientOrderId, order.ClOrdId);
        if (!Submit(command))
        {
            order.Progress.Reject();
            state.Orders.Finished(order);
            RejectOrder(state, m, order.ClOrdId, order.AccountId, new OrderProblem(99, "Gateway busy, try again", "BUSY"));
        }
    }

    private void CancelRequest(FixSessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        string origClOrdId = m.GetString(FixTags.OrigClOrdID)!;
        var order = state.Orders.ByClOrdId(origClOrdId);
        if (state.Orders.IsUsed(clOrdId))
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '1', 6, "Duplicate ClOrdID", RejectCodes.Of(RejectReason.DuplicateClientOrderId));
            return;
        }
        state.Orders.UseClOrdId(clOrdId);
        if (order is null || order.IsDone)
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '1', order is null ? 1 : 0, order is null ? "Unknown order" : "Order already done", RejectCodes.Of(RejectReason.OrderNotFound));
            return;
        }
        long requestId = state.NextRequestId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.Cancel, ClOrdId = clOrdId, OrigClOrdId = origClOrdId, Order = order });
        if (!Submit(new CancelOrder(new CommandHeader(0, 0, requestId), order.AccountId, order.MarketId,
            order.OrderId, order.OrderId == 0 ? order.ClientOrderId : 0)))
        {
            state.Orders.TakePending(requestId);
            SendCancelReject(state, clOrdId, origClOrdId, order, '1', 99, "Gateway busy, try again", "BUSY");
        }
    }

    private void ReplaceRequest(FixSessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        string origClOrdId = m.GetString(FixTags.OrigClOrdID)!;
        var order = state.Orders.ByClOrdId(origClOrdId);
        if (state.Orders.IsUsed(clOrdId))
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', 6, "Duplicate ClOrdID", RejectCodes.Of(RejectReason.DuplicateClientOrderId));
            return;
        }
        state.Orders.UseClOrdId(clOrdId);
        if (order is null || order.IsDone)
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', order is null ? 1 : 0, order is null ? "Unknown order" : "Order already done", RejectCodes.Of(RejectReason.OrderNotFound));
            return;
        }
        var problem = OrderTranslator.ReadOrder(m, _markets, out int marketId, out var side, out var type, out _, out long price, out long quantity, out _, out _);
        if (problem is null) problem = ReplaceProblem(m, order, marketId, side, type);
        if (problem is not null)
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', 99, problem.Value.Text, problem.Value.Code);
            return;
        }
        long requestId = state.NextRequestId();
        long newClientOrderId = state.NextClientOrderId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.Replace, ClOrdId = clOrdId, OrigClOrdId = origClOrdId, Order = order, NewClientOrderId = newClientOrderId });
        state.OrderLog.Replaced(newClientOrderId, order.ClientOrderId, clOrdId);
        if (!Submit(new ReplaceOrder(new CommandHeader(0, 0, requestId), order.AccountId, order.MarketId, order.OrderId,
            order.OrderId == 0 ? order.ClientOrderId : 0, newClientOrderId, price, quantity)))
        {
            state.Orders.TakePending(requestId);
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', 99, "Gateway busy, try again", "BUSY");
        }
    }

    private void StatusRequest(FixSessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        var order = state.Orders.ByClOrdId(clOrdId);
        var w = state.Session.Begin("8"u8);
        if (order is null)
        {
            w.Field(FixTags.OrderID, "NONE"u8);
            w.Field(FixTags.ClOrdID, clOrdId);
            state.NextExecId().Write(ref w);
            w.Field(FixTags.ExecType, 'I');
            w.Field(FixTags.OrdStatus, '8');
            w.Field(FixTags.OrdRejReason, 5);
            if (m.TryGet(FixTags.Symbol, out var symbol)) w.Field(FixTags.Symbol, symbol);
            if (m.TryGet(FixTags.Side, out var side)) w.Field(FixTags.Side, side);
            w.Field(FixTags.LeavesQty, 0);
            w.Field(FixTags.CumQty, 0);
            w.Field(FixTags.AvgPx, 0);
            w.Field(FixTags.Text, "Unknown order");
        }
        else
        {
            OrderFields(ref w, state, order, state.NextExecId(), 'I');
        }
        w.Timestamp(FixTags.TransactTime, _clock());
        state.Session.Send(ref w);
    }

    private void MassCancelRequest(FixSessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        char kind = m.GetChar(FixTags.MassCancelRequestType);
        int account = AccountOf(state, m);
        int marketId = 0;
        if (kind == '1') marketId = m.TryGet(FixTags.Symbol, out var symbol) ? _markets.Find(symbol) : 0;
        string? problem = account == 0 ? "Unknown account for this session"
            : kind is not ('1' or '7') ? "MassCancelRequestType must be 1 (by symbol) or 7 (all orders)"
            : kind == '1' && marketId == 0 ? "Unknown symbol"
            : m.Has(FixTags.Side) ? "Mass cancel by Side is not supported"
            : null;
        if (problem is not null)
        {
            // MassCancelRejectReason: 0 type not supported, 1 invalid or unknown security, 99 other.
            int reason = kind is not ('1' or '7') ? 0 : problem == "Unknown symbol" ? 1 : 99;
            SendMassCancelReport(state, clOrdId, kind, 0, reason, problem);
            return;
        }
        long requestId = state.NextRequestId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.MassCancel, ClOrdId = clOrdId, MassCancelType = kind, AccountId = account });
        if (!Submit(new CancelAll(new CommandHeader(0, 0, requestId), account, marketId)))
        {
            state.Orders.TakePending(requestId);
            SendMassCancelReport(state, clOrdId, kind, 0, 99);
        }
    }

    private void RejectOrder(FixSessionState state, FixMessage m, string clOrdId, int account, OrderProblem problem)
    {
        var w = state.Session.Begin("8"u8);
        w.Field(FixTags.OrderID, "NONE"u8);
        w.Field(FixTags.ClOrdID, clOrdId);
        state.NextExecId().Write(ref w);
        w.Field(FixTags.ExecType, '8');
        w.Field(FixTags.OrdStatus, '8');
        if (account != 0) w.Field(FixTags.Account, account);
        if (m.TryGet(FixTags.Symbol, out var symbol)) w.Field(FixTags.Symbol, symbol);
        if (m.TryGet(FixTags.Side, out var side)) w.Field(FixTags.Side, side);
        if (m.TryGet(FixTags.OrderQty, out var qty)) w.Field(FixTags.OrderQty, qty);
        w.Field(FixTags.LeavesQty, 0);
        w.Field(FixTags.CumQty, 0);
        w.Field(FixTags.AvgPx, 0);
        w.Field(FixTags.OrdRejReason, problem.OrdRejReason);
        w.Field(FixTags.Text, problem.Text);
        w.Field(FixTags.RejectCode, problem.Code);
        w.Timestamp(FixTags.TransactTime, _clock());
        state.Session.Send(ref w);
    }

    private void SendCancelReject(FixSessionState s, string clOrdId, string origClOrdId, FixOrder? order, char responseTo, int reason, string text, string code)
    {
        var w = s.Session.Begin("9"u8);
        if (order is { OrderId: not 0 }) w.Field(FixTags.OrderID, order.OrderId);
        else w.Field(FixTags.OrderID, "NONE"u8);
        w.Field(FixTags.ClOrdID, clOrdId);
        w.Field(FixTags.OrigClOrdID, origClOrdId);
        w.Field(FixTags.OrdStatus, order is null ? '8' : order.OrdStatus == 'A' ? '0' : order.OrdStatus);
        if (order is not null) w.Field(FixTags.Account, order.AccountId);
        w.Field(FixTags.CxlRejResponseTo, responseTo);
        w.Field(FixTags.CxlRejReason, reason);
        w.Field(FixTags.Text, text);
        w.Field(FixTags.RejectCode, code);
        s.Session.Send(ref w);
    }

    /// <summary>OrderMassCancelReport; <paramref name="rejectReason"/> -1 when accepted.</summary>
    private void SendMassCancelReport(FixSessionState s, string clOrdId, char kind, long count, int rejectReason, string? text = null)
    {
        var w = s.Session.Begin("r"u8);
        w.Field(FixTags.OrderID, "MC-" + clOrdId);
        w.Field(FixTags.ClOrdID, clOrdId);
        w.Field(FixTags.MassCancelRequestType, kind);
        w.Field(FixTags.MassCancelResponse, rejectReason < 0 ? kind : '0');
        if (rejectReason >= 0) w.Field(FixTags.MassCancelRejectReason, rejectReason);
        w.Field(FixTags.TotalAffectedOrders, count);
        if (text is not null) w.Field(FixTags.Text, text);
        s.Session.Send(ref w);
    }
}

using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The engine's answers to a session's orders as ExecutionReports (accepted, rejected, filled,
/// canceled, replaced), the cancel rejects and mass cancel reports that answer a request, and the
/// fields every order's ExecutionReport carries.
/// </summary>
public sealed partial class FixGateway
{
    private void OnAccepted(FixSessionState s, OrderAccepted e)
    {
        var order = s.Orders.ByClientOrderId(e.ClientOrderId);
        if (order is null) return;
        s.Orders.Accepted(order, e.OrderId);
        order.Progress.Accept();
        order.Price = e.Price;
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), '0');
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnRejected(FixSessionState s, OrderRejected e)
    {
        var order = s.Orders.ByClientOrderId(e.ClientOrderId);
        if (order is null) return;
        SendRejected(s, order, e.Header, e.Reason);
    }

    /// <summary>The engine refused an order (or a conditional order's trigger): the order is done, its ExecutionReport says why.</summary>
    private void SendRejected(FixSessionState s, FixOrder order, EventHeader header, RejectReason reason)
    {
        order.Progress.Reject();
        s.Orders.Finished(order);
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(header.Sequence), '8');
        w.Field(FixTags.OrdRejReason, OrdRejReasonOf(reason));
        w.Field(FixTags.Text, RejectCodes.Text(reason));
        w.Field(FixTags.RejectCode, RejectCodes.Of(reason));
        w.Timestamp(FixTags.TransactTime, header.Time);
        s.Session.Send(ref w);
    }

    private void OnFilled(FixSessionState s, OrderFilled e)
    {
        var order = Find(s, e.ClientOrderId, e.OrderId);
        if (order is null) return;
        order.Progress.Fill(e.CumulativeQuantity, e.CumulativeQuote, e.LeavesQuantity);
        if (order.IsDone) s.Orders.Finished(order);
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, TradeExecId(e.TradeId, e.Side), 'F');
        FillFields(ref w, e);
        s.Session.Send(ref w);
    }

    private void FillFields(ref FixWriter w, OrderFilled e)
    {
        ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
        w.Scaled(FixTags.LastQty, e.Quantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.LastPx, e.Price * market.TickUnits, market.PriceScale);
        w.Scaled(FixTags.Commission, e.Fee, 6);
        w.Field(FixTags.CommType, '3');
        w.Field(FixTags.LastLiquidityInd, e.Liquidity == Liquidity.Maker ? 1 : 2);
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        w.Field(FixTags.OrderOrigin, (int)e.Origin);
        if (e.LiquidationId != 0)
        {
            w.Field(FixTags.LiquidationID, e.LiquidationId);
            w.Field(FixTags.LiquidationStage, (int)e.Stage);
        }
    }

    private void OnCanceled(FixSessionState s, OrderCanceled e)
    {
        var order = Find(s, e.ClientOrderId, e.OrderId);
        if (order is null) return;
        // Only a cancel request is answered by this event (a mass cancel waits for its report).
        var pending = e.RequestId != 0 && s.Orders.Pending(e.RequestId) is { Kind: PendingKind.Cancel } ? s.Orders.TakePending(e.RequestId) : null;
        order.Progress.Cancel(e.Reason);
        s.Orders.Finished(order);
        var w = s.Session.Begin("8"u8);
        if (pending is { Kind: PendingKind.Cancel })
        {
            // The cancel request's ClOrdID answers it; the order's becomes OrigClOrdID.
            w.Field(FixTags.OrderID, order.OrderId);
            w.Field(FixTags.ClOrdID, pending.ClOrdId);
            w.Field(FixTags.OrigClOrdID, pending.OrigClOrdId ?? order.ClOrdId);
            CommonOrderFields(ref w, order, s.NextExecId(e.Header.Sequence), order.OrdStatus == 'C' ? 'C' : '4');
        }
        else
        {
            OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), order.OrdStatus == 'C' ? 'C' : '4');
        }
        w.Field(FixTags.Text, order.CanceledOnDisconnect && e.Reason == CancelReason.UserCanceled ? "Canceled on disconnect" : CancelTextOf(e.Reason));
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnReplaced(FixSessionState s, OrderReplaced e)
    {
        var order = Find(s, e.OriginalClientOrderId, e.OrderId) ?? s.Orders.ByClientOrderId(e.ClientOrderId);
        if (order is null) return;
        var pending = e.RequestId != 0 ? s.Orders.TakePending(e.RequestId) : null;
        if (pending is { Kind: PendingKind.Replace }) s.Orders.Renamed(order, pending.ClOrdId, pending.NewClientOrderId);
        order.Price = e.Price;
        order.Progress.Replace(e.Quantity, e.CumulativeQuantity, e.LeavesQuantity);
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), e.Reason == ReplaceReason.ReduceOnlyTrim ? 'D' : '5');
        if (e.Reason == ReplaceReason.ReduceOnlyTrim) w.Field(FixTags.Text, "Reduce-only order trimmed to the position");
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnCancelRejected(FixSessionState s, OrderCancelRejected e)
    {
        var pending = s.Orders.TakePending(e.RequestId);
        if (pending is null) return;
        SendCancelReject(s, pending.ClOrdId, pending.OrigClOrdId ?? "NONE", pending.Order,
            e.ResponseTo == CancelRejectResponseTo.Cancel ? '1' : '2', e.Reason == RejectReason.OrderNotFound ? 1 : 99, RejectCodes.Text(e.Reason), RejectCodes.Of(e.Reason));
    }

    private void OnCommandRejected(FixSessionState s, CommandRejected e)
    {
        var pending = s.Orders.TakePending(e.RequestId);
        if (pending is null) return;
        if (pending.Kind == PendingKind.MassCancel) SendMassCancelReport(s, pending.ClOrdId, pending.MassCancelType, 0, 99);
        else if (pending.Kind == PendingKind.Positions) SendPositionsAck(s, pending.ClOrdId, pending.AccountId, 0, '4', '2');
        else if (pending.Kind == PendingKind.MassStatus) MassStatusFailed(s, pending.MassStatus!, RejectCodes.Text(e.Reason));
    }

    private void OnMassCanceled(FixSessionState s, long requestId, long count)
    {
        var pending = s.Orders.TakePending(requestId);
        if (pending is null) return;
        SendMassCancelReport(s, pending.ClOrdId, pending.MassCancelType, count, -1);
    }

    // ------------------------------------------------------------------ message bodies

    /// <summary>OrderID, ClOrdID (and OrigClOrdID) then the common fields of an order's ExecutionReport.</summary>
    private void OrderFields(ref FixWriter w, FixSessionState s, FixOrder order, ExecId execId, char execType)
    {
        if (order.OrderId != 0) w.Field(FixTags.OrderID, order.OrderId);
        else w.Field(FixTags.OrderID, "NONE"u8);
        w.Field(FixTags.ClOrdID, order.ClOrdId);
        if (order.OrigClOrdId is not null && execType == '5') w.Field(FixTags.OrigClOrdID, order.OrigClOrdId);
        CommonOrderFields(ref w, order, execId, execType);
    }

    private void CommonOrderFields(ref FixWriter w, FixOrder order, ExecId execId, char execType)
    {
        ref readonly MarketUnits market = ref _markets.Units(order.MarketId);
        execId.Write(ref w);
        w.Field(FixTags.ExecType, execType);
        w.Field(FixTags.OrdStatus, order.OrdStatus == 'A' ? '0' : order.OrdStatus);
        w.Field(FixTags.Account, order.AccountId);
        w.Field(FixTags.Symbol, _markets.SymbolOf(order.MarketId));
        w.Field(FixTags.Side, order.Side == Side.Buy ? '1' : '2');
        w.Field(FixTags.OrdType, order.FixOrdType);
        if (order.Type == OrderType.Limit) w.Scaled(FixTags.Price, order.Price * market.TickUnits, market.PriceScale);
        if (order.TriggerPrice != 0) TriggerFields(ref w, order, in market);
        w.Field(FixTags.TimeInForce, order.TimeInForce switch { TimeInForce.Ioc => '3', TimeInForce.Fok => '4', _ => '1' });
        w.Scaled(FixTags.OrderQty, order.Quantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.LeavesQty, order.Leaves * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.CumQty, order.CumQty * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.AvgPx, order.Progress.AveragePrice(market, out int scale), scale);
    }

    /// <summary>A fill's ExecID: T (buy side) or S (sell side) then the trade id, so the two sides of a trade share the number.</summary>
    private static ExecId TradeExecId(long tradeId, Side side) => new(side == Side.Buy ? 'T' : 'S', tradeId, -1, -1);

    private static int OrdRejReasonOf(RejectReason reason) => reason switch
    {
        RejectReason.UnknownMarket => 1,
        RejectReason.MarketNotReady or RejectReason.MarketPaused => 2,
        RejectReason.InsufficientMargin or RejectReason.TooManyOrders => 3,
        RejectReason.DuplicateClientOrderId => 6,
        RejectReason.InvalidQuantity => 13,
        RejectReason.UnknownAccount => 15,
        RejectReason.InvalidOrder or RejectReason.PostOnlyWouldTake or RejectReason.ReduceOnlyNotReducing => 11,
        _ => 99,
    };

    private static string CancelTextOf(CancelReason reason) => reason switch
    {
        CancelReason.UserCanceled => "Canceled",
        CancelReason.Expired => "Unfilled rest expired",
        CancelReason.FillOrKillNotFilled => "Fill-or-kill could not fill completely",
        CancelReason.SelfTradePrevention => "Canceled by self-trade prevention",
        CancelReason.ReduceOnly => "Reduce-only order can no longer reduce",
        CancelReason.Liquidation => "Canceled by liquidation",
        CancelReason.Oco => "Canceled: the other leg of its stop-loss / take-profit pair fired",
        _ => reason.ToString(),
    };
}

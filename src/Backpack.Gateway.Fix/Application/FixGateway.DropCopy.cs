using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Orders;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// Drop copy: a session configured with <see cref="FixSessionSettings.DropCopy"/> receives a copy
/// of every ExecutionReport of its accounts' orders, whichever channel placed them (another FIX
/// session, the WebSocket or REST API): new, rejected, filled, canceled, replaced, triggered. As a
/// session of those accounts it also gets what every session of an account gets: forced fills of
/// liquidations, backstop takeovers and ADL, margin calls, liquidation and ADL notices, funding
/// payments. It cannot trade. The copies are built from the engine's events on the dispatcher
/// thread, from a mirror of the watched accounts' open orders.
/// </summary>
public sealed partial class FixGateway
{
    private readonly Dictionary<int, List<FixSessionState>> _dropCopies = [];

    /// <summary>The open orders of the accounts a drop copy watches, by engine order id (dispatcher thread only, after <see cref="Start"/>).</summary>
    private readonly Dictionary<long, FixOrder> _copied = [];

    private void AddDropCopy(FixSessionState state, Func<int, IReadOnlyList<OrderSnapshot>>? openOrders)
    {
        foreach (int account in state.Session.Settings.Accounts)
        {
            if (!_dropCopies.TryGetValue(account, out var list))
            {
                _dropCopies[account] = list = [];
                // After a recovery the orders already open are known again, so their fills and cancels are copied too.
                foreach (var o in openOrders?.Invoke(account) ?? [])
                {
                    var order = FromSnapshot(o);
                    order.ClOrdId = o.ClientOrderId != 0 && RequestTag.FrontEnd(o.ClientOrderId) != RequestTag.Fix ? o.ClientOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
                    order.OrderId = o.OrderId;
                    _copied[o.OrderId] = order;
                }
            }
            list.Add(state);
        }
    }

    /// <summary>A drop-copy session refuses what would trade (BusinessMessageReject 6, not authorized); queries are answered.</summary>
    private static bool RefusedToDropCopy(FixSessionState state, FixMessage m)
    {
        if (!state.Session.Settings.DropCopy || !(m.IsMsgType("D") || m.IsMsgType("F") || m.IsMsgType("G") || m.IsMsgType("q"))) return false;
        m.TryGetInt(FixTags.MsgSeqNum, out int seq);
        var w = state.Session.Begin("j"u8);
        w.Field(FixTags.RefSeqNum, seq);
        w.Field(FixTags.RefMsgType, m.MsgType);
        if (m.TryGet(FixTags.ClOrdID, out var clOrdId)) w.Field(FixTags.BusinessRejectRefID, clOrdId);
        w.Field(FixTags.BusinessRejectReason, 6);
        w.Field(FixTags.Text, "A drop copy session cannot trade");
        state.Session.Send(ref w);
        return true;
    }

    /// <summary>Copies an order event of a watched account to its drop-copy sessions (after its own session, if any, had it).</summary>
    private void RouteDropCopy(MessageType type, ReadOnlySpan<byte> frame)
    {
        switch (type)
        {
            case MessageType.OrderAccepted:
            {
                if (!Read(frame, out OrderAccepted e) || e.Origin != OrderOrigin.User || !_dropCopies.ContainsKey(e.AccountId)) break;
                Copy(Mirror(e.AccountId, e.MarketId, e.OrderId, e.ClientOrderId, e.Side, e.OrderType, e.TimeInForce, e.Price, e.Quantity), e.Header, '0');
                break;
            }
            case MessageType.TriggerPlaced:
            {
                if (!Read(frame, out TriggerPlaced e) || !_dropCopies.ContainsKey(e.AccountId)) break;
                if (_copied.TryGetValue(e.OrderId, out var known))
                {
                    known.Progress.Resize(e.Quantity);
                    Copy(known, e.Header, 'D', "Leg enlarged to the parent's filled quantity");
                    break;
                }
                Copy(Mirror(e.AccountId, e.MarketId, e.OrderId, e.ClientOrderId, e.Side, e.OrderType, e.TimeInForce, e.Price, e.Quantity, e.TriggerPrice, e.TriggerBy, e.Kind, e.ParentOrderId), e.Header, '0');
                break;
            }
            case MessageType.OrderRejected:
            {
                if (!Read(frame, out OrderRejected e) || !_dropCopies.ContainsKey(e.AccountId)) break;
                var order = new FixOrder
                {
                    ClOrdId = CopiedClOrdId(e.AccountId, e.ClientOrderId, 0), ClientOrderId = e.ClientOrderId, AccountId = e.AccountId, MarketId = e.MarketId,
                    Side = e.Side, Type = e.Price == 0 ? OrderType.Market : OrderType.Limit, TimeInForce = TimeInForce.Gtc, Price = e.Price, Progress = OrderProgress.Refused(e.Quantity),
                };
                Copy(order, e.Header, '8', RejectCodes.Text(e.Reason), e.Reason);
                break;
            }
            case MessageType.OrderFilled:
            {
                if (!Read(frame, out OrderFilled e) || e.Origin != OrderOrigin.User || !_copied.TryGetValue(e.OrderId, out var order)) break;
                order.Progress.Fill(e.CumulativeQuantity, e.CumulativeQuote, e.LeavesQuantity);
                if (order.IsDone) _copied.Remove(e.OrderId);
                foreach (var s in _dropCopies[order.AccountId])
                {
                    lock (Touch(s))
                    {
                        var w = s.Session.Begin("8"u8);
                        CopiedOrderFields(ref w, order, TradeExecId(e.TradeId, e.Side), 'F');
                        FillFields(ref w, e);
                        s.Session.Send(ref w);
                    }
                }
                break;
            }
            case MessageType.OrderCanceled:
            {
                if (!Read(frame, out OrderCanceled e) || !_copied.Remove(e.OrderId, out var order)) break;
                order.Progress.Cancel(e.Reason);
                Copy(order, e.Header, order.OrdStatus, CancelTextOf(e.Reason));
                break;
            }
            case MessageType.OrderReplaced:
            {
                if (!Read(frame, out OrderReplaced e) || !_copied.TryGetValue(e.OrderId, out var order)) break;
                order.ClOrdId = CopiedClOrdId(e.AccountId, e.ClientOrderId, e.OrderId);
                order.ClientOrderId = e.ClientOrderId;
                order.Price = e.Price;
                order.Progress.Replace(e.Quantity, e.CumulativeQuantity, e.LeavesQuantity);
                bool trim = e.Reason == ReplaceReason.ReduceOnlyTrim;
                Copy(order, e.Header, trim ? 'D' : '5', trim ? "Reduce-only order trimmed to the position" : null);
                break;
            }
            case MessageType.TriggerFired:
            {
                if (!Read(frame, out TriggerFired e) || !_copied.TryGetValue(e.OrderId, out var order)) break;
                order.Triggered = true;
                Copy(order, e.Header, 'L', triggeredAt: e.FiredAt);
                break;
            }
            case MessageType.TriggerFailed:
            {
                if (!Read(frame, out TriggerFailed e) || !_copied.Remove(e.OrderId, out var order)) break;
                order.Progress.Reject();
                Copy(order, e.Header, '8', RejectCodes.Text(e.Reason), e.Reason);
                break;
            }
        }
    }

    /// <summary>A new open order of a watched account, in the mirror.</summary>
    private FixOrder Mirror(int account, int marketId, long orderId, long clientOrderId, Side side, OrderType type, TimeInForce timeInForce, long price, long quantity,
        long triggerPrice = 0, TriggerSource triggerBy = default, TriggerKind kind = default, long parentOrderId = 0)
    {
        var order = new FixOrder
        {
            ClOrdId = CopiedClOrdId(account, clientOrderId, orderId), ClientOrderId = clientOrderId, AccountId = account, MarketId = marketId,
            Side = side, Type = type, TimeInForce = timeInForce, Price = price, Progress = OrderProgress.Open(quantity),
            TriggerPrice = triggerPrice, TriggerBy = triggerBy, Kind = kind, ParentOrderId = parentOrderId,
        };
        order.OrderId = orderId;
        _copied[orderId] = order;
        return order;
    }

    /// <summary>The ClOrdID the order goes by where it was placed: its FIX session's, or the REST / WebSocket clientId; "" when it has none.</summary>
    private string CopiedClOrdId(int account, long clientOrderId, long orderId)
    {
        if (clientOrderId == 0) return "";
        if (RequestTag.FrontEnd(clientOrderId) != RequestTag.Fix) return clientOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Owner(clientOrderId) is not { } owner) return "";
        lock (owner.Session.Lock) return (owner.Orders.ByClientOrderId(clientOrderId) ?? owner.Orders.ByOrderId(orderId))?.ClOrdId ?? "";
    }

    private void Copy(FixOrder order, EventHeader header, char execType, string? text = null, RejectReason? reject = null, long triggeredAt = 0)
    {
        foreach (var s in _dropCopies[order.AccountId])
        {
            lock (Touch(s))
            {
                var w = s.Session.Begin("8"u8);
                CopiedOrderFields(ref w, order, s.NextExecId(header.Sequence), execType);
                if (reject is { } reason)
                {
                    w.Field(FixTags.OrdRejReason, OrdRejReasonOf(reason));
                    w.Field(FixTags.RejectCode, RejectCodes.Of(reason));
                }
                if (triggeredAt != 0)
                {
                    ref readonly MarketUnits market = ref _markets.Units(order.MarketId);
                    w.Scaled(FixTags.TriggeredPrice, triggeredAt * market.TickUnits, market.PriceScale);
                }
                if (text is not null) w.Field(FixTags.Text, text);
                w.Timestamp(FixTags.TransactTime, header.Time);
                s.Session.Send(ref w);
            }
        }
    }

    private void CopiedOrderFields(ref FixWriter w, FixOrder order, ExecId execId, char execType)
    {
        if (order.OrderId != 0) w.Field(FixTags.OrderID, order.OrderId);
        else w.Field(FixTags.OrderID, "NONE"u8);
        if (order.ClOrdId.Length > 0) w.Field(FixTags.ClOrdID, order.ClOrdId);
        w.Field(FixTags.CopyMsgIndicator, true);
        CommonOrderFields(ref w, order, execId, execType);
    }
}

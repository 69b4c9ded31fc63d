using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// Conditional orders and funding in the streams (docs/websocket.md): a trigger order is answered
/// and announced as Backpack's triggerPlaced (status TriggerPending); when it fires it becomes an
/// ordinary order (orderAccepted, then its fills, expiry or rest, as any order); when it cannot
/// enter the book, triggerFailed. Stop-loss and take-profit legs armed by fills are the account's
/// orders too (triggerPlaced again when a later fill enlarges them). A market's funding estimate
/// goes out on markPrice (f, n), and an account's funding payments on account.fundingPayment.
/// </summary>
public sealed partial class WsGateway
{
    // Owned by the dispatcher thread.
    private readonly ConditionalOrderBook _conditional = new();

    // The batch being routed and the position in it of the event being routed (to look one event ahead).
    private Protocol.Framing.FrameBuffer? _batch;
    private int _position;

    private void RouteConditional(MessageType type, ReadOnlySpan<byte> frame)
    {
        switch (type)
        {
            case MessageType.TriggerPlaced when Read(frame, out TriggerPlaced placed):
                _lastTime = placed.Header.Time;
                OnTriggerPlaced(placed);
                break;
            case MessageType.TriggerFired when Read(frame, out TriggerFired fired):
                _lastTime = fired.Header.Time;
                OnTriggerFired(fired);
                break;
            case MessageType.TriggerFailed when Read(frame, out TriggerFailed failed):
                _lastTime = failed.Header.Time;
                OnTriggerFailed(failed);
                break;
            case MessageType.FundingRate when Read(frame, out FundingRate rate):
                _lastTime = rate.Header.Time;
                OnFundingRate(rate);
                break;
            case MessageType.FundingPayment when Read(frame, out FundingPayment payment):
                _lastTime = payment.Header.Time;
                if (_views.TryGetValue(payment.AccountId, out var view))
                {
                    view.Collateral = payment.Collateral; // later position messages estimate with it
                    ToAccount(view, StreamKind.AccountFunding, payment.MarketId, new FundingPaymentBody(_encoder, payment));
                }
                break;
        }
    }

    private void OnTriggerPlaced(in TriggerPlaced e)
    {
        PendingRequest pending = default;
        var requester = Owner(e.RequestId);
        bool answer = requester is not null && requester.TryTakePending(e.RequestId, out pending);
        var order = _conditional.Placed(e.AccountId, OrderInfo.From(e, pending.Conditions));
        if (answer) OrderResult(requester!, pending.Id, order, "TriggerPending"u8);
        if (e.ParentOrderId == 0) OrderPlaced(e.RequestId, e.AccountId, e.MarketId, e.OrderId); // legs stay on disconnect
        if (!_views.TryGetValue(e.AccountId, out var view)) return;
        view.Accepted(order);
        ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new OrderUpdateBody(_encoder, "triggerPlaced"u8, order, "TriggerPending"u8, e.Header.Time));
    }

    /// <summary>
    /// The order is live now, with its order id: Backpack's orderAccepted (New), its trigger still
    /// shown; its fills, expiry or rest follow. Unless it could not enter the book: then the engine's
    /// next event is its TriggerFailed, and Backpack sends triggerFailed alone.
    /// </summary>
    private void OnTriggerFired(in TriggerFired e)
    {
        if (FailsAtOnce(e.OrderId)) return;
        _conditional.Fired(e.AccountId, e.OrderId);
        if (!_views.TryGetValue(e.AccountId, out var view)) return;
        ref var order = ref view.Order(e.OrderId);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref order)) return;
        order.Pending = false;
        ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new OrderUpdateBody(_encoder, "orderAccepted"u8, order, "New"u8, e.Header.Time));
    }

    /// <summary>True when the event after the one being routed is the TriggerFailed of this order.</summary>
    private bool FailsAtOnce(long orderId)
    {
        if (_batch is null || _position + 1 >= _batch.Count) return false;
        var next = _batch[_position + 1];
        return ProtocolCodec.TryReadType(next, out var type, out _) && type == MessageType.TriggerFailed
            && Read(next, out TriggerFailed failed) && failed.OrderId == orderId;
    }

    private void OnTriggerFailed(in TriggerFailed e)
    {
        bool known = _conditional.Gone(e.AccountId, e.OrderId, out var order);
        OrderGone(e.OrderId);
        if (!_views.TryGetValue(e.AccountId, out var view)) return;
        if (view.Orders.Remove(e.OrderId, out var viewed)) order = viewed;
        else if (!known) return; // placed before this process started: nothing to describe it with
        ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new FailedBody(_encoder, order, e));
    }

    /// <summary>A new estimate of the interval's rate: kept for every markPrice message, and sent at once on markPrice when it moved.</summary>
    private void OnFundingRate(in FundingRate e)
    {
        if (e.Settled || !_markets.Contains(e.MarketId)) return; // the next interval's estimate follows a settlement at once
        var estimate = new FundingEstimate(e.Rate, e.IntervalEnd);
        if (_funding[e.MarketId] == estimate) return;
        _funding[e.MarketId] = estimate;
        if (_marks[e.MarketId] == 0) return; // no mark seen yet: the first markPrice message will carry it
        Publish(new StreamKey(StreamKind.MarkPrice, e.MarketId),
            new MarkPriceBody(_encoder, new MarkPrice(e.Header, e.MarketId, _marks[e.MarketId], _indexes[e.MarketId]), estimate));
    }

    /// <summary>A new view (a logon): the account's pending conditional orders join it, and its live ones get their terms.</summary>
    private void AddConditionalOrders(AccountView view)
    {
        foreach (var order in _conditional.Of(view.AccountId))
        {
            if (order.Pending) view.Orders[order.OrderId] = order;
            else if (view.Orders.TryGetValue(order.OrderId, out var live))
            {
                live.Conditions = order.Conditions;
                live.SelfTradePrevention = order.SelfTradePrevention;
                view.Orders[order.OrderId] = live;
            }
        }
    }
}

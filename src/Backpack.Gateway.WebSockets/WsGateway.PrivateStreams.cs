using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// Private streams: the account views of logged-on connections, built from the logon's account
/// snapshot, and the order, position, liquidation and ADL updates written to each ready connection
/// of the account subscribed to the stream.
/// </summary>
public sealed partial class WsGateway
{
    private void PositionSnapshot(WsConnection connection, AccountView view, StreamKey key)
    {
        foreach (var (marketId, position) in view.Positions)
        {
            if (key.MarketId != 0 && key.MarketId != marketId) continue;
            _writer.Begin(connection.Format);
            StreamEncoder.BeginStream(_writer, _streamNames[Index(key)]);
            _encoder.Position(_writer, "positionSnapshot"u8, marketId, position, _lastTime, view, _marks);
            StreamEncoder.EndStream(_writer);
            connection.Send(_writer.FinishOne());
        }
    }

    private void OnFilled(in OrderFilled e)
    {
        if (!_views.TryGetValue(e.AccountId, out var view)) return;
        if (view.Filled(e, out var order)) ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new FillBody(_encoder, order, e));
        else ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new OffBookFillBody(_encoder, e));
    }

    private void OnCanceled(in OrderCanceled e)
    {
        var view = _views.GetValueOrDefault(e.AccountId);
        OrderInfo registered = default;
        bool conditional = _conditional.Count != 0 && _conditional.Gone(e.AccountId, e.OrderId, out registered);
        if (view is null || !view.Orders.Remove(e.OrderId, out var order))
        {
            // Not in a view (the account has no connection logged on): what the event tells.
            order = conditional ? registered : new OrderInfo
            {
                MarketId = e.MarketId, OrderId = e.OrderId, ClientOrderId = e.ClientOrderId, Side = e.Side, Price = e.Price,
                Progress = Protocol.Orders.OrderProgress.Open(e.CanceledQuantity + e.CumulativeQuantity, e.CumulativeQuantity),
            };
        }
        order.Progress.Cancel(e.Reason);
        var reason = StreamEncoder.ExpiryReasonOf(e.Reason);
        bool expired = !reason.IsEmpty;
        if (Owner(e.RequestId) is { } requester && requester.TryTakePending(e.RequestId, out var pending))
        {
            if (pending.Method == RequestMethod.OrderCancelAll)
            {
                // An orderCancelAll collects its orders until its CommandAccepted.
                (pending.Items ??= []).Add(order);
                requester.AddPending(e.RequestId, pending);
            }
            else
            {
                OrderResult(requester, pending.Id, order, "Cancelled"u8);
            }
        }
        if (view is not null)
        {
            ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new CancelBody(_encoder, order, expired ? "orderExpired"u8 : "orderCancelled"u8,
                expired ? "Expired"u8 : "Cancelled"u8, e.Reason, e.Header.Time));
        }
    }

    /// <summary>
    /// Conditional orders the account snapshot lists that this process has not seen placed (it
    /// started after them: a venue recovered from its journal) join the conditional book.
    /// </summary>
    private void Learn(int accountId, List<object>? items)
    {
        foreach (var item in items ?? [])
        {
            if (item is OrderSnapshot { Pending: true } o && !_conditional.TryGet(accountId, o.OrderId, out _)) _conditional.Placed(accountId, OrderInfo.From(o));
        }
    }

    /// <summary>
    /// A logon's account snapshot arrived: the account's view is built from it (unless another
    /// connection of the account keeps one already) and the connection's private streams start.
    /// </summary>
    private void OpenPrivateStreams(WsConnection requester, int accountId, List<object>? items, long collateral)
    {
        if (requester.Closed) return;
        Learn(accountId, items);
        if (!_views.TryGetValue(accountId, out var view))
        {
            view = new AccountView(accountId) { Collateral = collateral };
            foreach (var item in items ?? [])
            {
                if (item is OrderSnapshot { Pending: false } o) view.Orders[o.OrderId] = OrderInfo.From(o);
                else if (item is PositionSnapshot p && p.Quantity != 0)
                {
                    view.Positions[p.MarketId] = PositionInfo.From(p);
                }
            }
            AddConditionalOrders(view);
            _views.Add(accountId, view);
        }
        view.Connections.Add(requester);
        requester.PrivateReady = true;
        foreach (var key in requester.Subscriptions)
        {
            if (key.Kind == StreamKind.PositionUpdate) PositionSnapshot(requester, view, key);
            else if (key.Kind == StreamKind.AccountAdlQueue) AdlPlaces(requester, view, key);
        }
    }

    /// <summary>Writes a private stream message for each ready connection of the account subscribed to the stream (all markets or this one).</summary>
    private void ToAccount<TBody>(AccountView view, StreamKind kind, int marketId, in TBody body) where TBody : IBody, allows ref struct
    {
        foreach (var c in view.Connections)
        {
            if (!c.PrivateReady) continue;
            StreamKey key;
            if (c.Subscriptions.Contains(new StreamKey(kind, 0))) key = new StreamKey(kind, 0);
            else if (marketId != 0 && c.Subscriptions.Contains(new StreamKey(kind, marketId))) key = new StreamKey(kind, marketId);
            else continue;
            _writer.Begin(c.Format);
            StreamEncoder.BeginStream(_writer, _streamNames[Index(key)]);
            body.Write(_writer);
            StreamEncoder.EndStream(_writer);
            c.Send(_writer.FinishOne());
        }
    }
}

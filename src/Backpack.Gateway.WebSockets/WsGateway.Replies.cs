using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// Request replies: the answers to a connection's requests that the engine replied to (an order's
/// result, a cancel-all's orders, an error, the open orders and positions queried), found by the
/// request id's connection.
/// </summary>
public sealed partial class WsGateway
{
    private void OnAccountSnapshot(in AccountSnapshot e)
    {
        if (Owner(e.RequestId) is not { } requester || !requester.TryTakePending(e.RequestId, out var pending)) return;
        switch (pending.Method)
        {
            case RequestMethod.Authenticate:
                OpenPrivateStreams(requester, e.AccountId, pending.Items, e.Collateral);
                break;
            case RequestMethod.OrderQueryAll:
            {
                _writer.Begin(requester.Format);
                StreamEncoder.BeginResult(_writer, pending.Id);
                _writer.BeginArray("result"u8);
                Learn(e.AccountId, pending.Items);
                foreach (var item in pending.Items ?? [])
                {
                    if (item is OrderSnapshot o && !o.Pending) // pending ones come from the conditional book below
                    {
                        var order = OrderInfo.From(o);
                        if (_views.TryGetValue(e.AccountId, out var view) && view.Orders.TryGetValue(o.OrderId, out var known)) order.SelfTradePrevention = known.SelfTradePrevention;
                        if (_conditional.TryGet(e.AccountId, o.OrderId, out var conditional)) order.Conditions = conditional.Conditions;
                        _encoder.Order(_writer, order, StreamEncoder.StatusOf(order.Progress.Status));
                    }
                }
                foreach (var trigger in _conditional.Of(e.AccountId))
                {
                    if (trigger.Pending && (pending.MarketId == 0 || trigger.MarketId == pending.MarketId)) _encoder.Order(_writer, trigger, "TriggerPending"u8);
                }
                _writer.EndArray();
                StreamEncoder.EndResponse(_writer);
                requester.Send(_writer.FinishOne());
                break;
            }
            case RequestMethod.PositionQuery:
            {
                var view = _views.GetValueOrDefault(e.AccountId) ?? new AccountView(e.AccountId) { Collateral = e.Collateral };
                _writer.Begin(requester.Format);
                StreamEncoder.BeginResult(_writer, pending.Id);
                _writer.BeginArray("result"u8);
                foreach (var item in pending.Items ?? [])
                {
                    if (item is PositionSnapshot p && p.Quantity != 0)
                    {
                        _encoder.PositionObject(_writer, p.MarketId, PositionInfo.From(p), e.Header.Time, view, _marks);
                    }
                }
                _writer.EndArray();
                StreamEncoder.EndResponse(_writer);
                requester.Send(_writer.FinishOne());
                break;
            }
        }
    }

    private WsConnection? Owner(long requestId) =>
        requestId > 0 && RequestTag.FrontEnd(requestId) == RequestTag.WebSocket ? _connections.GetValueOrDefault(RequestTag.Connection(requestId)) : null;

    private void OrderResult(WsConnection connection, RequestId id, in OrderInfo order, ReadOnlySpan<byte> status)
    {
        _writer.Begin(connection.Format);
        StreamEncoder.BeginResult(_writer, id);
        _writer.Name("result"u8);
        _encoder.Order(_writer, order, status);
        StreamEncoder.EndResponse(_writer);
        connection.Send(_writer.FinishOne());
    }

    private void CanceledOrdersResult(WsConnection connection, PendingRequest pending)
    {
        _writer.Begin(connection.Format);
        StreamEncoder.BeginResult(_writer, pending.Id);
        _writer.BeginArray("result"u8);
        foreach (var item in pending.Items ?? [])
        {
            if (item is OrderInfo order) _encoder.Order(_writer, order, "Cancelled"u8);
        }
        _writer.EndArray();
        StreamEncoder.EndResponse(_writer);
        connection.Send(_writer.FinishOne());
    }

    private void ErrorReply(WsConnection connection, RequestId id, RejectReason reason)
    {
        _writer.Begin(connection.Format);
        StreamEncoder.Error(_writer, id, RejectCodes.Of(reason), RejectCodes.Text(reason));
        connection.Send(_writer.FinishOne());
    }
}

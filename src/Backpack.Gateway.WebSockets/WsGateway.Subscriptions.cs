using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// Subscriptions: a connection subscribing to and unsubscribing from streams (a public stream's
/// subscriber gets its snapshot at once), and a closed connection leaving its streams and its account's view.
/// </summary>
public sealed partial class WsGateway
{
    private void Drop(WsConnection connection)
    {
        connection.Closed = true;
        _connections.Remove(connection.Number);
        CancelOnDisconnect(connection);
        foreach (var key in connection.Subscriptions)
        {
            if (!key.IsPrivate) _subscribers[Index(key)].Remove(connection);
        }
        connection.Subscriptions.Clear();
        if (connection.AccountId != 0 && _views.TryGetValue(connection.AccountId, out var view))
        {
            view.Connections.Remove(connection);
            if (view.Connections.Count == 0) _views.Remove(connection.AccountId);
        }
    }

    private void SubscribeNow(WsConnection connection, List<StreamKey> streams, RequestId id)
    {
        if (connection.Closed) return;
        Reply(connection, id);
        foreach (var key in streams)
        {
            if (!connection.Subscriptions.Add(key)) continue;
            if (key.IsPrivate)
            {
                if (connection.PrivateReady && _views.TryGetValue(connection.AccountId, out var view))
                {
                    if (key.Kind == StreamKind.PositionUpdate) PositionSnapshot(connection, view, key);
                    else if (key.Kind == StreamKind.AccountAdlQueue) AdlPlaces(connection, view, key);
                }
                continue;
            }
            _subscribers[Index(key)].Add(connection);
            SendSnapshot(connection, key);
        }
    }

    private void UnsubscribeNow(WsConnection connection, List<StreamKey> streams, RequestId id)
    {
        if (connection.Closed) return;
        foreach (var key in streams)
        {
            if (connection.Subscriptions.Remove(key) && !key.IsPrivate) _subscribers[Index(key)].Remove(connection);
        }
        Reply(connection, id);
    }

    private void Reply(WsConnection connection, RequestId id)
    {
        _writer.Begin(connection.Format);
        StreamEncoder.Ok(_writer, id);
        connection.Send(_writer.FinishOne());
    }
}

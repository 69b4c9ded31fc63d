using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.WebSockets.Connections;
using Microsoft.Extensions.Primitives;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// Cancel on disconnect (docs/websocket.md): a connection with the option on (WebSocket:CancelOnDisconnect,
/// or <c>?cancelOnDisconnect=true|false</c> on its URL) has the orders it placed and that are still open,
/// trigger orders that have not fired included, canceled when it closes, after
/// WebSocket:CancelOnDisconnectGrace: one ordinary CancelOrder command per order, so the engine
/// journals them and the book moves for every subscriber. Stop-loss / take-profit legs armed by
/// fills stay (they protect the position). All of it runs on the dispatcher thread: it sees each
/// order accepted for the connection, and each order leave the book, in engine order.
/// </summary>
public sealed partial class WsGateway
{
    // Owned by the dispatcher thread.
    // Open orders of connections with the option on, by order id: the connection that placed them.
    private readonly Dictionary<long, WsConnection> _placedBy = [];
    // Closed connections with the option on whose orderExecute requests the engine has not answered yet.
    private readonly Dictionary<int, WsConnection> _departed = [];

    /// <summary>Reads <c>?cancelOnDisconnect=</c>: true or false (any case); absent = <paramref name="setting"/>. False when the value is neither.</summary>
    internal static bool TryReadCancelOnDisconnect(StringValues query, bool setting, out bool cancelOnDisconnect)
    {
        cancelOnDisconnect = setting;
        if (query.Count == 0) return true;
        return query.Count == 1 && bool.TryParse(query[0], out cancelOnDisconnect);
    }

    /// <summary>An order (or a trigger order) the engine accepted for <paramref name="requestId"/>: kept if its connection cancels on disconnect.</summary>
    private void OrderPlaced(long requestId, int accountId, int marketId, long orderId)
    {
        if (requestId <= 0 || RequestTag.FrontEnd(requestId) != RequestTag.WebSocket) return;
        int number = RequestTag.Connection(requestId);
        if (!_connections.TryGetValue(number, out var connection))
        {
            // Sent just before its connection closed: nobody answers it any more.
            if (!_departed.TryGetValue(number, out connection)) return;
            OrderAnswered(connection, requestId);
        }
        if (!connection.CancelOnDisconnect) return;
        connection.OpenOrders[orderId] = (accountId, marketId);
        _placedBy[orderId] = connection;
        if (connection.OrdersCanceled && !Cancel(connection, orderId, accountId, marketId)) PostCancelAfter(RetryDelay, connection);
    }

    /// <summary>An orderExecute refused by the engine: a closed connection waits for one answer less.</summary>
    private void OrderRefused(long requestId)
    {
        if (requestId > 0 && RequestTag.FrontEnd(requestId) == RequestTag.WebSocket && _departed.TryGetValue(RequestTag.Connection(requestId), out var connection))
        {
            OrderAnswered(connection, requestId);
        }
    }

    private void OrderAnswered(WsConnection connection, long requestId)
    {
        connection.TryTakePending(requestId, out _);
        if (!connection.HasPendingOrders()) _departed.Remove(connection.Number);
    }

    /// <summary>The order left the book (canceled, filled, or its trigger failed).</summary>
    private void OrderGone(long orderId)
    {
        if (_placedBy.Count != 0 && _placedBy.Remove(orderId, out var connection)) connection.OpenOrders.Remove(orderId);
    }

    /// <summary>The connection closed: its orders are canceled now or after the grace period.</summary>
    private void CancelOnDisconnect(WsConnection connection)
    {
        if (!connection.CancelOnDisconnect) return;
        if (connection.HasPendingOrders()) _departed[connection.Number] = connection;
        var grace = _options.CancelOnDisconnectGrace;
        if (grace <= TimeSpan.Zero) CancelOpenOrders(connection);
        else PostCancelAfter(grace, connection);
    }

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    private void PostCancelAfter(TimeSpan delay, WsConnection connection) => _ = PostCancelLaterAsync(delay, connection);

    private async Task PostCancelLaterAsync(TimeSpan delay, WsConnection connection)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        Post(new WorkItem(WorkKind.CancelOrders, connection));
    }

    /// <summary>Submits a CancelOrder for each open order of the connection; when the engine's ring stays full, tries again shortly.</summary>
    private void CancelOpenOrders(WsConnection connection)
    {
        connection.OrdersCanceled = true;
        foreach (var (orderId, (accountId, marketId)) in connection.OpenOrders)
        {
            if (Cancel(connection, orderId, accountId, marketId)) continue;
            PostCancelAfter(RetryDelay, connection);
            return;
        }
    }

    /// <summary>On the dispatcher thread, which never waits: one try, and a full ring means a retry later.</summary>
    private bool Cancel(WsConnection connection, long orderId, int accountId, int marketId) =>
        _submitter.TrySubmit(new CancelOrder(new CommandHeader(0, 0, connection.NextRequestId()), accountId, marketId, orderId, 0));
}

using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.WebSockets.Requests;

/// <summary>
/// Backpack's order parameters (orderExecute, orderCancel) read from a bare JSON object, for the
/// REST API: the same names, values and checks as the WebSocket API's order requests, so an order
/// means the same over both. Each call returns null when the parameters make a command, else the
/// error (Backpack's upper snake case code and a message).
/// </summary>
public static class BackpackOrderParams
{
    /// <summary>An order: a plain order gives a <see cref="NewOrder"/>; one with a trigger, a stop-loss or a take-profit a <see cref="NewTriggerOrder"/> in <paramref name="conditional"/>.</summary>
    public static (string Code, string Message)? Execute(ReadOnlySpan<byte> json, MarketDirectory markets, int accountId, long requestId,
        out NewOrder order, out NewTriggerOrder? conditional)
    {
        order = default;
        conditional = null;
        var request = Request.Value!;
        if (RequestParser.ParseJsonParams(json, request) is { } malformed) return (OrderRequests.InvalidClientRequest, malformed);
        return OrderRequests.Execute(request, json, markets, accountId, requestId, out order, out conditional) is { } error ? (error.Code, error.Message) : null;
    }

    /// <summary>A cancel by orderId or clientId in a market.</summary>
    public static (string Code, string Message)? Cancel(ReadOnlySpan<byte> json, MarketDirectory markets, int accountId, long requestId, out CancelOrder cancel)
    {
        cancel = default;
        var request = Request.Value!;
        if (RequestParser.ParseJsonParams(json, request) is { } malformed) return (OrderRequests.InvalidClientRequest, malformed);
        return OrderRequests.Cancel(request, json, markets, accountId, requestId, out cancel) is { } error ? (error.Code, error.Message) : null;
    }

    // One parse state per thread: REST requests run on the thread pool, many at once.
    private static readonly ThreadLocal<WsRequest> Request = new(() => new WsRequest());
}

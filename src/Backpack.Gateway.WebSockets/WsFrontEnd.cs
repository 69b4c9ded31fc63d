using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// The WebSocket API for retail clients (docs/websocket.md), on Kestrel: accepts connections at
/// the configured path and at the root, reads each client's requests (JSON text frames, or MessagePack binary
/// frames), verifies the Ed25519 subscription signature once per connection, turns order requests
/// into protocol commands for the engine, and leaves the events to <see cref="WsGateway"/>.
/// </summary>
public sealed class WsFrontEnd : IAsyncDisposable
{
    /// <summary>The subprotocol that asks for MessagePack binary frames (or add ?format=msgpack to the URL).</summary>
    public const string MessagePackSubprotocol = "backpack.msgpack";

    /// <summary>The subprotocol that asks for JSON text frames explicitly (the default without one).</summary>
    public const string JsonSubprotocol = "backpack.json";

    private const int DefaultSignatureWindow = 5000;

    private readonly WebSocketApiOptions _options;
    private readonly Func<long> _clock;
    private readonly ConcurrentDictionary<int, WsConnection> _live = new();
    private int _lastNumber;
    private volatile bool _stopping;

    /// <param name="clock">Wall clock in microseconds since the Unix epoch (to check signature timestamps).</param>
    public WsFrontEnd(WebSocketApiOptions options, IReadOnlyList<MarketDefinition> markets, ICommandSubmitter submitter, Func<long> clock)
    {
        _options = options;
        _clock = clock;
        Gateway = new WsGateway(markets, submitter, options);
    }

    public WsGateway Gateway { get; }
    public WebSocketApiOptions Options => _options;
    private MarketDirectory Markets => Gateway.Markets;

    /// <summary>Called when a connection's receive loop fails unexpectedly.</summary>
    public Action<string, Exception>? OnError { get; set; }

    public void Start() => Gateway.Start();

    /// <summary>
    /// Adds the WebSocket endpoint to an ASP.NET Core pipeline: at the configured path, and at the
    /// root for WebSocket upgrades only (Backpack's WebSocket URL has no path; any other request to
    /// the root is left to the rest of the pipeline, such as the web page).
    /// </summary>
    public void MapTo(IApplicationBuilder app)
    {
        app.UseWebSockets();
        app.MapWhen(context => context.Request.Path == "/" && context.WebSockets.IsWebSocketRequest, branch => branch.Run(HandleAsync));
        if (_options.Path != "/") app.Map(_options.Path, branch => branch.Run(HandleAsync));
    }

    /// <summary>Serves one HTTP request to the endpoint: upgrades it and runs the connection until it closes.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is the Backpack.Gateway WebSocket API: connect with a WebSocket client (see docs/websocket.md).\n").ConfigureAwait(false);
            return;
        }
        if (_stopping || Gateway.OpenConnections >= _options.MaxConnections)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync(_stopping ? "The gateway is shutting down.\n" : $"Too many connections (at most {_options.MaxConnections}).\n").ConfigureAwait(false);
            return;
        }
        if (!WsGateway.TryReadCancelOnDisconnect(context.Request.Query["cancelOnDisconnect"], _options.CancelOnDisconnect, out bool cancelOnDisconnect))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("cancelOnDisconnect must be true or false.\n").ConfigureAwait(false);
            return;
        }
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        string? subprotocol = requested.Contains(MessagePackSubprotocol) ? MessagePackSubprotocol : requested.Contains(JsonSubprotocol) ? JsonSubprotocol : null;
        // A subprotocol decides; without one, ?format=msgpack asks for MessagePack.
        var format = subprotocol == MessagePackSubprotocol || (subprotocol is null && string.Equals(context.Request.Query["format"], "msgpack", StringComparison.OrdinalIgnoreCase))
            ? WireFormat.MessagePack
            : WireFormat.Json;
        var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subprotocol,
            KeepAliveInterval = _options.PingInterval,
            KeepAliveTimeout = _options.PongTimeout,
        }).ConfigureAwait(false);
        var connection = new WsConnection(NextNumber(), socket, format, _options, context.Connection.RemoteIpAddress + ":" + context.Connection.RemotePort, Gateway.CountSlowConsumer, Gateway.QueueMark)
        {
            CancelOnDisconnect = cancelOnDisconnect,
        };
        _live[connection.Number] = connection;
        Gateway.Opened(connection);
        try
        {
            await ReceiveLoopAsync(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ConnectionAbortedException)
        {
            // The client went away or the connection was aborted: nothing to report.
        }
        catch (Exception e)
        {
            OnError?.Invoke(connection.Peer, e);
        }
        finally
        {
            Gateway.Closed(connection);
            await connection.FinishAsync().ConfigureAwait(false);
            await FinishCloseAsync(connection).ConfigureAwait(false);
            _live.TryRemove(connection.Number, out _);
            socket.Dispose();
        }
    }

    private int NextNumber()
    {
        // Connection numbers are 21 bits of every request id; numbers still in use are skipped.
        while (true)
        {
            int number = (Interlocked.Increment(ref _lastNumber) & 0x1F_FFFF);
            if (number != 0 && !_live.ContainsKey(number)) return number;
        }
    }

    private static async Task FinishCloseAsync(WsConnection connection)
    {
        var socket = connection.Socket;
        try
        {
            // The client started the close: answer it once everything queued went out.
            if (socket.State == WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Bye", timeout.Token).ConfigureAwait(false);
            }
            else if (socket.State != WebSocketState.Closed)
            {
                socket.Abort();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private async Task ReceiveLoopAsync(WsConnection connection)
    {
        var socket = connection.Socket;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxMessageSize + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) return;
                if (connection.CloseReason is not null)
                {
                    // Closing from our side: read and drop what the client still sends until its close
                    // frame (or the grace period), so the socket ends with a FIN and the client can read
                    // our close frame, instead of a reset over unread bytes.
                    length = 0;
                    continue;
                }
                length += result.Count;
                if (length > _options.MaxMessageSize)
                {
                    connection.Close(WebSocketCloseStatus.MessageTooBig, $"Message larger than {_options.MaxMessageSize} bytes");
                    length = 0;
                    continue;
                }
                if (!result.EndOfMessage) continue;
                Handle(connection, buffer.AsSpan(0, length), result.MessageType == WebSocketMessageType.Binary);
                length = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // ------------------------------------------------------------------ requests

    private void Handle(WsConnection connection, ReadOnlySpan<byte> message, bool binary)
    {
        var r = connection.Request;
        string? problem = binary ? RequestParser.ParseMessagePack(message, r) : RequestParser.ParseJson(message, r);
        if (!connection.RateLimiter.TryTake())
        {
            Error(connection, r.Id, "RATE_LIMITED", $"More than {_options.RequestsPerSecond} requests per second (burst {_options.RequestBurst}): request dropped");
            return;
        }
        if (problem is not null)
        {
            Error(connection, r.Id, "INVALID_REQUEST", problem);
            return;
        }
        switch (r.Method)
        {
            case RequestMethod.Subscribe:
                Subscribe(connection, r, subscribe: true);
                break;
            case RequestMethod.Unsubscribe:
                Subscribe(connection, r, subscribe: false);
                break;
            case RequestMethod.OrderExecute:
            case RequestMethod.OrderCancel:
            case RequestMethod.OrderCancelAll:
            case RequestMethod.OrderQueryAll:
            case RequestMethod.PositionQuery:
                AccountRequest(connection, r, message);
                break;
            default:
                Error(connection, r.Id, "UNKNOWN_METHOD", $"Unknown method '{r.MethodName}' (SUBSCRIBE, UNSUBSCRIBE, orderExecute, orderCancel, orderCancelAll, orderQueryAll, positionQuery)");
                break;
        }
    }

    private void Subscribe(WsConnection connection, WsRequest r, bool subscribe)
    {
        if (r.HasParamObject)
        {
            SubscriptionError(connection, r.Id, "INVALID_REQUEST", "params must be an array of stream names");
            return;
        }
        var keys = new List<StreamKey>(r.Streams.Count);
        foreach (string name in r.Streams)
        {
            if (!StreamKey.TryParse(name, Markets, out var key))
            {
                SubscriptionError(connection, r.Id, "INVALID_STREAM", $"Invalid stream '{name}'");
                return;
            }
            keys.Add(key);
        }
        if (!subscribe)
        {
            Gateway.Unsubscribe(connection, keys, r.Id);
            return;
        }
        if (keys.Count == 0 && !r.HasSignature)
        {
            SubscriptionError(connection, r.Id, "INVALID_REQUEST", "params must list at least one stream");
            return;
        }
        if (r.HasSignature && Authenticate(connection, r) is { } refused)
        {
            SubscriptionError(connection, r.Id, refused.Code, refused.Message);
            return;
        }
        if (connection.AccountId == 0 && keys.Exists(k => k.IsPrivate))
        {
            SubscriptionError(connection, r.Id, "UNAUTHENTICATED", "Private streams need a signature: [apiKey, signature of instruction=subscribe&timestamp=..&window=.., timestamp, window]");
            return;
        }
        Gateway.Subscribe(connection, keys, r.Id);
    }

    /// <summary>
    /// Verifies the subscription signature (Backpack's: base64 Ed25519 over
    /// <c>instruction=subscribe&amp;timestamp=&lt;ms&gt;&amp;window=&lt;ms&gt;</c>) and, the first time, logs the
    /// connection on to the key's account: the engine is asked for the account's snapshot, which
    /// opens the private streams. Returns the problem, or null.
    /// </summary>
    private RequestError? Authenticate(WsConnection connection, WsRequest r)
    {
        var signature = r.Signature;
        if (signature.Count is < 3 or > 4) return new RequestError("INVALID_SIGNATURE", "signature must be [apiKey, signature, timestamp, window]");
        if (!_options.ApiKeys.TryGetValue(signature[0], out int account)) return new RequestError("UNKNOWN_API_KEY", "Unknown API key");
        if (!long.TryParse(signature[2], NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp)) return new RequestError("INVALID_SIGNATURE", "timestamp must be milliseconds since the Unix epoch");
        int window = DefaultSignatureWindow;
        if (signature.Count == 4 && (!int.TryParse(signature[3], NumberStyles.None, CultureInfo.InvariantCulture, out window) || window < 1 || window > _options.MaxSignatureWindow))
        {
            return new RequestError("INVALID_SIGNATURE", $"window must be 1 to {_options.MaxSignatureWindow} ms");
        }
        long now = _clock() / 1000;
        if (Math.Abs(now - timestamp) > window) return new RequestError("SIGNATURE_EXPIRED", $"timestamp is more than the window ({window} ms) away from the server's time {now}");
        byte[] signed = SubscribeSignature.Instruction(timestamp, window);
        if (!Ed25519.VerifyBase64Signature(signature[0], signed, Encoding.ASCII.GetBytes(signature[1]))) return new RequestError("INVALID_SIGNATURE", "The signature does not verify");
        if (connection.AccountId != 0)
        {
            // Already logged on: a valid signature of the same account changes nothing.
            return connection.AccountId == account ? null : new RequestError("INVALID_SIGNATURE", "The connection is already logged on to another account");
        }

        // Ask for the account before any order this connection sends: the snapshot opens the
        // private streams and every later event of the account follows it.
        long requestId = connection.NextRequestId();
        connection.AccountId = account;
        connection.AddPending(requestId, new PendingRequest { Method = RequestMethod.Authenticate, Id = r.Id });
        int length = ProtocolCodec.Encode(new QueryAccount(new CommandHeader(0, 0, requestId), account, 0), connection.Command);
        if (!Gateway.Submit(connection.Command.AsSpan(0, length)))
        {
            connection.TryTakePending(requestId, out _);
            connection.AccountId = 0;
            return new RequestError("BUSY", "Gateway busy, try again");
        }
        return null;
    }

    private void AccountRequest(WsConnection connection, WsRequest r, ReadOnlySpan<byte> message)
    {
        if (connection.AccountId == 0)
        {
            Error(connection, r.Id, "UNAUTHENTICATED", "Log on first: SUBSCRIBE with a signature (docs/websocket.md)");
            return;
        }
        if (!r.HasParamObject && r.Method is RequestMethod.OrderExecute or RequestMethod.OrderCancel)
        {
            Error(connection, r.Id, "INVALID_REQUEST", "params must be an object of order parameters");
            return;
        }
        long requestId = connection.NextRequestId();
        int account = connection.AccountId;
        RequestError? problem;
        int length = 0;
        var pending = new PendingRequest { Method = r.Method, Id = r.Id };
        switch (r.Method)
        {
            case RequestMethod.OrderExecute:
                problem = OrderRequests.Execute(r, message, Markets, account, requestId, out var order, out var conditional);
                if (problem is not null) break;
                if (conditional is { } c)
                {
                    // A trigger, stop-loss or take-profit: the answer shows the terms it was placed with.
                    length = ProtocolCodec.Encode(c, connection.Command);
                    pending.Conditions = OrderConditions.Of(c);
                }
                else
                {
                    length = ProtocolCodec.Encode(order, connection.Command);
                }
                break;
            case RequestMethod.OrderCancel:
                problem = OrderRequests.Cancel(r, message, Markets, account, requestId, out var cancel);
                if (problem is null) length = ProtocolCodec.Encode(cancel, connection.Command);
                break;
            case RequestMethod.OrderCancelAll:
            {
                problem = OrderRequests.OptionalSymbol(r, message, Markets, "orderCancelAll", out int marketId);
                if (problem is null) length = ProtocolCodec.Encode(new CancelAll(new CommandHeader(0, 0, requestId), account, marketId), connection.Command);
                break;
            }
            default:
            {
                problem = OrderRequests.OptionalSymbol(r, message, Markets, r.Method == RequestMethod.OrderQueryAll ? "orderQueryAll" : "positionQuery", out int marketId);
                if (problem is null) length = ProtocolCodec.Encode(new QueryAccount(new CommandHeader(0, 0, requestId), account, marketId), connection.Command);
                pending.MarketId = marketId;
                break;
            }
        }
        if (problem is { } p)
        {
            Error(connection, r.Id, p.Code, p.Message);
            return;
        }
        connection.AddPending(requestId, pending);
        if (!Gateway.Submit(connection.Command.AsSpan(0, length)))
        {
            connection.TryTakePending(requestId, out _);
            Error(connection, r.Id, "BUSY", "Gateway busy, try again");
        }
    }

    private static void Error(WsConnection connection, RequestId id, string code, string message)
    {
        var w = connection.Writer;
        w.Begin(connection.Format);
        StreamEncoder.Error(w, id, code, message);
        connection.Send(w.FinishOne());
    }

    /// <summary>An error answering SUBSCRIBE or UNSUBSCRIBE: Backpack's numeric code for <paramref name="name"/> (<see cref="SubscriptionErrors"/>).</summary>
    private static void SubscriptionError(WsConnection connection, RequestId id, string name, string message)
    {
        var w = connection.Writer;
        w.Begin(connection.Format);
        StreamEncoder.Error(w, id, SubscriptionErrors.CodeOf(name), message);
        connection.Send(w.FinishOne());
    }

    /// <summary>Stops taking connections and closes the open ones with the reason (1001 Going Away).</summary>
    public async Task StopAsync(string reason)
    {
        _stopping = true;
        foreach (var connection in _live.Values) connection.Close(WebSocketCloseStatus.EndpointUnavailable, reason);
        var deadline = DateTime.UtcNow + _options.SlowConsumerCloseGrace + TimeSpan.FromSeconds(1);
        while (!_live.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(20).ConfigureAwait(false);
        foreach (var connection in _live.Values) connection.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping) await StopAsync("Gateway shutting down").ConfigureAwait(false);
        await Gateway.DisposeAsync().ConfigureAwait(false);
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using Backpack.Gateway.Protocol;
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
public sealed partial class WsFrontEnd : IAsyncDisposable
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

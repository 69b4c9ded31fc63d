using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests.Clients;

/// <summary>
/// A JSON WebSocket connection to the venue: sends are serialized, and every message received is
/// handed to the handler with the moment it arrived (Stopwatch ticks and wall-clock microseconds),
/// taken before it is parsed.
/// </summary>
public sealed class WsConnection : IAsyncDisposable
{
    public delegate void MessageHandler(JsonElement message, long receivedTicks, long receivedMicros);

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly MessageHandler _handler;
    private Task _reader = Task.CompletedTask;

    private WsConnection(MessageHandler handler) => _handler = handler;

    /// <summary>Completes when the connection ends; its result says why.</summary>
    public Task<string> Closed => _closed.Task;

    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<WsConnection> ConnectAsync(Uri uri, MessageHandler handler, CancellationToken cancellation)
    {
        var connection = new WsConnection(handler);
        connection._socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        await connection._socket.ConnectAsync(uri, cancellation);
        connection._reader = Task.Run(connection.ReadAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Messages the handler could not take (a bad value); the first is kept for the report.</summary>
    public int HandlerErrors { get; private set; }
    public string? FirstHandlerError { get; private set; }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellation)
    {
        await _sending.WaitAsync(cancellation);
        try
        {
            await _socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, cancellation);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Sends SUBSCRIBE for <paramref name="streams"/> with request id <paramref name="id"/>, signed (a logon) when <paramref name="signature"/> is given.</summary>
    public ValueTask SubscribeAsync(long id, IEnumerable<string> streams, string[]? signature, CancellationToken cancellation) => SendAsync(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("method", "SUBSCRIBE");
        w.WriteStartArray("params");
        foreach (string s in streams) w.WriteStringValue(s);
        w.WriteEndArray();
        if (signature is not null)
        {
            w.WriteStartArray("signature");
            foreach (string s in signature) w.WriteStringValue(s);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }, cancellation);

    /// <summary>Writes one request with <paramref name="write"/> and sends it.</summary>
    public ValueTask SendAsync(Action<Utf8JsonWriter> write, CancellationToken cancellation)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer)) write(json);
        return SendAsync(buffer.WrittenMemory, cancellation);
    }

    private async Task ReadAsync()
    {
        // Small to start (thousands of connections): it grows to the largest message read.
        var buffer = new ArrayBufferWriter<byte>(4096);
        string reason = "closed";
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(2048), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"closed by the gateway: {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    break;
                }
                buffer.Advance(result.Count);
                if (!result.EndOfMessage) continue;
                long ticks = System.Diagnostics.Stopwatch.GetTimestamp();
                long micros = RunClock.UnixMicros();
                try
                {
                    using var document = JsonDocument.Parse(buffer.WrittenMemory);
                    _handler(document.RootElement, ticks, micros);
                }
                catch (Exception e) when (e is JsonException or FormatException or OverflowException or KeyNotFoundException or InvalidOperationException)
                {
                    HandlerErrors++;
                    FirstHandlerError ??= $"{e.Message} in {System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan)}";
                }
                buffer.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = e.Message;
        }
        finally
        {
            _closed.TrySetResult(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load test done", timeout.Token);
                await _reader.WaitAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }
        _socket.Dispose();
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Backpack.Gateway.WebSockets;

namespace Backpack.Gateway.Host.Demo;

/// <summary>A request the venue answered with an error (<see cref="Code"/> as in docs/websocket.md).</summary>
public sealed class VenueRequestException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;
}

/// <summary>
/// A JSON client of the venue's WebSocket API, as any retail client would be (the demo's actors use
/// it): requests answered by id, stream messages handed to <see cref="OnStream"/> on the reading task.
/// </summary>
public sealed class VenueClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Task _reader;
    private long _nextId;

    private VenueClient(ClientWebSocket socket, Action<string, JsonElement>? onStream)
    {
        _socket = socket;
        OnStream = onStream;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Called for each stream message with the stream name and its data (on the reading task).</summary>
    public Action<string, JsonElement>? OnStream { get; }

    /// <summary>Completes when the connection has ended (closed by either side or failed).</summary>
    public Task Completion => _reader;

    public static async Task<VenueClient> ConnectAsync(Uri uri, Action<string, JsonElement>? onStream, CancellationToken cancellation)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, cancellation);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new VenueClient(socket, onStream);
    }

    /// <summary>Logs the connection on with an account's private key and subscribes to <paramref name="streams"/>.</summary>
    public Task LogOnAsync(byte[] privateKey, IReadOnlyList<string> streams, CancellationToken cancellation) =>
        RequestAsync("SUBSCRIBE", streams, cancellation, SubscribeSignature.Create(privateKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    /// <summary>Sends a request and returns its result.</summary>
    /// <exception cref="VenueRequestException">the venue answered with an error</exception>
    public async Task<JsonElement> RequestAsync(string method, object? parameters, CancellationToken cancellation, string[]? signature = null)
    {
        long id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var request = new Dictionary<string, object?> { ["id"] = id, ["method"] = method };
        if (parameters is not null) request["params"] = parameters;
        if (signature is not null) request["signature"] = signature;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(request);
        await _sending.WaitAsync(cancellation);
        try
        {
            await _socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, cancellation);
        }
        catch
        {
            _pending.TryRemove(id, out _);
            throw;
        }
        finally
        {
            _sending.Release();
        }
        var response = await answer.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        if (response.TryGetProperty("error", out var error))
        {
            // Order requests have string codes; SUBSCRIBE errors Backpack's numeric ones (docs/websocket.md section 7).
            var code = error.GetProperty("code");
            throw new VenueRequestException(code.ValueKind == JsonValueKind.String ? code.GetString() ?? "" : code.GetRawText(), error.GetProperty("message").GetString() ?? "");
        }
        return response.GetProperty("result");
    }

    private async Task ReadAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) break;
                buffer.Advance(result.Count);
                if (!result.EndOfMessage) continue;
                using (var document = JsonDocument.Parse(buffer.WrittenMemory))
                {
                    var root = document.RootElement;
                    if (root.TryGetProperty("stream", out var stream))
                    {
                        OnStream?.Invoke(stream.GetString() ?? "", root.GetProperty("data"));
                    }
                    else if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && _pending.TryRemove(id.GetInt64(), out var answer))
                    {
                        answer.TrySetResult(root.Clone());
                    }
                }
                buffer.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            var closed = new WebSocketException($"connection closed ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
            foreach (var pending in _pending.Values) pending.TrySetException(closed);
            _pending.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                // The reading task sees the server's answering close frame and ends.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                await _reader.WaitAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
        }
        _socket.Dispose();
        await _reader.ConfigureAwait(false);
        _sending.Dispose();
    }
}

using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Backpack.Gateway.Protocol.MessagePack;
using Backpack.Gateway.WebSockets;

namespace Backpack.Gateway.TestSupport;

/// <summary>
/// A WebSocket API client for tests, on .NET's ClientWebSocket. Requests are written as JSON (or,
/// for a MessagePack connection, the same document as MessagePack); every message received is
/// turned into a <see cref="JsonElement"/> (MessagePack frames through a plain map/array/string
/// reading, no schema) and kept in arrival order, so a test can wait for the one it wants without
/// losing the others.
/// </summary>
public sealed class WsTestClient : IAsyncDisposable
{
    private readonly List<JsonElement> _received = [];
    private readonly List<byte[]> _frames = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reader;
    private long _nextId;

    private WsTestClient(ClientWebSocket socket, bool messagePack)
    {
        Socket = socket;
        MessagePack = messagePack;
        _reader = Task.Run(ReadLoopAsync);
    }

    public ClientWebSocket Socket { get; }
    public bool MessagePack { get; }

    /// <summary>Set when the server closed the connection (or it failed).</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }
    public string? CloseDescription { get; private set; }
    public bool Closed { get; private set; }

    /// <summary>Frames of the other format than the connection's (should never happen).</summary>
    public int WrongFrameType { get; private set; }

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <param name="trust">for wss://: decides whether the server's certificate is trusted</param>
    public static async Task<WsTestClient> ConnectAsync(Uri uri, bool messagePack = false, System.Net.Security.RemoteCertificateValidationCallback? trust = null)
    {
        var socket = new ClientWebSocket();
        if (messagePack) socket.Options.AddSubProtocol("backpack.msgpack");
        if (trust is not null) socket.Options.RemoteCertificateValidationCallback = trust;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new WsTestClient(socket, messagePack);
    }

    /// <summary>Sends a request built from an anonymous object; returns its id (added when it has none).</summary>
    public async Task<long> SendAsync(string method, object? parameters = null, object? signature = null, long? id = null)
    {
        long requestId = id ?? Interlocked.Increment(ref _nextId);
        var request = new Dictionary<string, object?> { ["method"] = method, ["id"] = requestId };
        if (parameters is not null) request["params"] = parameters;
        if (signature is not null) request["signature"] = signature;
        await SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(request));
        return requestId;
    }

    /// <summary>Sends a JSON document as is (as MessagePack on a MessagePack connection).</summary>
    public Task SendRawAsync(byte[] json) => MessagePack
        ? SendFrameAsync(JsonToMessagePack(json), WebSocketMessageType.Binary)
        : SendFrameAsync(json, WebSocketMessageType.Text);

    public async Task SendFrameAsync(byte[] bytes, WebSocketMessageType type)
    {
        await Socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>Waits for the response to a request and returns it (result or error).</summary>
    public Task<JsonElement> ResponseAsync(long id, TimeSpan? timeout = null) =>
        ExpectAsync(m => m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt64() == id, $"response {id}", timeout);

    /// <summary>Waits for a stream message (optionally of one event type) and returns its data.</summary>
    public async Task<JsonElement> StreamAsync(string stream, string? eventType = null, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null)
    {
        var message = await ExpectAsync(m => m.TryGetProperty("stream", out var s) && s.GetString() == stream
            && (eventType is null || m.GetProperty("data").GetProperty("e").GetString() == eventType)
            && (where is null || where(m.GetProperty("data"))), $"{stream} {eventType}", timeout);
        return message.GetProperty("data");
    }

    /// <summary>Waits for (and removes) the first message, received or to come, that matches.</summary>
    public async Task<JsonElement> ExpectAsync(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            lock (_received)
            {
                for (int i = 0; i < _received.Count; i++)
                {
                    if (!match(_received[i])) continue;
                    var found = _received[i];
                    _received.RemoveAt(i);
                    return found;
                }
                if (Closed) throw new InvalidOperationException($"connection closed ({CloseStatus} {CloseDescription}) while waiting for {what}; received: {Describe()}");
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                lock (_received) throw new TimeoutException($"no {what} within {timeout ?? DefaultTimeout}; received: {Describe()}");
            }
        }
    }

    /// <summary>Messages received and not taken yet.</summary>
    public List<JsonElement> Pending()
    {
        lock (_received) return [.. _received];
    }

    /// <summary>Every frame received so far, as the bytes that came (UTF-8 JSON or MessagePack), in arrival order.</summary>
    public List<byte[]> RawFrames()
    {
        lock (_received) return [.. _frames];
    }

    public void Clear()
    {
        lock (_received) _received.Clear();
    }

    private string Describe() => string.Join(" | ", _received.Take(20).Select(m => m.GetRawText()));

    /// <summary>Subscribes to public streams and waits for the acknowledgement.</summary>
    public async Task SubscribeAsync(params string[] streams)
    {
        var response = await ResponseAsync(await SendAsync("SUBSCRIBE", streams));
        if (response.TryGetProperty("error", out var error)) throw new InvalidOperationException("SUBSCRIBE refused: " + error.GetRawText());
    }

    /// <summary>The signature array for a private subscription, signed now with the private key.</summary>
    public static string[] Signature(byte[] privateKey, long? timestampMs = null, int window = 5000)
    {
        return SubscribeSignature.Create(privateKey, timestampMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), window);
    }

    /// <summary>A signed SUBSCRIBE (logs the connection on to the key's account); returns the response.</summary>
    public async Task<JsonElement> LogOnAsync(byte[] privateKey, params string[] streams) =>
        await ResponseAsync(await SendAsync("SUBSCRIBE", streams, Signature(privateKey)));

    /// <summary>Sends a request with order parameters and returns the response.</summary>
    public async Task<JsonElement> RequestAsync(string method, object? parameters = null) => await ResponseAsync(await SendAsync(method, parameters));

    private async Task ReadLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(64 * 1024);
                var result = await Socket.ReceiveAsync(memory, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = Socket.CloseStatus;
                    CloseDescription = Socket.CloseStatusDescription;
                    break;
                }
                buffer.Advance(result.Count);
                if (!result.EndOfMessage) continue;
                bool binary = result.MessageType == WebSocketMessageType.Binary;
                if (binary != MessagePack) WrongFrameType++;
                var element = binary ? MessagePackToJson(buffer.WrittenSpan) : JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
                byte[] raw = buffer.WrittenSpan.ToArray();
                buffer.ResetWrittenCount();
                lock (_received)
                {
                    _received.Add(element);
                    _frames.Add(raw);
                }
                _arrived.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            CloseStatus ??= Socket.CloseStatus;
            CloseDescription ??= Socket.CloseStatusDescription ?? e.Message;
        }
        finally
        {
            lock (_received) Closed = true;
            _arrived.Release();
        }
    }

    /// <summary>Waits until the server closed the connection.</summary>
    public async Task WaitClosedAsync(TimeSpan timeout)
    {
        await _reader.WaitAsync(timeout);
    }

    // ------------------------------------------------------------------ MessagePack <-> JSON (no schema)

    public static JsonElement MessagePackToJson(ReadOnlySpan<byte> bytes)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output))
        {
            var reader = new MessagePackReader(bytes);
            ToJson(ref reader, json);
            if (reader.HasError) throw new FormatException("invalid MessagePack from the server: " + reader.Error);
            if (!reader.End) throw new FormatException("trailing bytes after the MessagePack message");
        }
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    private static void ToJson(ref MessagePackReader reader, Utf8JsonWriter json)
    {
        switch (reader.NextType)
        {
            case MessagePackType.Map:
                int fields = reader.ReadMapHeader();
                json.WriteStartObject();
                for (int i = 0; i < fields; i++)
                {
                    json.WritePropertyName(reader.ReadString() ?? "");
                    ToJson(ref reader, json);
                }
                json.WriteEndObject();
                break;
            case MessagePackType.Array:
                int count = reader.ReadArrayHeader();
                json.WriteStartArray();
                for (int i = 0; i < count; i++) ToJson(ref reader, json);
                json.WriteEndArray();
                break;
            case MessagePackType.String:
                json.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Integer:
                json.WriteNumberValue(reader.ReadInt64());
                break;
            case MessagePackType.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Nil:
                reader.TryReadNil();
                json.WriteNullValue();
                break;
            default:
                throw new FormatException("unexpected MessagePack type " + reader.NextType);
        }
    }

    public static byte[] JsonToMessagePack(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        Write(ref writer, document.RootElement);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static void Write(ref MessagePackWriter writer, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteMapHeader(e.EnumerateObject().Count());
                foreach (var p in e.EnumerateObject())
                {
                    writer.WriteString(p.Name);
                    Write(ref writer, p.Value);
                }
                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(e.GetArrayLength());
                foreach (var item in e.EnumerateArray()) Write(ref writer, item);
                break;
            case JsonValueKind.String:
                writer.WriteString(e.GetString());
                break;
            case JsonValueKind.Number when e.TryGetInt64(out long n):
                writer.WriteInt64(n);
                break;
            case JsonValueKind.Number:
                writer.WriteDouble(e.GetDouble());
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBoolean(e.GetBoolean());
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        Socket.Abort();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
        }
        Socket.Dispose();
    }
}

using System.Net.WebSockets;
using System.Threading.Channels;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets.Connections;

/// <summary>What a request that the engine answers is waiting for.</summary>
internal struct PendingRequest
{
    public RequestMethod Method;
    public RequestId Id;

    /// <summary>orderCancelAll: the orders canceled so far; orderQueryAll/positionQuery and the logon snapshot: what the engine sent so far.</summary>
    public List<object>? Items;
}

/// <summary>
/// One client's WebSocket: its bounded outbound queue and the send loop that drains it, its
/// requests waiting for the engine, and (owned by the gateway's dispatcher thread) its
/// subscriptions. A client whose queue overflows is a slow consumer: nothing more is queued, it
/// gets a close frame with the reason if its socket drains within the grace period, else the
/// connection is aborted. Either way the engine and the other clients never wait for it.
/// </summary>
internal sealed class WsConnection
{
    private readonly Channel<OutboundFrame> _outbound = Channel.CreateUnbounded<OutboundFrame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly CancellationTokenSource _abort = new();
    private readonly WebSocketApiOptions _options;
    private int _queued;
    private long _queuedBytes;
    private long _requestCounter;
    private volatile string? _closeReason;
    private WebSocketCloseStatus _closeStatus;

    private readonly Action? _onSlowConsumer;

    public WsConnection(int number, WebSocket socket, WireFormat format, WebSocketApiOptions options, string peer, Action? onSlowConsumer = null)
    {
        _onSlowConsumer = onSlowConsumer;
        Number = number;
        Socket = socket;
        Format = format;
        _options = options;
        Peer = peer;
        RateLimiter = new RateLimiter(options.RequestsPerSecond, options.RequestBurst);
    }

    /// <summary>The connection's number (bits 60-40 of its request ids).</summary>
    public int Number { get; }

    public WebSocket Socket { get; }
    public WireFormat Format { get; }
    public string Peer { get; }
    public RateLimiter RateLimiter { get; }

    /// <summary>Receive-loop state: the request being handled, the writer for its immediate answers, the command buffer.</summary>
    public WsRequest Request { get; } = new();
    public MessageWriter Writer { get; } = new();
    public byte[] Command { get; } = new byte[256];

    /// <summary>The account this connection trades for once its signature was verified; 0 before.</summary>
    public int AccountId { get; set; }

    // ---- owned by the dispatcher thread
    public HashSet<StreamKey> Subscriptions { get; } = [];

    /// <summary>True once the account snapshot that opened this connection's private streams arrived.</summary>
    public bool PrivateReady { get; set; }

    /// <summary>True once the connection left (the dispatcher drops it everywhere).</summary>
    public bool Closed { get; set; }

    /// <summary>Messages queued and not yet sent.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Why the server closed the connection (slow consumer, shutdown), or null.</summary>
    public string? CloseReason => _closeReason;

    public long NextRequestId() => RequestTag.Make(RequestTag.WebSocket, Number, Interlocked.Increment(ref _requestCounter));

    public void AddPending(long requestId, PendingRequest pending)
    {
        lock (_pending) _pending[requestId] = pending;
    }

    public bool TryTakePending(long requestId, out PendingRequest pending)
    {
        lock (_pending) return _pending.Remove(requestId, out pending);
    }

    /// <summary>Adds an item to a pending request's list (creating it); false if no such request waits.</summary>
    public bool AddToPending(long requestId, object item)
    {
        lock (_pending)
        {
            if (!_pending.TryGetValue(requestId, out var pending)) return false;
            (pending.Items ??= []).Add(item);
            _pending[requestId] = pending;
            return true;
        }
    }

    /// <summary>
    /// Queues a frame (taking a reference). Returns false when the connection is closing or the
    /// queue is over its bounds, in which case the connection is closed as a slow consumer.
    /// </summary>
    public bool Enqueue(OutboundFrame frame)
    {
        if (_closeReason is not null) return false;
        int queued = Interlocked.Increment(ref _queued);
        long bytes = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (queued > _options.MaxQueuedMessages || bytes > _options.MaxQueuedBytes)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            if (Close(WebSocketCloseStatus.PolicyViolation, $"Slow consumer: over {_options.MaxQueuedMessages} messages or {_options.MaxQueuedBytes} bytes unsent"))
            {
                _onSlowConsumer?.Invoke();
            }
            return false;
        }
        frame.AddReference();
        if (!_outbound.Writer.TryWrite(frame))
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            frame.Release();
            return false;
        }
        return true;
    }

    /// <summary>Queues a frame and releases the caller's reference.</summary>
    public void Send(OutboundFrame frame)
    {
        Enqueue(frame);
        frame.Release();
    }

    /// <summary>
    /// Starts closing from the server side: nothing more is queued; the send loop skips what is left,
    /// sends a close frame with the reason and gives up after the grace period. False if already closing.
    /// </summary>
    public bool Close(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null) return false;
        _closeStatus = status;
        _outbound.Writer.TryComplete();
        _abort.CancelAfter(_options.SlowConsumerCloseGrace);
        return true;
    }

    /// <summary>Canceled when a server-side close did not complete within the grace period.</summary>
    public CancellationToken AbortToken => _abort.Token;

    /// <summary>Ends the send loop after what is queued (the client closed, or the receive loop ended).</summary>
    public void CompleteOutbound() => _outbound.Writer.TryComplete();

    /// <summary>Sends queued frames until the queue completes; then the close frame if the server closed the connection.</summary>
    public async Task SendLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    try
                    {
                        if (_closeReason is null && Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        {
                            await Socket.SendAsync(frame.Memory, frame.Type, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _queued);
                        Interlocked.Add(ref _queuedBytes, -frame.Length);
                        frame.Release();
                    }
                }
            }
            if (_closeReason is { } reason && Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // A close reason is at most 123 bytes of UTF-8.
                await Socket.CloseOutputAsync(_closeStatus, reason.Length > 120 ? reason[..120] : reason, _abort.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            Socket.Abort();
        }
        finally
        {
            // Whatever is still queued is dropped.
            while (reader.TryRead(out var frame))
            {
                Interlocked.Decrement(ref _queued);
                Interlocked.Add(ref _queuedBytes, -frame.Length);
                frame.Release();
            }
        }
    }

    /// <summary>Aborts the socket (used after the close grace period or at shutdown).</summary>
    public void Abort()
    {
        _abort.Cancel();
        Socket.Abort();
    }
}

using System.Net.WebSockets;
using System.Collections.Concurrent;
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

    /// <summary>orderExecute of a conditional order: its trigger, stop-loss and take-profit terms (the engine's answer does not repeat the last two).</summary>
    public OrderConditions Conditions;

    /// <summary>orderQueryAll: the market asked about (0 = all).</summary>
    public int MarketId;
}

/// <summary>
/// One client's WebSocket: its bounded outbound queue and the pump that sends it, its
/// requests waiting for the engine, and (owned by the gateway's dispatcher thread) its
/// subscriptions. A client whose queue overflows is a slow consumer: nothing more is queued, it
/// gets a close frame with the reason if its socket drains within the grace period, else the
/// connection is aborted. Either way the engine and the other clients never wait for it.
/// </summary>
internal sealed class WsConnection
{
    private readonly ConcurrentQueue<OutboundFrame> _queue = new();
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly CancellationTokenSource _abort = new();
    private readonly WebSocketApiOptions _options;
    private int _queued;
    private int _pumping;
    private bool _closeSent;
    private volatile bool _finished;
    private long _queuedBytes;
    private long _requestCounter;
    private volatile string? _closeReason;
    private WebSocketCloseStatus _closeStatus;

    private readonly Action? _onSlowConsumer;
    private readonly OutboundQueueMark? _mark;

    public WsConnection(int number, WebSocket socket, WireFormat format, WebSocketApiOptions options, string peer, Action? onSlowConsumer = null,
        OutboundQueueMark? mark = null)
    {
        _onSlowConsumer = onSlowConsumer;
        _mark = mark;
        Number = number;
        Socket = socket;
        Format = format;
        _options = options;
        Peer = peer;
        RateLimiter = new RateLimiter(options.RequestsPerSecond, options.RequestBurst);
        // One registration for the connection's life rather than a cancellable token on every send.
        _abort.Token.Register(static s => ((WebSocket)s!).Abort(), socket);
    }

    /// <summary>The connection's number (bits 60-40 of its request ids).</summary>
    public int Number { get; }

    public WebSocket Socket { get; }
    public WireFormat Format { get; }
    public string Peer { get; }
    public RateLimiter RateLimiter { get; }

    /// <summary>Receive-loop state: the request being handled, the writer for its immediate answers.</summary>
    public WsRequest Request { get; } = new();
    public MessageWriter Writer { get; } = new();

    /// <summary>The account this connection trades for once its signature was verified; 0 before.</summary>
    public int AccountId { get; set; }

    // ---- owned by the dispatcher thread
    public HashSet<StreamKey> Subscriptions { get; } = [];

    /// <summary>True once the account snapshot that opened this connection's private streams arrived.</summary>
    public bool PrivateReady { get; set; }

    /// <summary>True once the connection left (the dispatcher drops it everywhere).</summary>
    public bool Closed { get; set; }

    /// <summary>Cancel the orders this connection placed when it closes (WebSocket:CancelOnDisconnect or ?cancelOnDisconnect=).</summary>
    public bool CancelOnDisconnect { get; init; }

    /// <summary>With <see cref="CancelOnDisconnect"/>: the orders it placed that are still open, by order id (WsGateway.CancelOnDisconnect.cs).</summary>
    public Dictionary<long, (int AccountId, int MarketId)> OpenOrders { get; } = [];

    /// <summary>True once its orders were canceled (those accepted later are canceled at once).</summary>
    public bool OrdersCanceled { get; set; }

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

    /// <summary>Whether an orderExecute of this connection still waits for the engine's answer.</summary>
    public bool HasPendingOrders()
    {
        lock (_pending)
        {
            foreach (var pending in _pending.Values)
            {
                if (pending.Method == RequestMethod.OrderExecute) return true;
            }
            return false;
        }
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
    /// Queues a frame (taking a reference) and starts sending it at once if nothing is in flight.
    /// Returns false when the connection is closing or the queue is over its bounds, in which case
    /// the connection is closed as a slow consumer.
    /// </summary>
    public bool Enqueue(OutboundFrame frame)
    {
        if (_closeReason is not null || _finished) return false;
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
        if (_mark is not null && queued > _mark.Deepest) _mark.Deepest = queued; // a racy maximum is good enough for a gauge
        frame.AddReference();
        _queue.Enqueue(frame);
        Pump();
        return true;
    }

    /// <summary>Queues a frame and releases the caller's reference.</summary>
    public void Send(OutboundFrame frame)
    {
        Enqueue(frame);
        frame.Release();
    }

    /// <summary>
    /// Starts closing from the server side: nothing more is queued, what is queued is dropped, a close
    /// frame with the reason goes out once the frame in flight (if any) is sent, and the connection
    /// is aborted if that has not happened within the grace period. False if already closing.
    /// </summary>
    public bool Close(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null) return false;
        _closeStatus = status;
        _abort.CancelAfter(_options.SlowConsumerCloseGrace);
        Pump();
        return true;
    }


    // ------------------------------------------------------------------ the send pump
    //
    // Whoever queues a frame (the dispatcher, a receive loop) also tries to send it: one sender at a
    // time (the _pumping flag), and a send that the socket takes at once (the usual case: Kestrel
    // copies it into the connection's output pipe) costs no thread hop. A send that has to wait
    // continues on the thread pool, still owning the flag, and the queueing thread moves on.

    private void Pump()
    {
        if (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0) PumpOwned();
    }

    private void PumpOwned()
    {
        while (true)
        {
            while (_queue.TryDequeue(out var frame))
            {
                if (_closeReason is not null || !CanSend)
                {
                    Done(frame);
                    continue;
                }
                ValueTask send;
                try
                {
                    send = Socket.SendAsync(frame.Memory, frame.Type, endOfMessage: true, CancellationToken.None);
                }
                catch (Exception e) when (IsConnectionFailure(e))
                {
                    Done(frame);
                    Socket.Abort();
                    continue;
                }
                if (!send.IsCompleted)
                {
                    _ = FinishSendAsync(send, frame);
                    return;
                }
                Complete(send);
                Done(frame);
            }
            if (_closeReason is not null && !_closeSent && CanSend)
            {
                _closeSent = true;
                string reason = _closeReason.Length > 120 ? _closeReason[..120] : _closeReason; // a close reason is at most 123 bytes
                Task close;
                try
                {
                    close = Socket.CloseOutputAsync(_closeStatus, reason, CancellationToken.None);
                }
                catch (Exception e) when (IsConnectionFailure(e))
                {
                    close = Task.CompletedTask;
                    Socket.Abort();
                }
                if (!close.IsCompleted)
                {
                    _ = FinishCloseAsync(close);
                    return;
                }
                Observe(close);
            }
            Volatile.Write(ref _pumping, 0);
            // A frame queued while the flag was being dropped: take the flag back, or leave it to its queuer.
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _pumping, 1, 0) != 0) return;
        }
    }

    private async Task FinishSendAsync(ValueTask send, OutboundFrame frame)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            Socket.Abort();
        }
        finally
        {
            Done(frame);
        }
        PumpOwned();
    }

    private async Task FinishCloseAsync(Task close)
    {
        try
        {
            await close.ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            Socket.Abort();
        }
        PumpOwned();
    }

    private void Complete(ValueTask send)
    {
        try
        {
            send.GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            Socket.Abort();
        }
    }

    private void Observe(Task close)
    {
        if (close.IsFaulted && close.Exception!.InnerException is { } e && IsConnectionFailure(e)) Socket.Abort();
    }

    private bool CanSend => Socket.State is WebSocketState.Open or WebSocketState.CloseReceived;

    private static bool IsConnectionFailure(Exception e) => e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException;

    private void Done(OutboundFrame frame)
    {
        Interlocked.Decrement(ref _queued);
        Interlocked.Add(ref _queuedBytes, -frame.Length);
        frame.Release();
    }

    /// <summary>
    /// The connection is over (its receive loop ended): nothing more is queued; waits until the frame
    /// in flight and the close frame (if any) went out, or the grace period ends, and drops the rest.
    /// </summary>
    public async Task FinishAsync()
    {
        _finished = true;
        var deadline = DateTime.UtcNow + _options.SlowConsumerCloseGrace;
        while (DateTime.UtcNow < deadline && (Volatile.Read(ref _pumping) != 0 || (!_queue.IsEmpty && CanSend)))
        {
            Pump();
            await Task.Delay(1).ConfigureAwait(false);
        }
        if (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
        {
            while (_queue.TryDequeue(out var frame)) Done(frame);
        }
    }

    /// <summary>Aborts the socket (used after the close grace period or at shutdown).</summary>
    public void Abort()
    {
        _abort.Cancel();
        Socket.Abort();
    }
}

/// <summary>The most messages any connection has had queued and unsent at once since the start (a high-water mark).</summary>
internal sealed class OutboundQueueMark
{
    private int _deepest;

    public int Deepest
    {
        get => Volatile.Read(ref _deepest);
        set => Volatile.Write(ref _deepest, value);
    }
}

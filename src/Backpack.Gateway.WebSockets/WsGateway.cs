using System.Threading.Channels;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Books;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// The event side of the WebSocket front end. The engine hands over its event batches (on the
/// engine thread, copied at once); one dispatcher thread then does everything else in engine
/// order: it keeps the depth replicas and the views of logged-on accounts, answers the requests
/// the engine replied to, and turns events into stream messages for the subscribed connections.
/// Subscriptions, connections opening and closing, and logons reach the dispatcher through the
/// same queue, so a depth snapshot or a position snapshot is always consistent with the updates
/// that follow it. The dispatcher never waits for a client: each connection has its own bounded
/// queue and send loop.
/// </summary>
public sealed partial class WsGateway : IEventConsumer, IAsyncDisposable
{
    private readonly MarketDirectory _markets;
    private readonly StreamEncoder _encoder;
    private readonly WebSocketApiOptions _options;
    private readonly ICommandSubmitter _submitter;
    // Items in _work (the single-reader channel cannot count them).
    private int _backlog;
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    // Owned by the dispatcher thread.
    private readonly MessageWriter _writer = new();
    private readonly Dictionary<int, WsConnection> _connections = [];
    private readonly List<WsConnection>[] _subscribers;
    private readonly byte[][] _streamNames;
    private readonly BookReplica[] _books;
    private readonly long[] _marks;
    private readonly long[] _indexes;
    private readonly FundingEstimate[] _funding;
    private readonly Dictionary<int, AccountView> _views = [];
    private readonly List<LevelChange> _depthChanges = [];
    private long _lastTime;
    private Task? _dispatcher;

    private long _slowConsumers;
    private long _busy;
    private int _open;

    public WsGateway(IReadOnlyList<MarketDefinition> markets, ICommandSubmitter submitter, WebSocketApiOptions options)
    {
        _markets = new MarketDirectory(markets);
        _encoder = new StreamEncoder(_markets);
        _options = options;
        _submitter = submitter;
        _subscribers = new List<WsConnection>[KeyCount];
        _streamNames = new byte[KeyCount][];
        CreateStreams(); // WsGateway.MarketData.cs
        _books = new BookReplica[_markets.Count + 1];
        for (int m = 1; m <= _markets.Count; m++) _books[m] = new BookReplica();
        _marks = new long[_markets.Count + 1];
        _indexes = new long[_markets.Count + 1];
        _funding = new FundingEstimate[_markets.Count + 1];
    }

    public MarketDirectory Markets => _markets;
    public WebSocketApiOptions Options => _options;

    /// <summary>
    /// Gives the depth replica of a market the engine's book as it stands (levels and book sequence
    /// number), for an engine recovered from its journal. Call before <see cref="Start"/>: the
    /// replica then follows the BookDelta events that come after that sequence.
    /// </summary>
    public void SeedBook(int marketId, IEnumerable<(Side Side, long Price, long Quantity)> levels, long bookSequence)
    {
        if (_dispatcher is not null) throw new InvalidOperationException("seed the books before Start");
        _books[marketId].Seed(levels, bookSequence);
    }

    /// <summary>Connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Connections closed because their outbound queue overflowed.</summary>
    public long SlowConsumerDisconnects => Interlocked.Read(ref _slowConsumers);

    /// <summary>The most messages any connection has had waiting to be sent at once, since the start (each is cut off past <see cref="WebSocketApiOptions.MaxQueuedMessages"/>).</summary>
    public int DeepestOutboundQueue => QueueMark.Deepest;

    internal OutboundQueueMark QueueMark { get; } = new();

    /// <summary>Requests refused because the engine's inbound ring was full.</summary>
    public long Busy => Interlocked.Read(ref _busy);

    /// <summary>Event batches and control items waiting for the dispatcher.</summary>
    public int Backlog => Volatile.Read(ref _backlog);

    /// <summary>Called on the dispatcher thread when an event could not be turned into messages (it is skipped).</summary>
    public Action<Exception>? OnError { get; set; }

    public void Start()
    {
        _dispatcher = EventBatch.StartDispatcher("ws-dispatch", DispatchLoop);
    }

    // ------------------------------------------------------------------ from the connections (any thread)

    internal void Opened(WsConnection connection)
    {
        Interlocked.Increment(ref _open);
        Post(new WorkItem(WorkKind.Open, connection));
    }

    internal void Closed(WsConnection connection)
    {
        Interlocked.Decrement(ref _open);
        Post(new WorkItem(WorkKind.Close, connection));
    }

    internal void Subscribe(WsConnection connection, List<StreamKey> streams, RequestId id) =>
        Post(new WorkItem(WorkKind.Subscribe, connection) { Streams = streams, Id = id });

    internal void Unsubscribe(WsConnection connection, List<StreamKey> streams, RequestId id) =>
        Post(new WorkItem(WorkKind.Unsubscribe, connection) { Streams = streams, Id = id });

    internal void CountSlowConsumer() => Interlocked.Increment(ref _slowConsumers);

    /// <summary>Hands a command to the engine, retrying briefly while the ring is full; false = busy.</summary>
    internal bool Submit(ReadOnlySpan<byte> command)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            if (_submitter.TrySubmit(command)) return true;
            Thread.SpinWait(50);
        }
        Interlocked.Increment(ref _busy);
        return false;
    }

    private void Post(WorkItem item)
    {
        if (_work.Writer.TryWrite(item)) Interlocked.Increment(ref _backlog);
        else if (item.Kind == WorkKind.Events) item.Batch.Return();
    }

    // ------------------------------------------------------------------ from the engine

    /// <summary>Called on the engine thread: copies the batch and returns at once.</summary>
    public void OnEvents(FrameBuffer events) => Post(new WorkItem(WorkKind.Events, null) { Batch = EventBatch.Copy(events) });


    private void DispatchLoop()
    {
        var reader = _work.Reader;
        while (true)
        {
            if (reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _backlog);
            }
            else
            {
                var wait = reader.WaitToReadAsync();
                bool more = wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
                if (!more) return;
                continue;
            }
            try
            {
                switch (item.Kind)
                {
                    case WorkKind.Events: Events(item.Batch); break;
                    case WorkKind.Open: _connections[item.Connection!.Number] = item.Connection; break;
                    case WorkKind.Close: Drop(item.Connection!); break;
                    case WorkKind.Subscribe: SubscribeNow(item.Connection!, item.Streams!, item.Id); break;
                    case WorkKind.Unsubscribe: UnsubscribeNow(item.Connection!, item.Streams!, item.Id); break;
                    case WorkKind.CancelOrders: CancelOpenOrders(item.Connection!); break;
                }
            }
            catch (Exception e)
            {
                OnError?.Invoke(e);
            }
        }
    }

    private void Events(EventBatch batch)
    {
        try
        {
            _batch = batch;
            for (int i = 0; i < batch.Count; i++)
            {
                try
                {
                    _position = i;
                    Route(batch[i]);
                }
                catch (Exception e)
                {
                    // A bug in one message must not stop the others.
                    OnError?.Invoke(e);
                }
            }
            EndOfBatch(); // depth, bookTicker, ticker, kline, openInterest (WsGateway.MarketData.cs)
        }
        finally
        {
            _batch = default;
            batch.Return();
        }
    }

    // ------------------------------------------------------------------ control

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
                if (key.Kind == StreamKind.PositionUpdate && connection.PrivateReady && _views.TryGetValue(connection.AccountId, out var view))
                {
                    PositionSnapshot(connection, view, key);
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

    private void PositionSnapshot(WsConnection connection, AccountView view, StreamKey key)
    {
        foreach (var (marketId, position) in view.Positions)
        {
            if (key.MarketId != 0 && key.MarketId != marketId) continue;
            _writer.Begin(connection.Format);
            StreamEncoder.BeginStream(_writer, _streamNames[Index(key)]);
            _encoder.Position(_writer, "positionSnapshot"u8, marketId, position, _lastTime, view, _marks);
            StreamEncoder.EndStream(_writer);
            connection.Send(_writer.FinishOne());
        }
    }

    // ------------------------------------------------------------------ events

    private void Route(ReadOnlySpan<byte> frame)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return;
        switch (type)
        {
            case MessageType.OrderAccepted when Read(frame, out OrderAccepted e):
            {
                _lastTime = e.Header.Time;
                var order = OrderInfo.From(e);
                if (Owner(e.RequestId) is { } requester && requester.TryTakePending(e.RequestId, out var pending))
                {
                    order.Conditions = pending.Conditions; // an order with a stop-loss / take-profit
                    if (order.Conditions.HasExits) _conditional.Placed(e.AccountId, order);
                    OrderResult(requester, pending.Id, order, "New"u8);
                }
                if (_views.TryGetValue(e.AccountId, out var view))
                {
                    view.Accepted(order);
                    ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new OrderUpdateBody(_encoder, "orderAccepted"u8, order, "New"u8, e.Header.Time));
                }
                OrderPlaced(e.RequestId, e.AccountId, e.MarketId, e.OrderId); // cancel on disconnect (WsGateway.CancelOnDisconnect.cs)
                break;
            }
            case MessageType.OrderRejected when Read(frame, out OrderRejected e):
            {
                _lastTime = e.Header.Time;
                if (Owner(e.RequestId) is { } requester && requester.TryTakePending(e.RequestId, out var pending)) ErrorReply(requester, pending.Id, e.Reason);
                else OrderRefused(e.RequestId);
                break;
            }
            case MessageType.OrderFilled when Read(frame, out OrderFilled e):
                _lastTime = e.Header.Time;
                _tradeOrders.Note(e); // the trade stream's b and a
                if (e.LeavesQuantity == 0 && _conditional.Count != 0) _conditional.Gone(e.AccountId, e.OrderId, out _);
                if (e.LeavesQuantity == 0) OrderGone(e.OrderId);
                OnFilled(e);
                break;
            case MessageType.OrderCanceled when Read(frame, out OrderCanceled e):
                _lastTime = e.Header.Time;
                OrderGone(e.OrderId);
                OnCanceled(e);
                break;
            case MessageType.OrderReplaced when Read(frame, out OrderReplaced e):
            {
                _lastTime = e.Header.Time;
                if (!_views.TryGetValue(e.AccountId, out var view)) break;
                view.Replaced(e);
                ref var order = ref view.Order(e.OrderId);
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref order)) break;
                ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new OrderUpdateBody(_encoder, "orderModified"u8, order,
                    e.CumulativeQuantity > 0 ? "PartiallyFilled"u8 : "New"u8, e.Header.Time));
                break;
            }
            case MessageType.OrderCancelRejected when Read(frame, out OrderCancelRejected e):
            {
                if (Owner(e.RequestId) is { } requester && requester.TryTakePending(e.RequestId, out var pending)) ErrorReply(requester, pending.Id, e.Reason);
                break;
            }
            case MessageType.CommandAccepted when Read(frame, out CommandAccepted e):
            {
                _lastTime = e.Header.Time; // a Tick's: the clock of the timed streams (ticker, kline, openInterest) moves on
                if (e.CommandType == MessageType.CancelAll && Owner(e.RequestId) is { } requester && requester.TryTakePending(e.RequestId, out var pending))
                {
                    CanceledOrdersResult(requester, pending);
                }
                break;
            }
            case MessageType.CommandRejected when Read(frame, out CommandRejected e):
            {
                if (Owner(e.RequestId) is { } requester && requester.TryTakePending(e.RequestId, out var pending))
                {
                    // A key whose account has not deposited yet: its streams start empty and fill once it does.
                    if (pending.Method == RequestMethod.Authenticate) OpenPrivateStreams(requester, e.AccountId, null, 0);
                    else ErrorReply(requester, pending.Id, e.Reason);
                }
                break;
            }
            case MessageType.OrderSnapshot when Read(frame, out OrderSnapshot e):
                Owner(e.RequestId)?.AddToPending(e.RequestId, e);
                break;
            case MessageType.PositionSnapshot when Read(frame, out PositionSnapshot e):
                Owner(e.RequestId)?.AddToPending(e.RequestId, e);
                break;
            case MessageType.AccountSnapshot when Read(frame, out AccountSnapshot e):
                _lastTime = e.Header.Time;
                OnAccountSnapshot(e);
                break;
            case MessageType.PositionChanged when Read(frame, out PositionChanged e):
            {
                _lastTime = e.Header.Time;
                OnPositionForOpenInterest(e);
                if (!_views.TryGetValue(e.AccountId, out var view)) break;
                long before = view.Positions.TryGetValue(e.MarketId, out var old) ? old.Quantity : 0;
                view.PositionChanged(e);
                ToAccount(view, StreamKind.PositionUpdate, e.MarketId, new PositionBody(_encoder, StreamEncoder.PositionEventOf(before, e.Quantity), e.MarketId, PositionInfo.From(e), e.Header.Time, view, _marks));
                break;
            }
            case MessageType.BalanceChanged when Read(frame, out BalanceChanged e):
                if (_views.TryGetValue(e.AccountId, out var balanceView)) balanceView.Collateral = e.Balance;
                break;
            case MessageType.MarkPrice when Read(frame, out MarkPrice e):
                _lastTime = e.Header.Time;
                if (!_markets.Contains(e.MarketId)) break;
                _marks[e.MarketId] = e.Price;
                _indexes[e.MarketId] = e.IndexPrice;
                Publish(new StreamKey(StreamKind.MarkPrice, e.MarketId), new MarkPriceBody(_encoder, e, _funding[e.MarketId]));
                break;
            case MessageType.BookDelta when Read(frame, out BookDelta e):
                _lastTime = e.Header.Time;
                if (_markets.Contains(e.MarketId)) _books[e.MarketId].Apply(e.Side, e.Price, e.Quantity, e.BookSequence);
                break;
            case MessageType.Trade when Read(frame, out Trade e):
                _lastTime = e.Header.Time;
                OnTrade(e); // trade, and the ticker and candles (WsGateway.MarketData.cs)
                break;
            case MessageType.MarginCall when Read(frame, out MarginCall e):
            {
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountLiquidation, 0, new MarginCallBody(e));
                break;
            }
            case MessageType.LiquidationStarted when Read(frame, out LiquidationStarted e):
            {
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountLiquidation, 0, new LiquidationStartedBody(e));
                break;
            }
            case MessageType.LiquidationFill when Read(frame, out LiquidationFill e):
            {
                _lastTime = e.Header.Time;
                Publish(new StreamKey(StreamKind.Liquidation, 0), new LiquidationBody(_encoder, e, false));
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountLiquidation, 0, new LiquidationBody(_encoder, e, true));
                break;
            }
            case MessageType.LiquidationEnded when Read(frame, out LiquidationEnded e):
            {
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountLiquidation, 0, new LiquidationEndedBody(e));
                break;
            }
            case MessageType.AdlNotice when Read(frame, out AdlNotice e):
            {
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountAdl, 0, new AdlBody(_encoder, e));
                break;
            }
            case MessageType.InsuranceFundChanged when Read(frame, out InsuranceFundChanged e):
                _lastTime = e.Header.Time;
                Publish(new StreamKey(StreamKind.InsuranceFund, 0), new InsuranceFundBody(e));
                break;
            default:
                RouteConditional(type, frame); // triggers and funding (WsGateway.Conditional.cs)
                break;
        }
    }

    /// <summary>Decodes an engine event; one that does not decode is a bug, reported and skipped.</summary>
    private bool Read<T>(ReadOnlySpan<byte> frame, out T e) where T : struct, IProtocolMessage<T>
    {
        if (ProtocolCodec.TryDecode(frame, out e, out var error)) return true;
        OnError?.Invoke(new ProtocolDecodeException(error));
        return false;
    }

    private void OnFilled(in OrderFilled e)
    {
        if (!_views.TryGetValue(e.AccountId, out var view)) return;
        if (view.Filled(e, out var order)) ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new FillBody(_encoder, order, e));
        else ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new OffBookFillBody(_encoder, e));
    }

    private void OnCanceled(in OrderCanceled e)
    {
        var view = _views.GetValueOrDefault(e.AccountId);
        OrderInfo registered = default;
        bool conditional = _conditional.Count != 0 && _conditional.Gone(e.AccountId, e.OrderId, out registered);
        if (view is null || !view.Orders.Remove(e.OrderId, out var order))
        {
            // Not in a view (the account has no connection logged on): what the event tells.
            order = conditional ? registered : new OrderInfo
            {
                MarketId = e.MarketId, OrderId = e.OrderId, ClientOrderId = e.ClientOrderId, Side = e.Side, Price = e.Price,
                Quantity = e.CanceledQuantity + e.CumulativeQuantity, Cumulative = e.CumulativeQuantity,
            };
        }
        var reason = StreamEncoder.ExpiryReasonOf(e.Reason);
        bool expired = !reason.IsEmpty;
        if (Owner(e.RequestId) is { } requester && requester.TryTakePending(e.RequestId, out var pending))
        {
            if (pending.Method == RequestMethod.OrderCancelAll)
            {
                // An orderCancelAll collects its orders until its CommandAccepted.
                (pending.Items ??= []).Add(order);
                requester.AddPending(e.RequestId, pending);
            }
            else
            {
                OrderResult(requester, pending.Id, order, "Cancelled"u8);
            }
        }
        if (view is not null)
        {
            ToAccount(view, StreamKind.OrderUpdate, e.MarketId, new CancelBody(_encoder, order, expired ? "orderExpired"u8 : "orderCancelled"u8,
                expired ? "Expired"u8 : "Cancelled"u8, e.Reason, e.Header.Time));
        }
    }

    private void OnAccountSnapshot(in AccountSnapshot e)
    {
        if (Owner(e.RequestId) is not { } requester || !requester.TryTakePending(e.RequestId, out var pending)) return;
        switch (pending.Method)
        {
            case RequestMethod.Authenticate:
                OpenPrivateStreams(requester, e.AccountId, pending.Items, e.Collateral);
                break;
            case RequestMethod.OrderQueryAll:
            {
                _writer.Begin(requester.Format);
                StreamEncoder.BeginResult(_writer, pending.Id);
                _writer.BeginArray("result"u8);
                Learn(e.AccountId, pending.Items);
                foreach (var item in pending.Items ?? [])
                {
                    if (item is OrderSnapshot o && !o.Pending) // pending ones come from the conditional book below
                    {
                        var order = OrderInfo.From(o);
                        if (_views.TryGetValue(e.AccountId, out var view) && view.Orders.TryGetValue(o.OrderId, out var known)) order.SelfTradePrevention = known.SelfTradePrevention;
                        if (_conditional.TryGet(e.AccountId, o.OrderId, out var conditional)) order.Conditions = conditional.Conditions;
                        _encoder.Order(_writer, order, o.CumulativeQuantity > 0 ? "PartiallyFilled"u8 : "New"u8);
                    }
                }
                foreach (var trigger in _conditional.Of(e.AccountId))
                {
                    if (trigger.Pending && (pending.MarketId == 0 || trigger.MarketId == pending.MarketId)) _encoder.Order(_writer, trigger, "TriggerPending"u8);
                }
                _writer.EndArray();
                StreamEncoder.EndResponse(_writer);
                requester.Send(_writer.FinishOne());
                break;
            }
            case RequestMethod.PositionQuery:
            {
                var view = _views.GetValueOrDefault(e.AccountId) ?? new AccountView(e.AccountId) { Collateral = e.Collateral };
                _writer.Begin(requester.Format);
                StreamEncoder.BeginResult(_writer, pending.Id);
                _writer.BeginArray("result"u8);
                foreach (var item in pending.Items ?? [])
                {
                    if (item is PositionSnapshot p && p.Quantity != 0)
                    {
                        _encoder.PositionObject(_writer, p.MarketId, PositionInfo.From(p), e.Header.Time, view, _marks);
                    }
                }
                _writer.EndArray();
                StreamEncoder.EndResponse(_writer);
                requester.Send(_writer.FinishOne());
                break;
            }
        }
    }

    /// <summary>
    /// Conditional orders the account snapshot lists that this process has not seen placed (it
    /// started after them: a venue recovered from its journal) join the conditional book.
    /// </summary>
    private void Learn(int accountId, List<object>? items)
    {
        foreach (var item in items ?? [])
        {
            if (item is OrderSnapshot { Pending: true } o && !_conditional.TryGet(accountId, o.OrderId, out _)) _conditional.Placed(accountId, OrderInfo.From(o));
        }
    }

    /// <summary>
    /// A logon's account snapshot arrived: the account's view is built from it (unless another
    /// connection of the account keeps one already) and the connection's private streams start.
    /// </summary>
    private void OpenPrivateStreams(WsConnection requester, int accountId, List<object>? items, long collateral)
    {
        if (requester.Closed) return;
        Learn(accountId, items);
        if (!_views.TryGetValue(accountId, out var view))
        {
            view = new AccountView(accountId) { Collateral = collateral };
            foreach (var item in items ?? [])
            {
                if (item is OrderSnapshot { Pending: false } o) view.Orders[o.OrderId] = OrderInfo.From(o);
                else if (item is PositionSnapshot p && p.Quantity != 0)
                {
                    view.Positions[p.MarketId] = PositionInfo.From(p);
                }
            }
            AddConditionalOrders(view);
            _views.Add(accountId, view);
        }
        view.Connections.Add(requester);
        requester.PrivateReady = true;
        foreach (var key in requester.Subscriptions)
        {
            if (key.Kind == StreamKind.PositionUpdate) PositionSnapshot(requester, view, key);
        }
    }

    // ------------------------------------------------------------------ replies

    private WsConnection? Owner(long requestId) =>
        requestId > 0 && RequestTag.FrontEnd(requestId) == RequestTag.WebSocket ? _connections.GetValueOrDefault(RequestTag.Connection(requestId)) : null;

    private void OrderResult(WsConnection connection, RequestId id, in OrderInfo order, ReadOnlySpan<byte> status)
    {
        _writer.Begin(connection.Format);
        StreamEncoder.BeginResult(_writer, id);
        _writer.Name("result"u8);
        _encoder.Order(_writer, order, status);
        StreamEncoder.EndResponse(_writer);
        connection.Send(_writer.FinishOne());
    }

    private void CanceledOrdersResult(WsConnection connection, PendingRequest pending)
    {
        _writer.Begin(connection.Format);
        StreamEncoder.BeginResult(_writer, pending.Id);
        _writer.BeginArray("result"u8);
        foreach (var item in pending.Items ?? [])
        {
            if (item is OrderInfo order) _encoder.Order(_writer, order, "Cancelled"u8);
        }
        _writer.EndArray();
        StreamEncoder.EndResponse(_writer);
        connection.Send(_writer.FinishOne());
    }

    private void ErrorReply(WsConnection connection, RequestId id, RejectReason reason)
    {
        _writer.Begin(connection.Format);
        StreamEncoder.Error(_writer, id, RejectCodes.Of(reason), RejectCodes.Text(reason));
        connection.Send(_writer.FinishOne());
    }

    // ------------------------------------------------------------------ fan-out

    /// <summary>A message body: writes the data object's fields for one event.</summary>
    private interface IBody
    {
        void Write(MessageWriter w);
    }

    /// <summary>Writes a public stream message once per format its subscribers use and queues it to each.</summary>
    private void Publish<TBody>(StreamKey key, in TBody body) where TBody : IBody, allows ref struct
    {
        var subscribers = _subscribers[Index(key)];
        if (subscribers.Count == 0) return;
        bool json = false, pack = false;
        foreach (var c in subscribers)
        {
            if (c.Format == WireFormat.Json) json = true;
            else pack = true;
        }
        _writer.Begin(json, pack);
        StreamEncoder.BeginStream(_writer, _streamNames[Index(key)]);
        body.Write(_writer);
        StreamEncoder.EndStream(_writer);
        var (jsonFrame, packFrame) = _writer.Finish();
        foreach (var c in subscribers)
        {
            c.Enqueue(c.Format == WireFormat.Json ? jsonFrame! : packFrame!);
        }
        jsonFrame?.Release();
        packFrame?.Release();
    }

    /// <summary>Writes a private stream message for each ready connection of the account subscribed to the stream (all markets or this one).</summary>
    private void ToAccount<TBody>(AccountView view, StreamKind kind, int marketId, in TBody body) where TBody : IBody, allows ref struct
    {
        foreach (var c in view.Connections)
        {
            if (!c.PrivateReady) continue;
            StreamKey key;
            if (c.Subscriptions.Contains(new StreamKey(kind, 0))) key = new StreamKey(kind, 0);
            else if (marketId != 0 && c.Subscriptions.Contains(new StreamKey(kind, marketId))) key = new StreamKey(kind, marketId);
            else continue;
            _writer.Begin(c.Format);
            StreamEncoder.BeginStream(_writer, _streamNames[Index(key)]);
            body.Write(_writer);
            StreamEncoder.EndStream(_writer);
            c.Send(_writer.FinishOne());
        }
    }

    private enum WorkKind
    {
        Events,
        Open,
        Close,
        Subscribe,
        Unsubscribe,
        CancelOrders,
    }

    /// <summary>One item for the dispatcher: an engine event batch or a connection's control request.</summary>
    private readonly record struct WorkItem(WorkKind Kind, WsConnection? Connection)
    {
        public EventBatch Batch { get; init; }
        public List<StreamKey>? Streams { get; init; }
        public RequestId Id { get; init; }
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        if (_dispatcher is not null) await _dispatcher.ConfigureAwait(false);
    }
}

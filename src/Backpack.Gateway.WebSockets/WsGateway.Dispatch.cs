using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// The dispatcher thread: engine event batches and the connections' control items (open, close,
/// subscribe, unsubscribe, cancel on disconnect) taken from one queue in order, and each engine event
/// routed to the replies, public streams and private streams it concerns.
/// </summary>
public sealed partial class WsGateway
{
    /// <summary>This gateway's reader of the engine's outbound ring (the runner attaches it).</summary>
    public EventReader Reader { get; } = new("ws-dispatch");

    /// <summary>A batch from outside the ring (a catch-up): copied, and dispatched ahead of the ring's batches.</summary>
    public void OnEvents(FrameBuffer events)
    {
        Post(new WorkItem(WorkKind.Events, null) { Batch = events.Copy() });
    }

    /// <summary>
    /// Follows the engine's ring; the connections' control items queued before a batch are taken
    /// before it (a connection's Open and Subscribe come before the replies to what it sent next).
    /// </summary>
    private void DispatchLoop() => Reader.Follow(Events, RunWork, () => Volatile.Read(ref _backlog) > 0);

    private bool RunWork()
    {
        bool any = false;
        while (_work.Reader.TryRead(out var item))
        {
            any = true;
            Interlocked.Decrement(ref _backlog);
            try
            {
                switch (item.Kind)
                {
                    case WorkKind.Events: Events(item.Batch!); break;
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
        return any;
    }

    private void Events(FrameBuffer batch)
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
            _batch = null;
        }
    }

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
                    StreamEncoder.StatusOf(order.Progress.Status), e.Header.Time));
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
            case MessageType.LiquidationStep when Read(frame, out LiquidationStep e):
            {
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountLiquidation, 0, new LiquidationStepBody(_encoder, e));
                break;
            }
            case MessageType.UnsettledEquityCovered when Read(frame, out UnsettledEquityCovered e):
            {
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountLiquidation, 0, new UnsettledEquityBody(e));
                break;
            }
            case MessageType.AdlNotice when Read(frame, out AdlNotice e):
            {
                if (_views.TryGetValue(e.AccountId, out var view)) ToAccount(view, StreamKind.AccountAdl, 0, new AdlBody(_encoder, e));
                break;
            }
            case MessageType.AdlQueueBand when Read(frame, out AdlQueueBand e):
                OnAdlQueueBand(e); // WsGateway.AdlQueue.cs
                break;
            case MessageType.AdlQueuePosition when Read(frame, out AdlQueuePosition e):
                OnAdlQueuePosition(e);
                break;
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
        public FrameBuffer? Batch { get; init; }
        public List<StreamKey>? Streams { get; init; }
        public RequestId Id { get; init; }
    }
}

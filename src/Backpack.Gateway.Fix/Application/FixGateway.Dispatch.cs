using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The dispatcher: engine event batches (and market data requests) queued for the dispatcher
/// thread, each event routed to the sessions it concerns, and each touched session flushed once a batch.
/// </summary>
public sealed partial class FixGateway
{
    // ------------------------------------------------------------------ events from the engine

    /// <summary>Called on the engine's releasing thread: shares the batch (the dispatcher returns it when done) and returns at once.</summary>
    public void OnEvents(FrameBuffer events)
    {
        var batch = EventBatch.Share(events);
        if (_events.Writer.TryWrite(new DispatchItem(batch, null))) Interlocked.Increment(ref _backlog);
        else batch.Return(); // stopped
    }

    private void PostMarketData(MarketDataWork work)
    {
        if (_events.Writer.TryWrite(new DispatchItem(default, work))) Interlocked.Increment(ref _backlog);
    }

    /// <summary>What the dispatcher takes: an event batch, or a market data request or logout (<see cref="Work"/> set).</summary>
    private readonly record struct DispatchItem(EventBatch Batch, MarketDataWork? Work);

    /// <summary>
    /// The dispatcher thread: takes event batches in engine order and turns them into FIX messages
    /// for the sessions concerned, with the market data incrementals of each batch after them; market
    /// data requests come through the same queue, so a snapshot sits between two batches. (It blocks
    /// when idle: spinning here competes with the engine thread on a small machine.)
    /// </summary>
    private void DispatchLoop()
    {
        var reader = _events.Reader;
        long lastSequence;
        while (true)
        {
            if (!EventBatch.Take(reader, out var item)) return;
            Interlocked.Decrement(ref _backlog);
            if (item.Work is { } work)
            {
                try
                {
                    ServeMarketData(work);
                }
                catch (Exception e)
                {
                    OnError?.Invoke(e);
                }
                FlushTouched();
                continue;
            }
            {
                var batch = item.Batch;
                try
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        try
                        {
                            Route(batch[i]);
                        }
                        catch (Exception e)
                        {
                            // A bug in one report must not stop the reports of every session.
                            OnError?.Invoke(e);
                        }
                    }
                }
                finally
                {
                    lastSequence = batch.Count > 0 && EventHeader.TryRead(batch[batch.Count - 1], out var header) ? header.Sequence : -1;
                    batch.Return();
                }
                try
                {
                    PublishMarketData();
                }
                catch (Exception e)
                {
                    OnError?.Invoke(e);
                }
                FlushTouched();
                // Every event of the batch is in the stores now.
                if (lastSequence >= 0) Applied?.Record(lastSequence);
            }
        }
    }

    /// <summary>Each session's messages go to its store and then to its socket in one write (no lock held while they do).</summary>
    private void FlushTouched()
    {
        foreach (var state in _touched)
        {
            state.Session.Flush();
        }
        _touched.Clear();
    }

    private void Route(ReadOnlySpan<byte> frame)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return;
        switch (type)
        {
            case MessageType.OrderAccepted:
            {
                if (!Read(frame, out OrderAccepted e)) break;
                if (Owner(e.ClientOrderId) is { } s) lock (Touch(s)) OnAccepted(s, e);
                break;
            }
            case MessageType.OrderRejected:
            {
                if (!Read(frame, out OrderRejected e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnRejected(s, e);
                break;
            }
            case MessageType.OrderFilled:
            {
                if (!Read(frame, out OrderFilled e)) break;
                RememberFill(e);
                if (e.Origin == OrderOrigin.User)
                {
                    if (OwnerOf(e.AccountId, e.ClientOrderId, e.OrderId) is { } s) lock (Touch(s)) OnFilled(s, e);
                }
                else
                {
                    foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnForcedFill(s, e);
                }
                break;
            }
            case MessageType.OrderCanceled:
            {
                if (!Read(frame, out OrderCanceled e)) break;
                if (OwnerOf(e.AccountId, e.ClientOrderId, e.OrderId) is { } s) lock (Touch(s)) OnCanceled(s, e);
                break;
            }
            case MessageType.OrderReplaced:
            {
                if (!Read(frame, out OrderReplaced e)) break;
                if ((OwnerOf(e.AccountId, e.OriginalClientOrderId, e.OrderId) ?? Owner(e.ClientOrderId)) is { } s) lock (Touch(s)) OnReplaced(s, e);
                break;
            }
            case MessageType.OrderCancelRejected:
            {
                if (!Read(frame, out OrderCancelRejected e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnCancelRejected(s, e);
                break;
            }
            case MessageType.CommandAccepted:
            {
                if (!Read(frame, out CommandAccepted e)) break;
                if (e.CommandType == MessageType.CancelAll && Owner(e.RequestId) is { } s) lock (Touch(s)) OnMassCanceled(s, e.RequestId, e.Count);
                break;
            }
            case MessageType.CommandRejected:
            {
                if (!Read(frame, out CommandRejected e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnCommandRejected(s, e);
                break;
            }
            case MessageType.PositionSnapshot:
            {
                if (!Read(frame, out PositionSnapshot e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) s.Orders.Pending(e.RequestId)?.Positions?.Add(e);
                break;
            }
            case MessageType.OrderSnapshot:
            {
                if (!Read(frame, out OrderSnapshot e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) s.Orders.Pending(e.RequestId)?.MassStatus?.Orders.Add(e);
                break;
            }
            case MessageType.AccountSnapshot:
            {
                if (!Read(frame, out AccountSnapshot e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnPositions(s, e);
                break;
            }
            case MessageType.PositionChanged:
            {
                if (!Read(frame, out PositionChanged e) || e.LiquidationId == 0) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnForcedPosition(s, e);
                break;
            }
            case MessageType.MarginCall:
            {
                if (!Read(frame, out MarginCall e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnMarginCall(s, e);
                break;
            }
            case MessageType.LiquidationStarted:
            {
                if (!Read(frame, out LiquidationStarted e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnLiquidationStarted(s, e);
                break;
            }
            case MessageType.LiquidationEnded:
            {
                if (!Read(frame, out LiquidationEnded e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnLiquidationEnded(s, e);
                break;
            }
            case MessageType.AdlNotice:
            {
                if (!Read(frame, out AdlNotice e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnAdlNotice(s, e);
                break;
            }
            case MessageType.BookDelta:
            case MessageType.Trade:
                RouteMarketData(type, frame);
                break;
            default:
                RouteConditional(type, frame);
                break;
        }
        if (_dropCopies.Count > 0) RouteDropCopy(type, frame);
    }

    private FixSessionState? Owner(long taggedId) =>
        taggedId > 0 && RequestTag.FrontEnd(taggedId) == RequestTag.Fix ? _byNumber.GetValueOrDefault(RequestTag.Connection(taggedId)) : null;

    private List<FixSessionState> SessionsOf(int account) => _byAccount.TryGetValue(account, out var list) ? list : NoSessions;

    private static readonly List<FixSessionState> NoSessions = [];

    /// <summary>Marks the session for the flush at the end of the batch and returns the lock to hold while writing to it.</summary>
    private object Touch(FixSessionState state)
    {
        _touched.Add(state);
        return state.Session.Lock;
    }

    /// <summary>Decodes an engine event; one that does not decode is a bug, reported and skipped.</summary>
    private bool Read<T>(ReadOnlySpan<byte> frame, out T e) where T : struct, IProtocolMessage<T>
    {
        if (ProtocolCodec.TryDecode(frame, out e, out var error)) return true;
        OnError?.Invoke(new ProtocolDecodeException(error));
        return false;
    }
}

using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The dispatcher: engine event batches read from the outbound ring (and market data requests
/// queued) on the dispatcher thread, each event routed to the sessions it concerns, and each touched session flushed once a batch.
/// </summary>
public sealed partial class FixGateway
{
    // ------------------------------------------------------------------ events from the engine

    /// <summary>This gateway's reader of the engine's outbound ring (the runner attaches it).</summary>
    public EventReader Reader { get; } = new("fix-dispatch");

    /// <summary>
    /// A batch from outside the ring (the catch-up replayed at start): copied, and dispatched ahead
    /// of the ring's batches.
    /// </summary>
    public void OnEvents(FrameBuffer events)
    {
        Post(new DispatchItem(events.Copy(), null));
    }

    private void PostMarketData(MarketDataWork work) => Post(new DispatchItem(null, work));

    private void Post(DispatchItem item)
    {
        if (!_work.Writer.TryWrite(item)) return; // stopped
        Interlocked.Increment(ref _backlog);
        Reader.Wake();
    }

    /// <summary>What the dispatcher takes besides the ring: a catch-up batch, or a market data request or logout (<see cref="Work"/> set).</summary>
    private readonly record struct DispatchItem(FrameBuffer? Batch, MarketDataWork? Work);

    /// <summary>
    /// The dispatcher thread: follows the engine's ring in engine order and turns each batch into FIX
    /// messages for the sessions concerned, with the market data incrementals of each batch after
    /// them. Market data requests (from the sessions' threads) are taken before each batch, so a
    /// snapshot sits between two batches. (It blocks when idle: spinning here competes with the
    /// engine thread on a small machine.)
    /// </summary>
    private void DispatchLoop() => Reader.Follow(DispatchBatch, RunWork, () => Volatile.Read(ref _backlog) > 0);

    private bool RunWork()
    {
        bool any = false;
        while (_work.Reader.TryRead(out var item))
        {
            any = true;
            Interlocked.Decrement(ref _backlog);
            if (item.Batch is { } batch)
            {
                DispatchBatch(batch);
                continue;
            }
            try
            {
                ServeMarketData(item.Work!);
            }
            catch (Exception e)
            {
                OnError?.Invoke(e);
            }
            FlushTouched();
        }
        return any;
    }

    private void DispatchBatch(FrameBuffer batch)
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
        long lastSequence = batch.Count > 0 && EventHeader.TryRead(batch[batch.Count - 1], out var header) ? header.Sequence : -1;
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
            case MessageType.LiquidationStep:
            {
                if (!Read(frame, out LiquidationStep e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnLiquidationStep(s, e);
                break;
            }
            case MessageType.UnsettledEquityCovered:
            {
                if (!Read(frame, out UnsettledEquityCovered e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnUnsettledEquityCovered(s, e);
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

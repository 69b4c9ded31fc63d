using System.Collections.Concurrent;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Rest.Orders;

/// <summary>
/// Where REST requests meet the engine: hands commands to the sequencer with request ids tagged as
/// REST's (<see cref="RequestTag.Rest"/>), follows the event stream on a thread of its own, and
/// completes each request's <see cref="DeskTicket"/> once the batch that holds its command's events
/// has been read (a command's events never span two batches).
/// </summary>
public sealed class OrderDesk(ICommandSubmitter submitter) : EventFollower("rest-desk")
{
    private readonly ConcurrentDictionary<long, DeskTicket> _open = new();
    // Follower thread only: the orders accepted in the batch being read, and the tickets it touched.
    private readonly Dictionary<long, DeskTicket> _byOrder = [];
    private readonly List<DeskTicket> _touched = [];
    private long _counter;

    /// <summary>Requests waiting for the engine.</summary>
    public int Waiting => _open.Count;

    public long NextRequestId() => RequestTag.Make(RequestTag.Rest, 0, Interlocked.Increment(ref _counter));

    /// <summary>
    /// Submits a command whose request id is <paramref name="requestId"/> (encoded straight into its
    /// ring slot, after waiting while the ring is full as every front end does, CommandWait); the
    /// ticket completes with the engine's answer. Null when the ring stayed full.
    /// </summary>
    public DeskTicket? Submit<T>(long requestId, DeskRequest kind, in T command) where T : struct, IProtocolMessage<T>
    {
        var ticket = new DeskTicket(requestId, kind);
        _open[requestId] = ticket; // before the command: its events may be read before TrySubmit returns
        if (CommandWait.Submit(submitter, command)) return ticket;
        _open.TryRemove(requestId, out _);
        return null;
    }

    /// <summary>Stops waiting for a request (its caller gave up); a late answer is dropped.</summary>
    public void Forget(long requestId) => _open.TryRemove(requestId, out _);

    /// <summary>The engine sequence of the last event batch the desk has read.</summary>
    public long Published => Interlocked.Read(ref _published);
    private long _published;

    public override void Apply(Protocol.Framing.FrameBuffer batch)
    {
        if (batch.Count > 0 && EventHeader.TryRead(batch[batch.Count - 1], out var last)) Interlocked.Exchange(ref _published, last.Sequence);
        if (_open.IsEmpty) return; // nothing waits: no event of this batch can answer a request submitted later
        long command = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            // A batch holds many commands: an order's fills and expiry count only within its own command.
            if (EventHeader.TryRead(batch[i], out var header) && header.Sequence != command)
            {
                command = header.Sequence;
                _byOrder.Clear();
            }
            Read(batch[i]);
        }
        foreach (var ticket in _touched)
        {
            _open.TryRemove(ticket.RequestId, out _);
            ticket.TrySetResult(ticket);
        }
        _touched.Clear();
        _byOrder.Clear();
    }

    private void Read(ReadOnlySpan<byte> frame)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return;
        switch (type)
        {
            case MessageType.OrderAccepted:
            {
                var e = ProtocolCodec.Decode<OrderAccepted>(frame);
                if (Find(e.RequestId) is { } t)
                {
                    t.Accepted = e;
                    _byOrder[e.OrderId] = t;
                }
                break;
            }
            case MessageType.TriggerPlaced:
            {
                var e = ProtocolCodec.Decode<TriggerPlaced>(frame);
                if (Find(e.RequestId) is { } t) t.Placed = e;
                break;
            }
            case MessageType.OrderRejected:
            {
                var e = ProtocolCodec.Decode<OrderRejected>(frame);
                if (Find(e.RequestId) is { } t) t.Rejected = e.Reason;
                break;
            }
            case MessageType.OrderFilled when _byOrder.Count != 0:
            {
                var e = ProtocolCodec.Decode<OrderFilled>(frame);
                if (_byOrder.TryGetValue(e.OrderId, out var t))
                {
                    t.Filled = e.CumulativeQuantity;
                    t.FilledQuote = e.CumulativeQuote;
                }
                break;
            }
            case MessageType.OrderCanceled:
            {
                var e = ProtocolCodec.Decode<OrderCanceled>(frame);
                if (Find(e.RequestId) is { } t) t.Canceled.Add(e);
                else if (_byOrder.TryGetValue(e.OrderId, out var placed)) placed.EndedBy = e.Reason;
                break;
            }
            case MessageType.OrderCancelRejected:
            {
                var e = ProtocolCodec.Decode<OrderCancelRejected>(frame);
                if (Find(e.RequestId) is { } t) t.Rejected = e.Reason;
                break;
            }
            case MessageType.CommandRejected:
            {
                var e = ProtocolCodec.Decode<CommandRejected>(frame);
                if (Find(e.RequestId) is { } t) t.Rejected = e.Reason;
                break;
            }
            case MessageType.CommandAccepted:
                Find(ProtocolCodec.Decode<CommandAccepted>(frame).RequestId);
                break;
            case MessageType.OrderSnapshot:
            {
                var e = ProtocolCodec.Decode<OrderSnapshot>(frame);
                Find(e.RequestId)?.Orders.Add(e);
                break;
            }
            case MessageType.PositionSnapshot:
            {
                var e = ProtocolCodec.Decode<PositionSnapshot>(frame);
                Find(e.RequestId)?.Positions.Add(e);
                break;
            }
            case MessageType.AccountSnapshot:
            {
                var e = ProtocolCodec.Decode<AccountSnapshot>(frame);
                if (Find(e.RequestId) is { } t) t.Account = e;
                break;
            }
        }
    }

    /// <summary>The open ticket of a REST request id, marked as answered in this batch; null for anyone else's.</summary>
    private DeskTicket? Find(long requestId)
    {
        if (requestId <= 0 || RequestTag.FrontEnd(requestId) != RequestTag.Rest || !_open.TryGetValue(requestId, out var ticket)) return null;
        if (!_touched.Contains(ticket)) _touched.Add(ticket);
        return ticket;
    }
}

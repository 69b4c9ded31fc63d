using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Rest.Orders;

/// <summary>What a REST request asks of the engine, and so which events answer it.</summary>
public enum DeskRequest
{
    /// <summary>NewOrder or NewTriggerOrder: its acceptance (or rejection) and what happened to it in the same command.</summary>
    Order,
    /// <summary>CancelOrder: the OrderCanceled, or the OrderCancelRejected.</summary>
    Cancel,
    /// <summary>CancelAll: every OrderCanceled, closed by CommandAccepted.</summary>
    CancelAll,
    /// <summary>QueryAccount: the OrderSnapshot and PositionSnapshot events, closed by the AccountSnapshot.</summary>
    Query,
}

/// <summary>
/// One REST request on its way through the engine: the desk fills it in from the events that carry
/// its request id (and, for an order, the fills and expiry of that order in the same command) and
/// completes it at the end of the event batch, when the command's events are all in.
/// </summary>
public sealed class DeskTicket(long requestId, DeskRequest kind) : TaskCompletionSource<DeskTicket>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public long RequestId { get; } = requestId;
    public DeskRequest Kind { get; } = kind;

    /// <summary>Why the engine refused the request; None when it did not.</summary>
    public RejectReason Rejected { get; internal set; }

    /// <summary>The order as accepted (order requests); null when rejected or placed as a pending trigger order.</summary>
    public OrderAccepted? Accepted { get; internal set; }

    /// <summary>The conditional order as placed, waiting for its trigger.</summary>
    public TriggerPlaced? Placed { get; internal set; }

    /// <summary>Quantity filled and its notional (micro-USDC) within the command.</summary>
    public long Filled { get; internal set; }
    public long FilledQuote { get; internal set; }

    /// <summary>Set when the order left the book in the same command without filling completely (an IOC's rest, a fill-or-kill).</summary>
    public CancelReason? EndedBy { get; internal set; }

    /// <summary>Orders this request canceled (Cancel, CancelAll).</summary>
    public List<OrderCanceled> Canceled { get; } = [];

    /// <summary>The account snapshot (Query).</summary>
    public List<OrderSnapshot> Orders { get; } = [];
    public List<PositionSnapshot> Positions { get; } = [];
    public AccountSnapshot? Account { get; internal set; }

    /// <summary>The order id the order requests got, for the fills that follow its acceptance.</summary>
    internal long OrderId => Accepted?.OrderId ?? 0;
}

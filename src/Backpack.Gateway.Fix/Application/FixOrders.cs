using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Orders;

namespace Backpack.Gateway.Fix.Application;

/// <summary>An order a FIX session placed, as the session knows it.</summary>
public sealed class FixOrder
{
    public required string ClOrdId { get; set; }
    public string? OrigClOrdId { get; set; }
    public required long ClientOrderId { get; set; }
    public long OrderId { get; set; }
    public required int AccountId { get; init; }
    public required int MarketId { get; init; }
    public required Side Side { get; init; }
    public required OrderType Type { get; init; }
    public required TimeInForce TimeInForce { get; init; }
    public long Price { get; set; }

    /// <summary>Quantities, fills and status, kept by the order tracker the WebSocket API uses too.</summary>
    public OrderProgress Progress;

    public long Quantity => Progress.Quantity;
    public long CumQty => Progress.Cumulative;
    public long CumQuote => Progress.CumulativeQuote;
    public long Leaves => Progress.Leaves;

    /// <summary>FIX OrdStatus: A pending new, 0 new, 1 partially filled, 2 filled, 4 canceled, 8 rejected, C expired.</summary>
    public char OrdStatus => Progress.Status switch
    {
        OrderStatus.PendingNew => 'A',
        OrderStatus.New => '0',
        OrderStatus.PartiallyFilled => '1',
        OrderStatus.Filled => '2',
        OrderStatus.Canceled => '4',
        OrderStatus.Expired => 'C',
        _ => '8',
    };

    /// <summary>Trigger price in ticks of a stop / take-profit order or leg; 0 for an ordinary order.</summary>
    public long TriggerPrice { get; init; }
    public TriggerSource TriggerBy { get; init; }
    public TriggerKind Kind { get; init; }

    /// <summary>For a stop-loss / take-profit leg: the engine order id and ClOrdID of the order whose fills armed it.</summary>
    public long ParentOrderId { get; init; }
    public string? ParentClOrdId { get; init; }

    /// <summary>A conditional order whose price crossed its trigger: it is (or was) a live order.</summary>
    public bool Triggered { get; set; }

    /// <summary>A cancel was sent for it because its session disconnected (cancel on disconnect).</summary>
    public bool CanceledOnDisconnect { get; set; }

    /// <summary>FIX OrdType: 1 market, 2 limit, 3 stop (fires as a market order), 4 stop limit.</summary>
    public char FixOrdType => TriggerPrice == 0 ? (Type == OrderType.Market ? '1' : '2') : (Type == OrderType.Market ? '3' : '4');

    public bool IsDone => OrdStatus is '2' or '4' or '8' or 'C';
}

public enum PendingKind
{
    New,
    Cancel,
    Replace,
    MassCancel,
    Positions,
    MassStatus,
}

/// <summary>A request sent to the engine, waiting for its reply (keyed by request id).</summary>
public sealed class PendingRequest
{
    public required PendingKind Kind { get; init; }
    public required string ClOrdId { get; init; }
    public string? OrigClOrdId { get; init; }
    public FixOrder? Order { get; init; }
    public long NewClientOrderId { get; init; }
    public char MassCancelType { get; init; }
    public int AccountId { get; init; }
    public List<Protocol.Events.PositionSnapshot>? Positions { get; set; }
    public MassStatusQuery? MassStatus { get; init; }
}

/// <summary>
/// A session's orders: by current ClOrdID, by the session's client order id (a stop-loss /
/// take-profit leg, which the engine made without one, by minus its order id), by engine order
/// id; every ClOrdID it has used (duplicates are refused); requests waiting for replies. Finished
/// orders are kept for status requests until <see cref="MaxFinished"/> of them pile up.
/// </summary>
public sealed class FixOrders
{
    private readonly Dictionary<string, FixOrder> _byClOrdId = new(StringComparer.Ordinal);
    private readonly Dictionary<long, FixOrder> _byClientOrderId = [];
    private readonly Dictionary<long, FixOrder> _byOrderId = [];
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly Queue<FixOrder> _finished = new();

    public int MaxFinished { get; set; } = 100_000;

    public bool IsUsed(string clOrdId) => _used.Contains(clOrdId);

    public void Add(FixOrder order)
    {
        _used.Add(order.ClOrdId);
        _byClOrdId[order.ClOrdId] = order;
        _byClientOrderId[order.ClientOrderId] = order;
    }

    public FixOrder? ByClOrdId(string clOrdId) => _byClOrdId.GetValueOrDefault(clOrdId);
    public FixOrder? ByClientOrderId(long id) => _byClientOrderId.GetValueOrDefault(id);
    public FixOrder? ByOrderId(long orderId) => _byOrderId.GetValueOrDefault(orderId);

    public void Accepted(FixOrder order, long orderId)
    {
        order.OrderId = orderId;
        _byOrderId[orderId] = order;
    }

    /// <summary>The order now goes by a new ClOrdID and client order id (after a replace).</summary>
    public void Renamed(FixOrder order, string clOrdId, long clientOrderId)
    {
        _used.Add(clOrdId);
        order.OrigClOrdId = order.ClOrdId;
        order.ClOrdId = clOrdId;
        _byClOrdId[clOrdId] = order;
        _byClientOrderId.Remove(order.ClientOrderId);
        order.ClientOrderId = clientOrderId;
        _byClientOrderId[clientOrderId] = order;
    }

    public void UseClOrdId(string clOrdId) => _used.Add(clOrdId);

    /// <summary>The orders that are not done yet, each once (a cold path: it walks the finished ones kept for status requests too).</summary>
    public List<FixOrder> Open()
    {
        var open = new List<FixOrder>();
        foreach (var order in _byClientOrderId.Values)
        {
            if (!order.IsDone) open.Add(order);
        }
        return open;
    }

    public void Finished(FixOrder order)
    {
        _finished.Enqueue(order);
        while (_finished.Count > MaxFinished)
        {
            var old = _finished.Dequeue();
            _byClOrdId.Remove(old.ClOrdId);
            if (old.OrigClOrdId is not null && _byClOrdId.GetValueOrDefault(old.OrigClOrdId) == old) _byClOrdId.Remove(old.OrigClOrdId);
            _byClientOrderId.Remove(old.ClientOrderId);
            if (old.OrderId != 0) _byOrderId.Remove(old.OrderId);
        }
    }

    public void AddPending(long requestId, PendingRequest request) => _pending[requestId] = request;

    public PendingRequest? Pending(long requestId) => _pending.GetValueOrDefault(requestId);

    public PendingRequest? TakePending(long requestId) => _pending.Remove(requestId, out var p) ? p : null;
}

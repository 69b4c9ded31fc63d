namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// The conditional orders of every account, whether a connection of it is logged on or not: the
/// pending trigger orders and legs (the engine's account snapshot does not list them) and the live
/// orders whose trigger or stop-loss / take-profit terms the snapshot cannot carry. A logon copies
/// them into the account's new view, and orderQueryAll answers with them. Kept from the event
/// stream by the dispatcher thread alone; an order leaves when it fails, is canceled or fills
/// completely. Orders that were pending before this process started (an engine recovered from its
/// journal) join it from the account snapshot of the account's first logon or order query.
/// </summary>
internal sealed class ConditionalOrderBook
{
    private readonly Dictionary<int, Dictionary<long, OrderInfo>> _accounts = [];

    /// <summary>Orders known, over all accounts.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Records a placed (or, for a leg its parent's fill enlarged, placed again) conditional order;
    /// returns it as recorded: a leg placed again keeps its creation time.
    /// </summary>
    public OrderInfo Placed(int accountId, in OrderInfo order)
    {
        var orders = Orders(accountId);
        var recorded = order;
        if (orders.TryGetValue(order.OrderId, out var earlier)) recorded.CreatedAt = earlier.CreatedAt;
        else Count++;
        orders[order.OrderId] = recorded;
        return recorded;
    }

    /// <summary>A pending order fired: it is a live order now.</summary>
    public void Fired(int accountId, long orderId)
    {
        if (_accounts.TryGetValue(accountId, out var orders) && orders.TryGetValue(orderId, out var order))
        {
            order.Pending = false;
            orders[orderId] = order;
        }
    }

    /// <summary>The order left (failed, canceled or filled): forgets it; false if it was not known.</summary>
    public bool Gone(int accountId, long orderId, out OrderInfo order)
    {
        order = default;
        if (!_accounts.TryGetValue(accountId, out var orders) || !orders.Remove(orderId, out order)) return false;
        Count--;
        if (orders.Count == 0) _accounts.Remove(accountId);
        return true;
    }

    public bool TryGet(int accountId, long orderId, out OrderInfo order)
    {
        order = default;
        return _accounts.TryGetValue(accountId, out var orders) && orders.TryGetValue(orderId, out order);
    }

    /// <summary>The account's orders (none: empty).</summary>
    public IEnumerable<OrderInfo> Of(int accountId) => _accounts.TryGetValue(accountId, out var orders) ? orders.Values : [];

    private Dictionary<long, OrderInfo> Orders(int accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var orders)) _accounts[accountId] = orders = [];
        return orders;
    }
}

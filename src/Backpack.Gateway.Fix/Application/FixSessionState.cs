using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Fix.Application;

/// <summary>What the gateway keeps per FIX session: its orders, order log, command buffer and id counters.</summary>
internal sealed class FixSessionState(FixSession session, FixOrderLog orderLog, long now)
{
    // Counters start from the clock so ids stay unique across restarts of the gateway: the tagged
    // ids have 40 bits of counter, so they start from the time in milliseconds (2^40 ms is 34
    // years) and stay ahead of an earlier run's ids while a session averages fewer than 1,000
    // ids a millisecond; ExecIDs start from the time in microseconds.
    private long _orderCounter = now / 1000;
    private long _requestCounter = now / 1000;
    private long _execCounter = now;

    public FixSession Session { get; } = session;
    public FixOrders Orders { get; } = new();
    public FixOrderLog OrderLog { get; } = orderLog;

    private int Number => Session.Settings.Number;

    public long NextClientOrderId() => RequestTag.Make(RequestTag.Fix, Number, ++_orderCounter);

    /// <summary>Keeps new client order ids above <paramref name="used"/> (an id of this session from an earlier run).</summary>
    public void AdvanceOrderCounter(long used) => _orderCounter = Math.Max(_orderCounter, RequestTag.Counter(used));
    public long NextRequestId() => RequestTag.Make(RequestTag.Fix, Number, ++_requestCounter);
    public ExecId NextExecId() => new('X', Number, ++_execCounter, -1);
    public ExecId NextExecId(long sequence) => new('E', sequence, Number, ++_execCounter);

    /// <summary>
    /// After a recovery: the session's ClOrdIDs (from its order log) are used again, its order counter
    /// moves past the last run's, and its open orders (as the engine holds them) are known again by
    /// their ClOrdIDs, renamed by each replace as they were before the restart.
    /// </summary>
    internal static void Restore(FixSessionState state, Func<int, IReadOnlyList<OrderSnapshot>> openOrders)
    {
        state.AdvanceOrderCounter(state.OrderLog.MaxClientOrderId);
        foreach (string clOrdId in state.OrderLog.ClOrdIds) state.Orders.UseClOrdId(clOrdId);
        foreach (int account in state.Session.Settings.Accounts)
        {
            foreach (var o in openOrders(account))
            {
                var chain = state.OrderLog.Chain(o.ClientOrderId);
                if (chain.Count == 0) continue; // not this session's
                // Known by its first ClOrdID, then renamed by each replace, as it was before the restart.
                var order = FixGateway.FromSnapshot(o);
                order.ClOrdId = chain[0].ClOrdId;
                order.ClientOrderId = chain[0].ClientOrderId;
                state.Orders.Add(order);
                for (int i = 1; i < chain.Count; i++) state.Orders.Renamed(order, chain[i].ClOrdId, chain[i].ClientOrderId);
                state.Orders.Accepted(order, o.OrderId);
            }
        }
    }
}

using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Fix.Application;

/// <summary>One fill of an account (prices in ticks, quantities in lots, fee in micro-USDC, time in engine microseconds).</summary>
public readonly record struct FixFill(int AccountId, int MarketId, long TradeId, long OrderId, long ClientOrderId, Side Side, long Price, long Quantity,
    long Fee, Liquidity Liquidity, OrderOrigin Origin, long LiquidationId, long Time);

/// <summary>Where TradeCaptureReportRequest reads an account's fills (the host's history database).</summary>
public interface IFillHistory
{
    /// <summary>The account's fills in <paramref name="marketId"/> (0 = every market) with from &lt;= time &lt; to, newest first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<FixFill> Fills(int account, int marketId, long from, long to, int limit);
}

/// <summary>
/// The newest fills of each account with a FIX session, kept by the gateway from the engine's
/// events since it started (at most <see cref="PerAccount"/> per account): the trade capture
/// answers from it alone without a history database, and from it and the database together with
/// one (it covers the fills the database's projection has not written yet).
/// </summary>
public sealed class RecentFills(int perAccount) : IFillHistory
{
    private readonly Dictionary<int, Queue<FixFill>> _byAccount = [];
    private readonly object _lock = new();

    public int PerAccount { get; } = perAccount;

    public void Add(in FixFill fill)
    {
        lock (_lock)
        {
            if (!_byAccount.TryGetValue(fill.AccountId, out var fills)) _byAccount[fill.AccountId] = fills = new Queue<FixFill>();
            if (fills.Count == PerAccount) fills.Dequeue();
            fills.Enqueue(fill);
        }
    }

    public IReadOnlyList<FixFill> Fills(int account, int marketId, long from, long to, int limit)
    {
        lock (_lock)
        {
            if (!_byAccount.TryGetValue(account, out var fills)) return [];
            return fills.Where(f => (marketId == 0 || f.MarketId == marketId) && f.Time >= from && f.Time < to).Reverse().Take(limit).ToList();
        }
    }
}

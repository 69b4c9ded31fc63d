namespace Backpack.Gateway.Engine.Tests;

/// <summary>The money and open-interest invariants every property test checks after its commands.</summary>
internal static class MoneyInvariants
{
    /// <summary>
    /// Cash is conserved (collateral - cost basis + fee income = deposits - withdrawals; with the
    /// long and short quantities equal in every market, unrealized PnL at any common price sums to
    /// minus the cost basis) and long open interest equals short open interest in every market.
    /// </summary>
    public static void Check(MatchingEngine engine)
    {
        long cash = engine.FeeIncome;
        var longOi = new long[engine.Markets.Count + 1];
        var shortOi = new long[engine.Markets.Count + 1];
        foreach (int id in engine.AccountIds())
        {
            var a = engine.GetAccount(id)!;
            cash += a.Collateral;
            foreach (var p in a.Positions)
            {
                cash -= p.Cost;
                if (p.Quantity > 0) longOi[p.MarketId] += p.Quantity;
                else shortOi[p.MarketId] -= p.Quantity;
            }
        }
        Assert.Equal(longOi, shortOi);
        Assert.Equal(engine.TotalDeposits - engine.TotalWithdrawals, cash);
    }
}

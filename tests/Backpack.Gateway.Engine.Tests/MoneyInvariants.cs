namespace Backpack.Gateway.Engine.Tests;

/// <summary>The money and open-interest invariants every property test checks after its commands.</summary>
internal static class MoneyInvariants
{
    /// <summary>
    /// Cash is conserved (collateral - cost basis + fee income = deposits - withdrawals; with the
    /// long and short quantities equal in every market, unrealized PnL at any common price sums to
    /// minus the cost basis) and long open interest equals short open interest in every market,
    /// as <see cref="MatchingEngine.Summarize"/> reports them.
    /// </summary>
    public static void Check(MatchingEngine engine)
    {
        var summary = engine.Summarize();
        Assert.Equal(summary.Markets.Select(m => m.LongOpenInterest), summary.Markets.Select(m => m.ShortOpenInterest));
        Assert.True(summary.OpenInterestBalanced);
        Assert.Equal(0, summary.CashDiscrepancy);
        Assert.Equal(engine.TotalDeposits - engine.TotalWithdrawals, summary.TotalDeposits - summary.TotalWithdrawals);
    }
}

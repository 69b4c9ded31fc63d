using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The money and open-interest invariants every property test checks after its commands. The money
/// that came in and went out is counted here, from the deposit and withdrawal events the engine
/// emitted, not taken from the engine's own counters, so a counter that drifts with the cash it
/// counts is still caught.
/// </summary>
internal sealed class MoneyInvariants
{
    /// <summary>Sum of the deposit events' changes.</summary>
    public long Deposited { get; private set; }

    /// <summary>Sum of the withdrawal events' changes, as a positive amount.</summary>
    public long Withdrawn { get; private set; }

    public void Observe(object message)
    {
        if (message is not BalanceChanged b) return;
        if (b.Reason == BalanceChangeReason.Deposit) Deposited += b.Change;
        else if (b.Reason == BalanceChangeReason.Withdrawal) Withdrawn -= b.Change;
    }

    public void Observe(ReadOnlySpan<byte> frame)
    {
        if (ProtocolCodec.TryReadType(frame, out var type, out _) && type == MessageType.BalanceChanged)
            Observe(ProtocolCodec.Decode<BalanceChanged>(frame));
    }

    /// <summary>
    /// Cash is conserved (collateral - cost basis + fee income = deposits - withdrawals as the events
    /// told them; with the long and short quantities equal in every market, unrealized PnL at any
    /// common price sums to minus the cost basis) and long open interest equals short open interest
    /// in every market, as <see cref="MatchingEngine.Summarize"/> reports them.
    /// </summary>
    public void Check(MatchingEngine engine)
    {
        var summary = engine.Summarize();
        Assert.Equal(summary.Markets.Select(m => m.LongOpenInterest), summary.Markets.Select(m => m.ShortOpenInterest));
        Assert.True(summary.OpenInterestBalanced);
        Assert.Equal((Deposited, Withdrawn), (summary.TotalDeposits, summary.TotalWithdrawals));
        Assert.Equal(0, summary.CashDiscrepancy);
    }
}

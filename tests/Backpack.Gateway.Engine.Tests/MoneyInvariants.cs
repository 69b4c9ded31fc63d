using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The money and open-interest invariants every property test checks after its commands. The money
/// that came in and went out, and the funding paid and received, are counted here from the events
/// the engine emitted, not taken from the engine's own counters, so a counter that drifts with the
/// cash it counts is still caught.
/// </summary>
internal sealed class MoneyInvariants
{
    /// <summary>Sum of the deposit events' changes.</summary>
    public long Deposited { get; private set; }

    /// <summary>Sum of the withdrawal events' changes, as a positive amount.</summary>
    public long Withdrawn { get; private set; }

    /// <summary>Funding paid (a positive sum) and received, from the payment events.</summary>
    public long FundingPaid { get; private set; }
    public long FundingReceived { get; private set; }

    public void Observe(object message)
    {
        if (message is FundingPayment f)
        {
            if (f.Amount < 0) FundingPaid -= f.Amount;
            else FundingReceived += f.Amount;
            return;
        }
        if (message is not BalanceChanged b) return;
        if (b.Reason == BalanceChangeReason.Deposit) Deposited += b.Change;
        else if (b.Reason == BalanceChangeReason.Withdrawal) Withdrawn -= b.Change;
    }

    public void Observe(ReadOnlySpan<byte> frame)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return;
        if (type == MessageType.BalanceChanged) Observe(ProtocolCodec.Decode<BalanceChanged>(frame));
        else if (type == MessageType.FundingPayment) Observe(ProtocolCodec.Decode<FundingPayment>(frame));
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
        // Funding is zero-sum: what positions paid is what positions received plus the fund's rounding residue.
        var (paid, received, residue, _) = engine.FundingTotals;
        Assert.Equal((FundingPaid, FundingReceived), (paid, received));
        Assert.True(residue >= 0 && paid == received + residue, $"funding paid {paid}, received {received}, residue {residue}");
        Assert.Equal(residue, engine.InsuranceFundTotal(InsuranceFundReason.FundingResidue));
    }
}

using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Engine.State;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>
/// The insurance fund: an account of its own (its collateral is the fund's balance; it holds the
/// positions it took over) and a ledger. Every movement emits InsuranceFundChanged with its reason
/// and is added to the per-reason totals.
/// </summary>
internal sealed class InsuranceFund
{
    private readonly AccountStore _accounts;
    private readonly EventEmitter _events;
    private readonly long[] _totals = new long[(int)InsuranceFundReason.FundingPayment + 1];

    public InsuranceFund(AccountStore accounts, EventEmitter events, int accountId)
    {
        _accounts = accounts;
        _events = events;
        AccountId = accountId;
        Account = accounts.GetOrOpen(accountId);
    }

    public int AccountId { get; }

    /// <summary>The fund's account index.</summary>
    public int Account { get; }

    public long Balance => _accounts[Account].Collateral;

    /// <summary>Sum of movements per reason.</summary>
    public long Total(InsuranceFundReason reason) => _totals[(int)reason];

    public int Entries { get; private set; }

    /// <summary>Moves cash into (positive) or out of (negative) the fund and records it.</summary>
    public void Move(long amount, InsuranceFundReason reason, long liquidationId)
    {
        if (amount == 0) return;
        _accounts[Account].Collateral += amount;
        Record(amount, reason, liquidationId);
    }

    /// <summary>Records a change the fund's balance already took (PnL realized on its own positions, a deposit).</summary>
    public void Record(long amount, InsuranceFundReason reason, long liquidationId)
    {
        if (amount == 0) return;
        _totals[(int)reason] += amount;
        Entries++;
        _events.Emit(new InsuranceFundChanged(_events.Header, liquidationId, amount, Balance, reason));
    }

    // ---- Snapshot (the balance is the fund account's collateral, saved with the accounts) ----

    internal void Save(SnapshotWriter w)
    {
        w.Structs<long>(_totals);
        w.Int(Entries);
    }

    internal void Load(ref SnapshotReader r)
    {
        var totals = r.Structs<long>(out int count);
        if (count != _totals.Length) throw new InvalidDataException("snapshot: insurance fund reasons differ");
        totals.AsSpan(0, count).CopyTo(_totals);
        Entries = r.Int();
    }
}

using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Matching;

/// <summary>
/// Settles fills into positions and cash. Positions use signed cost basis: opening adds
/// quantity x price to Cost; closing removes Cost's share of the closed quantity and realizes
/// the difference into collateral. Fees leave the account into the venue's fee income. Each
/// position touched during a command is noted once and reported as one PositionChanged at the end.
/// </summary>
internal sealed class Clearing
{
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly EventEmitter _events;
    private Liquidation.AdlRanking? _adl;
    private int[] _changedAccount = new int[64];
    private int[] _changedMarket = new int[64];
    private int _changedCount;

    public Clearing(AccountStore accounts, Market[] markets, EventEmitter events)
    {
        _accounts = accounts;
        _markets = markets;
        _events = events;
    }

    /// <summary>Ranks positions for the ADL quintile published with each position change.</summary>
    public void UseAdlRanking(Liquidation.AdlRanking adl) => _adl = adl;

    /// <summary>Fees collected by the venue (taker and maker fees, less maker rebates), micro-USDC.</summary>
    public long FeeIncome { get; internal set; }

    /// <summary>Positions touched by the current command, in the order first touched.</summary>
    public int ChangedCount => _changedCount;
    public (int Account, int Market) Changed(int i) => (_changedAccount[i], _changedMarket[i]);

    /// <summary>
    /// Books one side of a fill and returns the fee charged (negative = rebate). Fee rounding:
    /// a charge rounds up to the next micro-USDC, a rebate rounds down (toward zero).
    /// </summary>
    public long ApplyFill(int account, int market, Side side, long price, long quantity, long feePpm, out long realized)
    {
        MarketRules rules = _markets[market].Rules;
        long quote = rules.Quote(price, quantity);
        realized = ApplyToPosition(ref _accounts.PositionOf(account, market), side, price, quantity, rules);
        long fee = feePpm >= 0
            ? FixedMath.MulDivCeil(quote, feePpm, FixedMath.PartsPerMillion)
            : -FixedMath.MulDivFloor(quote, -feePpm, FixedMath.PartsPerMillion);
        ref Account a = ref _accounts[account];
        a.Collateral += realized - fee;
        a.FeesPaid += fee;
        FeeIncome += fee;
        NoteChanged(account, market);
        return fee;
    }

    /// <summary>
    /// Moves a position by a fill and returns the PnL realized. Closing part of a position takes
    /// ceil(Cost x closed / |quantity|) of the cost basis: rounding up lowers the realized PnL of
    /// either direction by under one micro-USDC (the venue's favour), and the last close of a
    /// position always takes exactly what is left, so nothing is lost over its life.
    /// </summary>
    internal static long ApplyToPosition(ref Position p, Side side, long price, long quantity, MarketRules rules)
    {
        long signed = side == Side.Buy ? quantity : -quantity;
        if (p.Quantity == 0 || (p.Quantity > 0) == (signed > 0))
        {
            p.Cost += rules.Quote(price, signed);
            p.Quantity += signed;
            return 0;
        }
        long open = Math.Abs(p.Quantity);
        long closed = Math.Min(quantity, open);
        long signedClosed = signed > 0 ? closed : -closed;
        long costPart = closed == open ? p.Cost : FixedMath.MulDivCeil(p.Cost, closed, open);
        // Trade cash flow of the closed part is -signedClosed x price; the cost basis gives back costPart.
        long realized = -rules.Quote(price, signedClosed) - costPart;
        p.Cost -= costPart;
        p.Quantity += signedClosed;
        p.RealizedPnl += realized;
        long opened = quantity - closed;
        if (opened > 0)
        {
            long signedOpened = signed > 0 ? opened : -opened;
            p.Cost += rules.Quote(price, signedOpened);
            p.Quantity += signedOpened;
        }
        return realized;
    }

    /// <summary>Notes a position as changed by the current command (once).</summary>
    public void NoteChanged(int account, int market)
    {
        ref Position p = ref _accounts.PositionOf(account, market);
        if (p.ChangedAt == _events.Sequence) return;
        p.ChangedAt = _events.Sequence;
        if (_changedCount == _changedAccount.Length)
        {
            Array.Resize(ref _changedAccount, _changedCount * 2);
            Array.Resize(ref _changedMarket, _changedCount * 2);
        }
        _changedAccount[_changedCount] = account;
        _changedMarket[_changedCount] = market;
        _changedCount++;
    }

    /// <summary>Notes that a forced fill of liquidation <paramref name="liquidationId"/> changed the position in this command (PositionChanged names it).</summary>
    public void NoteLiquidation(int account, int market, long liquidationId)
    {
        NoteChanged(account, market);
        _accounts.PositionOf(account, market).ChangedBy = liquidationId;
    }

    /// <summary>Emits one PositionChanged per position the command changed, then forgets them.</summary>
    public void PublishChanges()
    {
        for (int i = 0; i < _changedCount; i++)
        {
            int account = _changedAccount[i];
            int market = _changedMarket[i];
            ref Position p = ref _accounts.PositionOf(account, market);
            _events.Emit(new PositionChanged(_events.Header, _accounts[account].AccountId, market + 1, p.Quantity,
                Math.Abs(p.Cost), p.RealizedPnl, _markets[market].MarkPrice, _accounts[account].Collateral, _adl?.Quintile(account, market) ?? 0, p.ChangedBy));
            p.ChangedBy = 0;
        }
        _changedCount = 0;
    }
}

using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Liquidation;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Matching;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine;

/// <summary>Read-only inspection of the engine for tools, tests and the admin endpoints: cold paths that allocate.</summary>
public sealed partial class MatchingEngine
{
    // ---- Read-only inspection (cold path: allocates) ----

    /// <summary>A copy of an account's state, or null if it has never deposited.</summary>
    public AccountView? GetAccount(int accountId)
    {
        if (!_accounts.TryGetIndex(accountId, out int index)) return null;
        ref Account a = ref _accounts[index];
        var positions = new PositionView[_markets.Length];
        for (int m = 0; m < _markets.Length; m++)
        {
            ref Position p = ref _accounts.PositionOf(index, m);
            positions[m] = new PositionView(m + 1, p.Quantity, p.Cost, p.RealizedPnl, p.OpenBuyQuantity, p.OpenSellQuantity);
        }
        return new AccountView(a.AccountId, a.Collateral, a.FeesPaid, _risk.Equity(index), _risk.InitialMargin(index),
            _risk.MaintenanceMargin(index), a.Liquidating, a.OpenOrders, positions);
    }

    /// <summary>Every account id, in the order the accounts opened.</summary>
    public IReadOnlyList<int> AccountIds()
    {
        var ids = new int[_accounts.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = _accounts[i].AccountId;
        return ids;
    }

    /// <summary>
    /// An account's open orders as the protocol's OrderSnapshot events describe them (resting ones
    /// oldest first, then pending conditional ones; request id 0), for a front end that rebuilds its
    /// view after a recovery. Cold path.
    /// </summary>
    public IReadOnlyList<OrderSnapshot> SnapshotOrders(int accountId)
    {
        var list = new List<OrderSnapshot>();
        if (!_accounts.TryGetIndex(accountId, out int account)) return list;
        var h = new EventHeader(LastSequence, Time);
        foreach (int slot in OpenOrderSlots(account)) list.Add(Snapshot(h, 0, accountId, _orders[slot]));
        return list;
    }

    /// <summary>Resting orders of one side of a book, best price first, in time priority within a level.</summary>
    public IReadOnlyList<OrderView> GetOrders(int marketId, Side side)
    {
        var list = new List<OrderView>();
        BookSide bookSide = _markets[marketId - 1].Book.SideOf(side);
        for (int depth = 0; depth < bookSide.LevelCount; depth++)
        {
            ref PriceLevel level = ref bookSide.Level(bookSide.LevelAtDepth(depth));
            for (int slot = level.Head; slot != OrderStore.None; slot = _orders[slot].Next)
            {
                list.Add(ToView(slot));
            }
        }
        return list;
    }

    /// <summary>An account's resting orders, newest first.</summary>
    public IReadOnlyList<OrderView> GetOpenOrders(int accountId)
    {
        var list = new List<OrderView>();
        if (!_accounts.TryGetIndex(accountId, out int index)) return list;
        for (int slot = _accounts[index].OrderHead; slot != OrderStore.None; slot = _orders[slot].AccountNext)
        {
            list.Add(ToView(slot));
        }
        return list;
    }

    /// <summary>An account's conditional orders waiting for their trigger, newest first.</summary>
    public IReadOnlyList<PendingOrderView> GetPendingOrders(int accountId)
    {
        var list = new List<PendingOrderView>();
        if (!_accounts.TryGetIndex(accountId, out int index)) return list;
        for (int slot = _accounts[index].TriggerHead; slot != OrderStore.None; slot = _orders[slot].AccountNext)
        {
            ref Order o = ref _orders[slot];
            list.Add(new PendingOrderView(o.OrderId, o.ClientOrderId, accountId, o.Market + 1, o.Side, o.Type, o.TimeInForce, o.Price, o.Quantity,
                o.Flags, o.TriggerPrice, o.TriggerBy, o.TriggerKind, o.ParentOrderId, o.LinkedOrderId));
        }
        return list;
    }

    /// <summary>Orders whose stop-loss / take-profit are still to be armed by their fills.</summary>
    public int PendingExitPlans => _conditional.Exits.Count;

    /// <summary>Conditional orders waiting, fired into the book, and fired but refused.</summary>
    public (int Pending, long Fired, long Failed) ConditionalCounters => (_conditional.Pending, _conditional.Fired, _conditional.Failed);

    /// <summary>A market's funding: the rate estimated for the interval under way, the next funding time (0 before the market opens), the last rate paid; rates in parts per billion.</summary>
    public (long EstimatedRate, long NextFundingTime, long LastRate) GetFunding(int marketId) => _funding.Of(marketId - 1);

    /// <summary>Funding totals: micro-USDC paid by positions, received by positions, kept by the fund as rounding residue; payments made.</summary>
    public (long Paid, long Received, long Residue, long Payments) FundingTotals => (_funding.Paid, _funding.Received, _funding.Residue, _funding.Payments);

    /// <summary>Aggregated levels of one side of a book, best first.</summary>
    public IReadOnlyList<BookLevelView> GetDepth(int marketId, Side side, int maxLevels = int.MaxValue)
    {
        BookSide bookSide = _markets[marketId - 1].Book.SideOf(side);
        var list = new List<BookLevelView>();
        for (int depth = 0; depth < bookSide.LevelCount && depth < maxLevels; depth++)
        {
            ref PriceLevel level = ref bookSide.Level(bookSide.LevelAtDepth(depth));
            list.Add(new BookLevelView(level.Price, level.Quantity, level.OrderCount));
        }
        return list;
    }

    /// <summary>The book's sequence number: how many level changes (BookDelta events) it has had.</summary>
    public long GetBookSequence(int marketId) => _markets[marketId - 1].Book.Sequence;

    public long GetMarkPrice(int marketId) => _markets[marketId - 1].MarkPrice;

    public long GetIndexPrice(int marketId) => _markets[marketId - 1].IndexPrice;

    /// <summary>Totals of the liquidation pipeline.</summary>
    public LiquidationStatistics Liquidations => _liquidation.Statistics;

    public int InsuranceFundAccountId => _liquidation.Fund.AccountId;

    public long InsuranceFundBalance => _liquidation.Fund.Balance;

    /// <summary>Sum of the fund's ledger entries with <paramref name="reason"/>.</summary>
    public long InsuranceFundTotal(InsuranceFundReason reason) => _liquidation.Fund.Total(reason);

    /// <summary>Account ids being liquidated now.</summary>
    public IReadOnlyList<int> LiquidatingAccounts() => _liquidation.ActiveAccounts.Select(i => _accounts[i].AccountId).ToList();

    /// <summary>Margin monitor counters: exact evaluations, triggers fired, triggers armed.</summary>
    public (long Evaluations, long TriggersFired, int Armed) MonitorCounters => (_monitor.Evaluations, _monitor.TriggersFired, _monitor.ArmedTriggers);

    /// <summary>A market's ADL queue by score band as last published (longs then shorts, band 0 first): a recovered venue's front ends start from it.</summary>
    public List<(Side Side, AdlBand Band, int Positions, long Notional)> AdlQueueBands(int marketId) => [.. _liquidation.Adl.Board.BandsOf(marketId - 1)];

    /// <summary>An account's position's place in its ADL queue at the last ranking: rank (0 = none), queue length, notional ahead.</summary>
    public (int Rank, int Length, long Ahead) AdlPlace(int accountId, int marketId)
    {
        if (!_accounts.TryGetIndex(accountId, out int index)) return default;
        var place = _liquidation.Adl.Board.PlaceOf(index, marketId - 1);
        return (place.Rank, place.Length, place.Ahead);
    }

    /// <summary>The ADL queue a take-over would walk now against a liquidated long (or short): account ids, first first (tests hold the published ranks to it).</summary>
    internal List<int> AdlQueueNow(int marketId, bool againstLong) =>
        _liquidation.Adl.Queue(marketId - 1, againstLong).ConvertAll(i => _accounts[i].AccountId);

    /// <summary>ADL quintile 1..5 (5 = deleveraged first) of an account's position; 0 without one.</summary>
    public int AdlQuintile(int accountId, int marketId) =>
        _accounts.TryGetIndex(accountId, out int index) ? _liquidation.Adl.Quintile(index, marketId - 1) : 0;

    /// <summary>
    /// The venue in figures (see <see cref="VenueSummary"/>), including the money checks: cash
    /// conservation and equal long and short open interest. Walks every account: cold path.
    /// </summary>
    public VenueSummary Summarize()
    {
        var longOi = new long[_markets.Length];
        var shortOi = new long[_markets.Length];
        long collateral = 0, cost = 0, negativeEquity = 0;
        int traders = 0, withPositions = 0, negativeAccounts = 0, openOrders = 0;
        for (int i = 0; i < _accounts.Count; i++)
        {
            ref Account a = ref _accounts[i];
            collateral += a.Collateral;
            openOrders += a.OpenOrders;
            bool any = false;
            for (int m = 0; m < _markets.Length; m++)
            {
                ref Position p = ref _accounts.PositionOf(i, m);
                cost += p.Cost;
                if (p.Quantity > 0) longOi[m] += p.Quantity;
                else shortOi[m] -= p.Quantity;
                any |= p.Quantity != 0;
            }
            if (any) withPositions++;
            if (a.AccountId == _liquidation.Fund.AccountId) continue;
            traders++;
            long equity = _risk.Equity(i);
            if (equity < 0)
            {
                negativeAccounts++;
                negativeEquity += equity;
            }
        }
        var markets = new MarketSummary[_markets.Length];
        for (int m = 0; m < _markets.Length; m++)
        {
            var market = _markets[m];
            var bids = market.Book.SideOf(Side.Buy);
            var asks = market.Book.SideOf(Side.Sell);
            var (estimate, next, last) = _funding.Of(m);
            markets[m] = new MarketSummary(m + 1, market.Rules.Symbol, market.IndexPrice, market.MarkPrice, longOi[m], shortOi[m],
                BestPrice(bids), BestPrice(asks), bids.LevelCount, asks.LevelCount)
            {
                EstimatedFundingRate = estimate,
                LastFundingRate = last,
                NextFundingTime = next,
            };
        }
        return new VenueSummary(LastSequence, Time, traders, withPositions, openOrders, markets, InsuranceFundBalance, FeeIncome,
            TotalDeposits, TotalWithdrawals, collateral, negativeAccounts, negativeEquity, _liquidation.ActiveAccounts.Count(), Liquidations.Copy())
        {
            CashDiscrepancy = TotalDeposits - TotalWithdrawals - (collateral - cost + FeeIncome),
            Funding = new FundingTotals(_funding.Paid, _funding.Received, _funding.Residue, _funding.Payments),
            Conditional = new ConditionalTotals(_conditional.Pending, _conditional.Fired, _conditional.Failed),
        };
    }

    private static long BestPrice(BookSide side) => side.LevelCount == 0 ? 0 : side.Level(side.BestLevel).Price;
}

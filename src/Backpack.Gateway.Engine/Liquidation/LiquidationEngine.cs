using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Matching;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Engine.State;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>
/// Runs each liquidation through the reference's stages, a step on each engine Tick and on each
/// move of the mark of a market the account holds (at most one step per command), the first in the
/// command that starts it: stage 1 sends reduce-only IOC slices of the riskiest position to the
/// book inside a price protection band, sized by urgency and by the depth inside the band
/// (<see cref="SlicePlanner"/>), and stops once MM/E is back under the hysteresis level; stage 2 hands the
/// positions to backstop providers (pro rata to their capacity, at 2/3 bankruptcy + 1/3 mark) and
/// then to the insurance fund within its limits; stage 3 deleverages what is left against the
/// opposite positions at the bankruptcy price. Every step emits its events, tied together by the
/// liquidation id.
/// </summary>
internal sealed partial class LiquidationEngine : ILiquidationStarter, IForcedFills
{
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly AccountMargin _margin;
    private readonly EventEmitter _events;
    private readonly LiquidationLimits _options;
    private readonly OrderEntry _entry;
    private readonly Clearing _clearing;
    private readonly Matcher _matcher;
    private readonly MarginMonitor _monitor;
    private readonly List<Active> _active = [];
    private readonly AdlCursor?[] _adlQueues;
    private readonly SlicePlanner _planner;
    private long _ticks;
    private ulong _movedMarkets; // markets whose mark moved in this command (bit 63: market 63 and above)
    private readonly List<Active> _startedNow = []; // liquidations started in this command, not stepped yet

    public LiquidationEngine(AccountStore accounts, Market[] markets, AccountMargin margin, EventEmitter events, LiquidationLimits options,
        OrderEntry entry, Clearing clearing, Matcher matcher, MarginMonitor monitor, InsuranceFund fund, BackstopProviders providers, AdlRanking adl)
    {
        _accounts = accounts;
        _markets = markets;
        _margin = margin;
        _events = events;
        _options = options;
        _entry = entry;
        _clearing = clearing;
        _matcher = matcher;
        _monitor = monitor;
        Fund = fund;
        Providers = providers;
        Adl = adl;
        _adlQueues = new AdlCursor?[markets.Length * 2];
        _planner = new SlicePlanner(accounts, markets, margin, options);
    }

    public InsuranceFund Fund { get; }
    public BackstopProviders Providers { get; }
    public AdlRanking Adl { get; }
    public LiquidationStatistics Statistics { get; } = new();
    public long LastLiquidationId { get; private set; }
    public int ActiveCount => _active.Count;

    /// <summary>Account indexes being liquidated, oldest first.</summary>
    public IEnumerable<int> ActiveAccounts => _active.Select(a => a.Account);

    public void Start(int account, in MarginFigures f)
    {
        ref Account a = ref _accounts[account];
        long id = ++LastLiquidationId;
        a.Liquidating = true;
        a.LiquidationId = id;
        var liq = new Active(account, id, _events.Time);
        _active.Add(liq);
        if (_options.StepOnMarkMoves) _startedNow.Add(liq);
        Statistics.Started++;
        Statistics.Active = _active.Count;
        _events.Emit(new LiquidationStarted(_events.Header, a.AccountId, id, f.MarginRatioPpm, f.MarginFractionPpm, f.Equity, f.MaintenanceMargin));
        EmitTrigger(account, id, f);
        _entry.CancelAccountOrders(account, -1, CancelReason.Liquidation, requestId: 0);
    }

    /// <summary>One engine tick: a step of every liquidation, the fund's unwinding, and the ADL rank refresh.</summary>
    public void OnTick()
    {
        Array.Clear(_adlQueues); // ADL queues are ranked at most once per command, on first use
        for (int i = 0; i < _active.Count;)
        {
            Active liq = _active[i];
            liq.SteppedIn = _events.Sequence;
            if (!Step(liq)) i++;
        }
        UnwindFund();
        if (++_ticks % _options.AdlRankRefreshTicks == 0) Adl.Refresh();
    }

    /// <summary>The mark of <paramref name="market"/> moved in this command: its liquidations step at the end of it.</summary>
    public void OnMarkMoved(int market)
    {
        if (_options.StepOnMarkMoves && _active.Count > 0) _movedMarkets |= 1UL << Math.Min(market, 63);
    }

    /// <summary>True when a liquidation started, or a mark its liquidations hold moved, in this command.</summary>
    public bool HasPendingSteps => _startedNow.Count > 0 || _movedMarkets != 0;

    /// <summary>
    /// Steps, once per command, the liquidations that started in it and those holding a position in
    /// a market whose mark moved in it. Called at the end of the command's rounds, so the fills'
    /// margin checks follow in the next round.
    /// </summary>
    public void StepPending()
    {
        ulong moved = _movedMarkets;
        _movedMarkets = 0;
        long sequence = _events.Sequence;
        // The new ones first (each is at the end of the list), then those a mark move concerns.
        foreach (Active liq in _startedNow)
        {
            if (liq.SteppedIn == sequence || liq.Ended) continue;
            liq.SteppedIn = sequence;
            Step(liq);
        }
        _startedNow.Clear();
        if (moved == 0) return;
        for (int i = 0; i < _active.Count;)
        {
            Active liq = _active[i];
            if (liq.SteppedIn != sequence && Holds(liq.Account, moved))
            {
                liq.SteppedIn = sequence;
                if (Step(liq)) continue;
            }
            i++;
        }
    }

    /// <summary>Forgets what this command left pending (its last round is over).</summary>
    public void EndCommand()
    {
        _movedMarkets = 0;
        _startedNow.Clear();
        // A take-over may now run in any command: the ADL queue is ranked afresh in each command that
        // needs it, never reused from an earlier one (it would miss positions opened since).
        Array.Clear(_adlQueues);
    }

    private bool Holds(int account, ulong moved)
    {
        if (moved == 0) return false;
        for (int m = 0; m < _markets.Length; m++)
        {
            if ((moved & (1UL << Math.Min(m, 63))) != 0 && _accounts.PositionOf(account, m).Quantity != 0) return true;
        }
        return false;
    }

    /// <summary>Advances one liquidation; returns true if it ended (and left the list).</summary>
    private bool Step(Active liq)
    {
        MarginFigures f = _margin.Figures(liq.Account);
        if (f.Notional == 0) return End(liq, f.Equity > 0 && !liq.UsedBackstop ? LiquidationOutcome.Full : LiquidationOutcome.Bankrupt);
        if (f.Equity > 0 && !f.AtOrAbove(_options.EndPpm)) return End(liq, liq.ClosedAny ? LiquidationOutcome.Partial : LiquidationOutcome.Averted);

        long now = _events.Time;
        long backstopLevel = LiquidationMath.BackstopLevel(f, _options.BackstopSharePpm, _options.BackstopOffsetPpm);
        bool timedOut = now - liq.LastFillTime >= _options.NoFillBackstopMicros || now - liq.StartTime >= _options.MaxBookMicros;
        bool backstop = f.Equity <= 0 || f.Equity < backstopLevel || timedOut;
        if (backstop && f.Equity > 0 && !timedOut && _options.BookBeforeBackstop)
        {
            // At the auto-close level the book still gets the first go at what it can take without
            // the fund paying (prices no worse than bankruptcy); the backstop takes the rest.
            OfferAtAutoClose(liq);
            f = _margin.Figures(liq.Account);
            if (f.Notional == 0) return End(liq, f.Equity > 0 && !liq.UsedBackstop ? LiquidationOutcome.Full : LiquidationOutcome.Bankrupt);
            backstopLevel = LiquidationMath.BackstopLevel(f, _options.BackstopSharePpm, _options.BackstopOffsetPpm);
            backstop = f.Equity <= 0 || (f.Equity < backstopLevel);
            if (!backstop) return false;
        }
        if (backstop)
        {
            var why = f.Equity <= 0 ? LiquidationAction.BackstopBankrupt
                : f.Equity < backstopLevel ? LiquidationAction.BackstopAtAutoClose
                : now - liq.LastFillTime >= _options.NoFillBackstopMicros ? LiquidationAction.BackstopNoFill
                : LiquidationAction.BackstopTimeLimit;
            _events.Emit(new LiquidationStep(_events.Header, _accounts[liq.Account].AccountId, liq.Id, 0, why, 0, 0, f.Equity, f.MaintenanceMargin, f.Notional,
                LiquidationMath.Urgency(f, backstopLevel), 0, 0, 0, 0));
            TakeOver(liq, f);
            MarginFigures after = _margin.Figures(liq.Account);
            return after.Notional == 0 && End(liq, LiquidationOutcome.Bankrupt);
        }
        SliceOnBook(liq, f, backstopLevel);
        return false;
    }

    /// <summary>Stage 1: an IOC reduce-only slice of the position with the largest maintenance margin, if its band holds any depth.</summary>
    private void SliceOnBook(Active liq, in MarginFigures f, long backstopLevel)
    {
        if (!_entry.CanPlaceForced || _planner.ForLiquidation(liq.Account, f, backstopLevel, _events.Time) is not { } plan) return;
        EmitStep(liq, f, LiquidationAction.Slice, plan);
        liq.SliceMarket = plan.Market;
        liq.SliceBankruptcyPrice = plan.BankruptcyPrice;
        _entry.PlaceForced(liq.Account, plan.Market, plan.Side, plan.Limit, plan.Lots, OrderOrigin.LiquidationAutoclose, liq.Id);
    }

    /// <summary>Every position of an account at the auto-close level, offered once to the book down to its bankruptcy price.</summary>
    private void OfferAtAutoClose(Active liq)
    {
        for (int m = 0; m < _markets.Length; m++)
        {
            if (IsPaused(m) || !_entry.CanPlaceForced) continue;
            MarginFigures f = _margin.Figures(liq.Account); // after the fills of the markets before
            if (_planner.AtAutoClose(liq.Account, m, f) is not { } plan) continue;
            EmitStep(liq, f, LiquidationAction.AutoCloseOffer, plan);
            liq.SliceMarket = plan.Market;
            liq.SliceBankruptcyPrice = plan.BankruptcyPrice;
            _entry.PlaceForced(liq.Account, plan.Market, plan.Side, plan.Limit, plan.Lots, OrderOrigin.LiquidationAutoclose, liq.Id);
        }
    }

    /// <summary>A forced order of a liquidation or of the fund's unwinding filled on the book.</summary>
    public void OnForcedFill(int account, int market, Side side, long price, long quantity, long tradeId, long liquidationId, int makerAccount, long realized)
    {
        MarketRules rules = _markets[market].Rules;
        if (account == Fund.Account)
        {
            Fund.Record(realized, InsuranceFundReason.TakeoverPnl, 0);
            return;
        }
        Active? liq = Find(liquidationId);
        if (liq is null) return;
        var (fee, shortfall) = LiquidationMath.FeeAndShortfall(rules, side, price, quantity, liq.SliceBankruptcyPrice, _options.FeePpm);
        ref Account a = ref _accounts[account];
        if (fee > 0)
        {
            a.Collateral -= fee;
            a.FeesPaid += fee;
            Fund.Move(fee, InsuranceFundReason.LiquidationFee, liquidationId);
            Statistics.LiquidationFees += fee;
        }
        if (shortfall > 0) PayShortfall(account, shortfall, liquidationId);
        liq.LastFillTime = _events.Time;
        liq.ClosedAny = true;
        Statistics.BookNotional += rules.Quote(price, quantity);
        _events.Emit(new LiquidationFill(_events.Header, liquidationId, a.AccountId, market + 1, LiquidationStage.Book, side, price, quantity,
            tradeId, liq.SliceBankruptcyPrice, fee, _accounts[makerAccount].AccountId));
    }

    /// <summary>The fund sells down what it took over, stage-1 style, one slice per position per tick.</summary>
    private void UnwindFund()
    {
        for (int m = 0; m < _markets.Length; m++)
        {
            if (IsPaused(m) || _planner.ForFund(Fund.Account, m) is not { } plan) continue;
            _entry.PlaceForced(Fund.Account, m, plan.Side, plan.Limit, plan.Lots, OrderOrigin.LiquidationAutoclose, 0);
        }
    }

    private bool End(Active liq, LiquidationOutcome outcome)
    {
        ref Account a = ref _accounts[liq.Account];
        if (_margin.Figures(liq.Account).Notional == 0 && a.Collateral < 0)
        {
            // Negative equity after the close: the fund covers what it can; the rest stays as
            // unsettled equity (negative collateral, withdrawals blocked).
            long before = a.Collateral;
            PayShortfall(liq.Account, -a.Collateral, liq.Id);
            if (a.Collateral != before)
            {
                _events.Emit(new BalanceChanged(_events.Header, 0, a.AccountId, a.Collateral - before, a.Collateral, BalanceChangeReason.Settlement));
            }
            if (a.Collateral < 0) a.UnsettledLiquidationId = liq.Id; // what a later deposit pays off names it
        }
        a.Liquidating = false;
        a.MarginCalled = false;
        liq.Ended = true;
        _active.Remove(liq);
        Statistics.Active = _active.Count;
        switch (outcome)
        {
            case LiquidationOutcome.Averted: Statistics.Averted++; break;
            case LiquidationOutcome.Partial: Statistics.Partial++; break;
            case LiquidationOutcome.Full: Statistics.Full++; break;
            default: Statistics.Bankrupt++; break;
        }
        _events.Emit(new LiquidationEnded(_events.Header, a.AccountId, liq.Id, outcome));
        _monitor.Queue(liq.Account);
        return true;
    }

    /// <summary>
    /// A flat account whose collateral went below zero outside a liquidation (its own close filled
    /// past its bankruptcy price, a funding payment): the fund pays the deficit as far as its balance
    /// goes, as it would at the end of a liquidation; the rest stays as unsettled equity.
    /// </summary>
    public void SettleDeficit(int account)
    {
        ref Account a = ref _accounts[account];
        long before = a.Collateral;
        if (before >= 0 || account == Fund.Account) return;
        PayShortfall(account, -before, 0);
        if (a.Collateral != before)
        {
            Statistics.DeficitsSettled++;
            _events.Emit(new BalanceChanged(_events.Header, 0, a.AccountId, a.Collateral - before, a.Collateral, BalanceChangeReason.Settlement));
        }
    }

    /// <summary>The fund pays a shortfall into the account, as far as its balance goes; the rest stays with the account.</summary>
    private void PayShortfall(int account, long amount, long liquidationId)
    {
        Statistics.LargestShortfall = Math.Max(Statistics.LargestShortfall, amount);
        long paid = Math.Min(amount, Math.Max(0, Fund.Balance));
        if (paid == 0) return;
        ref Account a = ref _accounts[account];
        a.Collateral += paid;
        if (a.Collateral >= 0) a.UnsettledLiquidationId = 0; // settled: a later deficit is not this one's
        PayFromFund(paid, liquidationId);
    }

    private void PayFromFund(long amount, long liquidationId)
    {
        Fund.Move(-amount, InsuranceFundReason.LiquidationShortfall, liquidationId);
        Statistics.ShortfallsPaid += amount;
    }

    private bool IsPaused(int market) => _markets[market].IsStale(_events.Time, _options.StaleMarkMicros);

    private Active? Find(long id)
    {
        foreach (var liq in _active)
        {
            if (liq.Id == id) return liq;
        }
        return null;
    }

    private sealed class Active(int account, long id, long start)
    {
        public int Account { get; } = account;
        public long Id { get; } = id;
        public long StartTime { get; } = start;
        public long LastFillTime { get; set; } = start;
        public bool ClosedAny { get; set; }
        public bool UsedBackstop { get; set; }
        public int SliceMarket { get; set; } = -1;
        public long SliceBankruptcyPrice { get; set; }

        public bool Ended { get; set; }

        /// <summary>Sequence of the command this liquidation last stepped in (not saved: a restored engine is past it).</summary>
        public long SteppedIn { get; set; }
    }
}

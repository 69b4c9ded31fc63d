using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Liquidation;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Engine.State;

namespace Backpack.Gateway.Engine.Risk;

/// <summary>Starts a liquidation (the liquidation engine).</summary>
internal interface ILiquidationStarter
{
    void Start(int account, in MarginFigures figures);

    /// <summary>A flat account below zero (a close at a price past its bankruptcy, a funding payment): the fund covers what it can.</summary>
    void SettleDeficit(int account);
}

/// <summary>
/// Finds the accounts that cross the margin-call level (MM/E &gt;= 0.8, a MarginCall) or
/// maintenance (MM/E &gt;= 1, a liquidation), at a cost that grows with the accounts near a
/// threshold rather than with all accounts.
///
/// How: after every exact evaluation, an account's excess equity over its next threshold,
/// X = E - MM/level, is shared out over its positions in proportion to their notional, and each
/// position gets a trigger price on its adverse side: a long re-examined when the mark falls to
/// P - X_m / (q x k) - 1 ticks, a short when it rises to the price where even a growing MMF could
/// have used up X_m. Each bound over-estimates the damage a move can do, so while every mark stays
/// inside its trigger the account is still above its threshold. Triggers sit in per-market
/// min-heaps; a mark change pops only the triggers it crossed. Accounts whose positions or cash
/// change (fills, deposits, withdrawals, fees) are evaluated exactly at the end of the command.
/// </summary>
internal sealed class MarginMonitor
{
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly AccountMargin _margin;
    private readonly EventEmitter _events;
    private readonly LiquidationLimits _options;
    private readonly TriggerHeap[] _down; // longs: key = -trigger price, fires when mark <= trigger
    private readonly TriggerHeap[] _up;   // shorts: key = trigger price, fires when mark >= trigger
    private int[] _queue = new int[64];
    private int _queued;
    private long _pass = 1;
    private readonly TriggerPositions _positions;

    public MarginMonitor(AccountStore accounts, Market[] markets, AccountMargin margin, EventEmitter events, LiquidationLimits options)
    {
        _accounts = accounts;
        _markets = markets;
        _margin = margin;
        _events = events;
        _options = options;
        var positions = _positions = new TriggerPositions();
        _down = new TriggerHeap[markets.Length];
        _up = new TriggerHeap[markets.Length];
        for (int m = 0; m < markets.Length; m++)
        {
            _down[m] = new TriggerHeap(positions, 1);
            _up[m] = new TriggerHeap(positions, 2);
        }
    }

    public ILiquidationStarter Liquidations { get; set; } = null!;

    /// <summary>Accounts excluded from monitoring (the insurance fund).</summary>
    public int ExemptAccount { get; set; } = -1;

    /// <summary>Exact evaluations done (for figures and tests).</summary>
    public long Evaluations { get; private set; }

    /// <summary>Triggers that mark moves have fired.</summary>
    public long TriggersFired { get; private set; }

    /// <summary>Triggers currently armed.</summary>
    public int ArmedTriggers
    {
        get
        {
            int n = 0;
            for (int m = 0; m < _markets.Length; m++) n += _down[m].Count + _up[m].Count;
            return n;
        }
    }

    public bool HasQueued => _queued > 0;

    /// <summary>Queues an account for exact evaluation (once per pass).</summary>
    public void Queue(int account)
    {
        ref Account a = ref _accounts[account];
        if (a.QueuedInPass == _pass) return;
        a.QueuedInPass = _pass;
        if (_queued == _queue.Length) Array.Resize(ref _queue, _queued * 2);
        _queue[_queued++] = account;
    }

    /// <summary>Queues every account whose trigger in <paramref name="market"/> the new mark crossed.</summary>
    public void OnMarkChanged(int market)
    {
        long mark = _markets[market].MarkPrice;
        TriggerHeap down = _down[market];
        while (down.Count > 0 && down.TopKey <= -mark) Fired(down.Pop(), market);
        TriggerHeap up = _up[market];
        while (up.Count > 0 && up.TopKey <= mark) Fired(up.Pop(), market);
    }

    private void Fired(int handle, int market)
    {
        int account = handle / _markets.Length;
        if (market < 64) _accounts[account].ArmedMarkets &= ~(1UL << market);
        Queue(account);
        TriggersFired++;
    }

    /// <summary>Evaluates the queued accounts in the order they were queued, then starts a new pass.</summary>
    public void Run()
    {
        for (int i = 0; i < _queued; i++) Evaluate(_queue[i]);
        _queued = 0;
        _pass++;
    }

    /// <summary>Disarms an account's triggers (it is liquidating, or flat).</summary>
    public void Disarm(int account)
    {
        for (int m = 0; m < _markets.Length; m++) DisarmMarket(account, m);
    }

    /// <summary>
    /// Removes the account's trigger in one market. The account keeps a bit per armed market, so
    /// markets without a trigger cost nothing (the heaps' position table is the cache-missing part).
    /// Markets beyond the 64 bits are always checked.
    /// </summary>
    private void DisarmMarket(int account, int m)
    {
        ref Account a = ref _accounts[account];
        if (m < 64)
        {
            ulong bit = 1UL << m;
            if ((a.ArmedMarkets & bit) == 0) return;
            a.ArmedMarkets &= ~bit;
        }
        int handle = account * _markets.Length + m;
        _down[m].Remove(handle);
        _up[m].Remove(handle);
    }

    private void Evaluate(int account)
    {
        Evaluations++;
        ref Account a = ref _accounts[account];
        if (a.Liquidating || account == ExemptAccount)
        {
            Disarm(account);
            return;
        }
        MarginFigures f = _margin.Figures(account);
        if (f.Notional == 0)
        {
            Disarm(account);
            a.MarginCalled = false;
            if (a.Collateral < 0) Liquidations.SettleDeficit(account);
            return;
        }
        if (f.AtOrAbove(1_000_000))
        {
            Disarm(account);
            Liquidations.Start(account, f);
            return;
        }
        bool atCall = f.AtOrAbove(_options.MarginCallPpm);
        if (atCall && !a.MarginCalled)
        {
            a.MarginCalled = true;
            _events.Emit(new MarginCall(_events.Header, a.AccountId, f.MarginRatioPpm, f.Equity, f.MaintenanceMargin));
        }
        else if (!atCall && a.MarginCalled)
        {
            a.MarginCalled = false;
        }
        Arm(account, f, a.MarginCalled ? FixedMath.PartsPerMillion : _options.MarginCallPpm);
    }

    /// <summary>Sets the account's trigger in every market from its excess over the next threshold (level in ppm).</summary>
    private void Arm(int account, in MarginFigures f, long levelPpm)
    {
        // Excess equity over MM / level; positive here because the account is below that level.
        long excess = f.Equity - FixedMath.MulDivCeil(f.MaintenanceMargin, FixedMath.PartsPerMillion, levelPpm);
        if (excess < 0) excess = 0;
        var positions = _accounts.PositionsOf(account);
        for (int m = 0; m < positions.Length; m++)
        {
            int handle = account * _markets.Length + m;
            long q = positions[m].Quantity;
            if (q == 0)
            {
                DisarmMarket(account, m);
                continue;
            }
            if (m < 64) _accounts[account].ArmedMarkets |= 1UL << m;
            Market market = _markets[m];
            MarketRules rules = market.Rules;
            long mark = market.MarkPrice;
            long lotValue = Math.Abs(q) * rules.QuotePerTickLot; // micro-USDC per tick of price move
            long notional = lotValue * mark;
            long budget = FixedMath.MulDivFloor(excess, notional, f.Notional);
            if (q > 0)
            {
                // A long loses q x k per tick down; MM only shrinks as the price falls.
                long ticks = budget / lotValue;
                _up[m].Remove(handle);
                _down[m].Set(handle, -(mark - ticks - 1));
            }
            else
            {
                long ticks = ShortBudgetTicks(rules, lotValue, mark, budget, levelPpm);
                _down[m].Remove(handle);
                _up[m].Set(handle, mark + ticks + 1);
            }
        }
    }

    /// <summary>
    /// Ticks a short can rise before its loss plus the growth of MM/level could use up
    /// <paramref name="budget"/>. With m_lo, m_hi the MMF at the start and at a cap price above:
    /// damage(d) &lt;= lotValue x d x (1 + m_hi/L) + notional x (m_hi - m_lo)/L, solved for d and
    /// kept at or below the cap (where m_hi is a true upper bound).
    /// </summary>
    internal static long ShortBudgetTicks(MarketRules rules, long lotValue, long mark, long budget, long levelPpm)
    {
        long notional = lotValue * mark;
        long mLo = MarginCalculator.MmfPpm(rules, notional);
        long linear = FixedMath.MulDivFloor(budget, levelPpm, lotValue * (levelPpm + mLo));
        long cap = Math.Min(linear * 2 + 1, long.MaxValue / 4 / Math.Max(lotValue, 1) - mark);
        long mHi = MarginCalculator.MmfPpm(rules, lotValue * (mark + cap));
        // (budget x L - notional x (mHi - mLo)) / (lotValue x (L + mHi)), as two terms rounded so the
        // result can only come out smaller (safer) than the exact quotient.
        long divisor = lotValue * (levelPpm + mHi);
        long ticks = FixedMath.MulDivFloor(budget, levelPpm, divisor) - FixedMath.MulDivCeil(notional, mHi - mLo, divisor);
        return Math.Clamp(ticks, 0, cap);
    }

    // ---- Snapshot (engine thread, between commands: nothing is queued then) ----

    internal void Save(SnapshotWriter w)
    {
        if (_queued != 0) throw new InvalidOperationException("snapshot in the middle of a margin pass");
        w.Long(_pass);
        w.Long(Evaluations);
        w.Long(TriggersFired);
        _positions.Save(w);
        for (int m = 0; m < _markets.Length; m++)
        {
            _down[m].Save(w);
            _up[m].Save(w);
        }
    }

    internal void Load(ref SnapshotReader r)
    {
        _pass = r.Long();
        Evaluations = r.Long();
        TriggersFired = r.Long();
        _positions.Load(ref r);
        for (int m = 0; m < _markets.Length; m++)
        {
            _down[m].Load(ref r);
            _up[m].Load(ref r);
        }
    }
}

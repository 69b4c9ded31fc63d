using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>
/// Auto-deleveraging priority (reference: "Stage 3"): per market and side, positions are ranked by
/// score = PnL% x effective leverage when in profit, PnL% / effective leverage otherwise, where
/// PnL% = unrealized PnL / |entry notional| and effective leverage = |position notional| / account
/// equity (infinite at zero equity). Highest score is deleveraged first. Quintile thresholds are
/// refreshed every few ticks from all positions; a position's quintile (5 = first in the queue)
/// is published on its position updates.
/// </summary>
internal sealed class AdlRanking
{
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly AccountMargin _margin;
    private readonly double[][] _thresholds; // [market * 2 + (long ? 0 : 1)] -> 4 cut points, ascending
    private AdlEntry[] _queue = new AdlEntry[1024];
    private long[] _equity = new long[1024];

    public AdlRanking(AccountStore accounts, Market[] markets, AccountMargin margin, EventEmitter events)
    {
        Board = new AdlQueueBoard(accounts, events, markets.Length);
        _accounts = accounts;
        _markets = markets;
        _margin = margin;
        _thresholds = new double[markets.Length * 2][];
        for (int i = 0; i < _thresholds.Length; i++) _thresholds[i] = [];
    }

    /// <summary>What each account and the public were last told of the queues.</summary>
    public AdlQueueBoard Board { get; }

    /// <summary>Accounts left out of the queue (the insurance fund).</summary>
    public int ExemptAccount { get; set; } = -1;

    /// <summary>Score of an account's position in a market, given its equity.</summary>
    public double Score(int account, int market, long equity)
    {
        ref Position p = ref _accounts.PositionOf(account, market);
        if (p.Quantity == 0 || p.Cost == 0) return double.NegativeInfinity;
        MarketRules rules = _markets[market].Rules;
        long value = rules.Quote(_markets[market].MarkPrice, p.Quantity);
        double pnlPct = (double)(value - p.Cost) / Math.Abs((double)p.Cost);
        double leverage = equity <= 0 ? double.MaxValue : Math.Abs((double)value) / equity;
        return pnlPct > 0 ? pnlPct * leverage : pnlPct / leverage;
    }

    /// <summary>Quintile 1..5 of a position (5 = deleveraged first), 0 without a position or before the first refresh.</summary>
    public int Quintile(int account, int market)
    {
        long q = _accounts.PositionOf(account, market).Quantity;
        if (q == 0 || account == ExemptAccount) return 0;
        double[] cuts = _thresholds[market * 2 + (q > 0 ? 0 : 1)];
        if (cuts.Length == 0) return 0;
        double score = Score(account, market, _margin.Equity(account));
        int quintile = 1;
        foreach (double cut in cuts)
        {
            if (score > cut) quintile++;
        }
        return quintile;
    }

    /// <summary>
    /// Ranks every market side's queue afresh (O(accounts log accounts)): the board tells each account
    /// whose place moved and the public whose score band moved, and the quintile cut points follow.
    /// Positions under liquidation are out of the queue, as in <see cref="Queue"/>.
    /// </summary>
    public void Refresh()
    {
        int accounts = _accounts.Count;
        if (_equity.Length < accounts) _equity = new long[Math.Max(accounts, _equity.Length * 2)];
        for (int a = 0; a < accounts; a++) _equity[a] = a == ExemptAccount ? 0 : _margin.Equity(a);
        Board.Begin();
        for (int m = 0; m < _markets.Length; m++)
        {
            MarketRules rules = _markets[m].Rules;
            long mark = _markets[m].MarkPrice;
            for (int side = 0; side < 2; side++)
            {
                int n = 0;
                for (int a = 0; a < accounts; a++)
                {
                    if (!InQueue(a, m, longs: side == 0)) continue;
                    if (n == _queue.Length) Array.Resize(ref _queue, n * 2);
                    long q = _accounts.PositionOf(a, m).Quantity;
                    _queue[n++] = new AdlEntry { Score = Score(a, m, _equity[a]), Account = a, Notional = Math.Abs(rules.Quote(mark, q)) };
                }
                _queue.AsSpan(0, n).Sort(QueueOrder);
                Cuts(m * 2 + side, n);
                Board.Publish(m, side == 0 ? Side.Buy : Side.Sell, _queue.AsSpan(0, n));
            }
        }
        Board.End();
    }

    /// <summary>A score in parts per million, clamped to +-1e17 (an account without equity scores infinitely).</summary>
    public static long Ppm(double score) =>
        double.IsFinite(score) ? (long)Math.Clamp(score * 1e6, -1e17, 1e17) : score > 0 ? (long)1e17 : (long)-1e17;

    /// <summary>Queue order: best score first, ties by account index (one delegate: sorting with it allocates nothing).</summary>
    private static readonly Comparison<AdlEntry> QueueOrder =
        (x, y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Account.CompareTo(y.Account);

    /// <summary>The quintile cut points of a side from its ranked queue of <paramref name="n"/>, in place when the side had some.</summary>
    private void Cuts(int key, int n)
    {
        if (n == 0)
        {
            _thresholds[key] = [];
            return;
        }
        double[] cuts = _thresholds[key].Length == 4 ? _thresholds[key] : _thresholds[key] = new double[4];
        // Cut points on the ascending scores: the k-th lowest is the (n - 1 - k)-th in queue order.
        for (int j = 1; j <= 4; j++) cuts[j - 1] = _queue[n - 1 - j * n / 5].Score;
    }

    /// <summary>
    /// The ADL queue against a position being closed: accounts holding the opposite side in the
    /// market, best score first (ties by account index). O(accounts): ADL is rare.
    /// </summary>
    public List<int> Queue(int market, bool againstLong)
    {
        var candidates = new List<AdlEntry>();
        for (int a = 0; a < _accounts.Count; a++)
        {
            if (InQueue(a, market, longs: !againstLong)) candidates.Add(new AdlEntry { Score = Score(a, market, _margin.Equity(a)), Account = a });
        }
        candidates.Sort(QueueOrder);
        return candidates.ConvertAll(c => c.Account);
    }

    /// <summary>Whether an account's position is in the market side's queue: held on that side, not the fund's, not under liquidation.</summary>
    private bool InQueue(int account, int market, bool longs)
    {
        long q = _accounts.PositionOf(account, market).Quantity;
        return account != ExemptAccount && (longs ? q > 0 : q < 0) && !_accounts[account].Liquidating;
    }

    // ---- Snapshot: the quintile cut points in force (they change only when the ranking is refreshed) and the board ----

    internal void Save(SnapshotWriter w)
    {
        w.Int(_thresholds.Length);
        foreach (var cuts in _thresholds) w.Structs<double>(cuts);
        Board.Save(w);
    }

    internal void Load(ref SnapshotReader r)
    {
        if (r.Int() != _thresholds.Length) throw new InvalidDataException("snapshot: ADL ranking for another number of markets");
        for (int i = 0; i < _thresholds.Length; i++)
        {
            var cuts = r.Structs<double>(out int count);
            _thresholds[i] = cuts.Length == count ? cuts : cuts[..count];
        }
        Board.Load(ref r);
    }
}

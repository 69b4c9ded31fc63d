using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Liquidation;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Funding;

/// <summary>
/// Perpetual funding on the engine's clock (docs/funding.md). Every <c>FundingSampleSeconds</c> of
/// engine time each market's premium is sampled from its book: the impact bid and ask (the average
/// price of selling and buying the market's impact notional) against the index. At each funding
/// time the interval's rate is the average premium plus the interest component, the interest
/// moving it by at most the premium clamp, the whole bounded by the market's rate bounds; every
/// position then pays or receives rate x notional at the mark (longs pay when it is positive).
/// Payers' amounts are rounded up and receivers' down; the difference goes to the insurance fund,
/// so funding is zero-sum to the micro-USDC.
/// <para>
/// The engine reads no clock: samples and funding times fall due when a command's time passes
/// them, and a sample taken then sees the book exactly as it stood at the due time (only commands
/// change the book). Samples the engine slept through are counted with that one book; intervals it
/// slept through entirely (a venue stopped for hours) are not charged.
/// </para>
/// </summary>
internal sealed class FundingEngine
{
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly EventEmitter _events;
    private readonly MarginMonitor _monitor;
    private readonly InsuranceFund _fund;
    private readonly long _sampleMicros;
    private readonly MarketFunding[] _state;
    private long _nextDue = long.MaxValue;

    public FundingEngine(AccountStore accounts, Market[] markets, EventEmitter events, MarginMonitor monitor, InsuranceFund fund, long sampleMicros)
    {
        _accounts = accounts;
        _markets = markets;
        _events = events;
        _monitor = monitor;
        _fund = fund;
        _sampleMicros = sampleMicros;
        _state = new MarketFunding[markets.Length];
    }

    /// <summary>Micro-USDC paid by positions at funding times (a positive sum).</summary>
    public long Paid { get; private set; }

    /// <summary>Micro-USDC received by positions at funding times.</summary>
    public long Received { get; private set; }

    /// <summary>Paid - Received: what went to the insurance fund as rounding residue.</summary>
    public long Residue { get; private set; }

    /// <summary>Funding payments made (one per position per funding time).</summary>
    public long Payments { get; private set; }

    /// <summary>A market's funding figures: the rate of the interval under way (estimated) and the next funding time (0 before the market opens).</summary>
    public (long EstimatedRate, long NextFundingTime, long LastRate) Of(int market)
    {
        ref MarketFunding f = ref _state[market];
        return (f.Estimate, f.NextFundingTime, f.LastRate);
    }

    /// <summary>
    /// Takes the samples and settles the funding times that <paramref name="now"/> has reached,
    /// before the command of that time is applied. One comparison when nothing is due.
    /// </summary>
    public void Advance(long now)
    {
        if (now < _nextDue) return;
        long nextDue = long.MaxValue;
        for (int m = 0; m < _markets.Length; m++)
        {
            Market market = _markets[m];
            long interval = market.Rules.FundingIntervalMicros;
            ref MarketFunding f = ref _state[m];
            if (f.NextFundingTime == 0) continue; // no funding, or the market has not opened
            while (true)
            {
                long end = Math.Min(now, f.NextFundingTime);
                if (f.NextSampleTime <= end)
                {
                    long samples = (end - f.NextSampleTime) / _sampleMicros + 1;
                    long premium = Premium(market);
                    f.PremiumSum += samples * premium;
                    f.Samples += samples;
                    f.NextSampleTime += samples * _sampleMicros;
                    f.Estimate = Rate(market.Rules, f.PremiumSum, f.Samples);
                    if (now < f.NextFundingTime) EmitRate(m, f.Estimate, f.NextFundingTime, settled: false);
                }
                if (now < f.NextFundingTime) break;
                long rate = Rate(market.Rules, f.PremiumSum, f.Samples);
                Settle(m, rate, f.NextFundingTime);
                f.LastRate = rate;
                f.PremiumSum = 0;
                f.Samples = 0;
                long next = f.NextFundingTime + interval;
                if (next <= now) next = (FixedMath.DivFloor(now, interval) + 1) * interval; // intervals slept through are not charged
                f.NextFundingTime = next;
                f.NextSampleTime = Math.Max(f.NextSampleTime, next - interval);
                f.Estimate = Rate(market.Rules, 0, 0);
                // The new interval's samples up to now are taken on the next pass of the loop.
                if (f.NextSampleTime > now) EmitRate(m, f.Estimate, f.NextFundingTime, settled: false);
            }
            nextDue = Math.Min(nextDue, Math.Min(f.NextSampleTime, f.NextFundingTime));
        }
        _nextDue = nextDue;
    }

    /// <summary>The market got its first index price: its first funding time is the next whole interval, sampling starts now.</summary>
    public void Open(int m, long now)
    {
        long interval = _markets[m].Rules.FundingIntervalMicros;
        ref MarketFunding f = ref _state[m];
        if (interval == 0 || f.NextFundingTime != 0) return;
        f.NextFundingTime = (FixedMath.DivFloor(now, interval) + 1) * interval;
        f.NextSampleTime = (FixedMath.DivFloor(now, _sampleMicros) + 1) * _sampleMicros;
        f.Estimate = Rate(_markets[m].Rules, 0, 0);
        EmitRate(m, f.Estimate, f.NextFundingTime, settled: false);
        _nextDue = Math.Min(_nextDue, f.NextSampleTime);
    }

    /// <summary>
    /// rate = average premium + clamp(interest - average premium, -clamp, +clamp), then bounded by
    /// the market's rate bounds; parts per billion, the average rounded toward zero.
    /// </summary>
    internal static long Rate(MarketRules rules, long premiumSum, long samples)
    {
        long average = samples == 0 ? 0 : premiumSum / samples;
        long rate = average + Math.Clamp(rules.FundingInterestPpb - average, -rules.FundingClampPpb, rules.FundingClampPpb);
        return Math.Clamp(rate, rules.FundingLowerPpb, rules.FundingUpperPpb);
    }

    /// <summary>
    /// The premium of the book over the index, parts per billion: (max(0, impact bid - index) -
    /// max(0, index - impact ask)) / index. A side without orders counts as the index (no premium
    /// from it); a side thinner than the impact notional is averaged over what it holds.
    /// </summary>
    internal static long Premium(Market market)
    {
        long index = market.IndexPrice;
        if (index <= 0) return 0;
        long bid = ImpactPrice(market.Book.Bids, market.Rules, index);
        long ask = ImpactPrice(market.Book.Asks, market.Rules, index);
        long above = Math.Max(0, bid - index);
        long below = Math.Max(0, index - ask);
        return FixedMath.MulDivFloor(above - below, FixedMath.PartsPerBillion, index);
    }

    /// <summary>The average price (ticks, rounded down) of taking the impact notional from one side; the index when the side is empty.</summary>
    private static long ImpactPrice(BookSide side, MarketRules rules, long index)
    {
        long wanted = rules.FundingImpactNotional;
        long lots = 0, ticksTimesLots = 0, quote = 0;
        for (int depth = 0; depth < side.LevelCount && quote < wanted; depth++)
        {
            ref PriceLevel level = ref side.Level(side.LevelAtDepth(depth));
            long perLot = rules.Quote(level.Price, 1);
            long take = Math.Min(level.Quantity, FixedMath.DivCeil(wanted - quote, perLot));
            lots += take;
            ticksTimesLots += level.Price * take;
            quote += perLot * take;
        }
        return lots == 0 ? index : ticksTimesLots / lots;
    }

    /// <summary>Every open position in the market pays or receives rate x notional at the mark.</summary>
    private void Settle(int m, long rate, long fundingTime)
    {
        Market market = _markets[m];
        long mark = market.MarkPrice;
        long paid = 0, received = 0;
        EmitRate(m, rate, fundingTime, settled: true);
        if (rate != 0)
        {
            long magnitude = Math.Abs(rate);
            for (int i = 0; i < _accounts.Count; i++)
            {
                long quantity = _accounts.PositionOf(i, m).Quantity;
                if (quantity == 0) continue;
                long notional = market.Rules.Quote(mark, Math.Abs(quantity));
                bool pays = (quantity > 0) == (rate > 0);
                long amount = pays
                    ? -FixedMath.MulDivCeil(notional, magnitude, FixedMath.PartsPerBillion)
                    : FixedMath.MulDivFloor(notional, magnitude, FixedMath.PartsPerBillion);
                if (amount == 0) continue;
                ref Account a = ref _accounts[i];
                a.Collateral += amount;
                if (amount < 0) paid -= amount;
                else received += amount;
                Payments++;
                _events.Emit(new FundingPayment(_events.Header, a.AccountId, m + 1, rate, quantity, mark, amount, a.Collateral, fundingTime));
                if (i == _fund.Account) _fund.Record(amount, InsuranceFundReason.FundingPayment, 0);
                else if (amount < 0) _monitor.Queue(i); // a payment may take the account under maintenance
            }
        }
        Paid += paid;
        Received += received;
        Residue += paid - received;
        _fund.Move(paid - received, InsuranceFundReason.FundingResidue, 0);
    }

    private void EmitRate(int m, long rate, long intervalEnd, bool settled) =>
        _events.Emit(new FundingRate(_events.Header, m + 1, rate, intervalEnd, _markets[m].Rules.FundingIntervalMicros, settled));

    // ---- Snapshot and state hash ----

    internal void Save(SnapshotWriter w)
    {
        w.Structs<MarketFunding>(_state);
        w.Long(_nextDue);
        w.Long(Paid);
        w.Long(Received);
        w.Long(Residue);
        w.Long(Payments);
    }

    internal void Load(ref SnapshotReader r)
    {
        var state = r.Structs<MarketFunding>(out int count);
        if (count != _state.Length) throw new InvalidDataException("snapshot: funding state of another number of markets");
        state.AsSpan(0, count).CopyTo(_state);
        _nextDue = r.Long();
        Paid = r.Long();
        Received = r.Long();
        Residue = r.Long();
        Payments = r.Long();
    }

    internal void Hash(ref StateHasher h)
    {
        foreach (ref MarketFunding f in _state.AsSpan())
        {
            h.Add(f.NextFundingTime);
            h.Add(f.NextSampleTime);
            h.Add(f.PremiumSum);
            h.Add(f.Samples);
            h.Add(f.LastRate);
        }
        h.Add(Paid);
        h.Add(Received);
    }

    /// <summary>One market's funding state.</summary>
    private struct MarketFunding
    {
        /// <summary>Engine time of the next funding payment; 0 until the market opens.</summary>
        public long NextFundingTime;
        public long NextSampleTime;
        /// <summary>Sum of the interval's premium samples, parts per billion.</summary>
        public long PremiumSum;
        public long Samples;
        /// <summary>The interval's rate as the samples so far give it.</summary>
        public long Estimate;
        /// <summary>The rate of the last funding time.</summary>
        public long LastRate;
    }
}

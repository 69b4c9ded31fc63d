namespace Backpack.Gateway.Engine;

/// <summary>Engine limits and thresholds. Capacities only pre-size storage; they are not hard limits.</summary>
public sealed class EngineOptions
{
    /// <summary>Open orders an account may have at once (across markets); more are rejected with TOO_MANY_ORDERS.</summary>
    public int MaxOpenOrdersPerAccount { get; set; } = 1_000;

    /// <summary>Conditional orders (trigger orders and stop-loss / take-profit legs) an account may have waiting at once.</summary>
    public int MaxPendingTriggersPerAccount { get; set; } = 100;

    /// <summary>Slots for resting orders allocated up front (the store doubles beyond it).</summary>
    public int InitialOrderCapacity { get; set; } = 1 << 16;

    /// <summary>Accounts allocated up front.</summary>
    public int InitialAccountCapacity { get; set; } = 1 << 12;

    /// <summary>Price levels per book side allocated up front.</summary>
    public int InitialLevelCapacity { get; set; } = 1 << 10;

    /// <summary>Seconds of engine time between two samples of each market's funding premium.</summary>
    public int FundingSampleSeconds { get; set; } = 5;

    /// <summary>The liquidation pipeline's settings (reference: liquidation mechanics).</summary>
    public LiquidationOptions Liquidation { get; set; } = new();

    public void Validate()
    {
        Liquidation.Validate();
        if (MaxOpenOrdersPerAccount <= 0) throw new ArgumentException("Engine:MaxOpenOrdersPerAccount must be > 0");
        if (InitialOrderCapacity <= 0) throw new ArgumentException("Engine:InitialOrderCapacity must be > 0");
        if (InitialAccountCapacity <= 0) throw new ArgumentException("Engine:InitialAccountCapacity must be > 0");
        if (InitialLevelCapacity <= 0) throw new ArgumentException("Engine:InitialLevelCapacity must be > 0");
        if (MaxPendingTriggersPerAccount < 0) throw new ArgumentException("Engine:MaxPendingTriggersPerAccount must be >= 0");
        if (FundingSampleSeconds <= 0) throw new ArgumentException("Engine:FundingSampleSeconds must be > 0");
    }
}

/// <summary>Margin-call and liquidation settings. Ratios are fractions (0.8 = 80%), times in seconds.</summary>
public sealed class LiquidationOptions
{
    /// <summary>Account id of the insurance fund (an account of its own, opened by the engine).</summary>
    public int InsuranceFundAccountId { get; set; } = 9_000_000;

    /// <summary>A MarginCall is sent when the maintenance margin ratio MM/E reaches this.</summary>
    public decimal MarginCallRatio { get; set; } = 0.8m;

    /// <summary>Order-book liquidation stops once MM/E falls below this (hysteresis under 1).</summary>
    public decimal EndRatio { get; set; } = 0.98m;

    /// <summary>Share of a position a stage-1 step closes on the book when the account has just crossed maintenance (urgency 0).</summary>
    public decimal SliceFraction { get; set; } = 0.10m;

    /// <summary>The urgency-0 share when the position's notional is above <see cref="LargePositionNotional"/>.</summary>
    public decimal LargeSliceFraction { get; set; } = 0.20m;

    /// <summary>
    /// Share of a position a step closes at urgency 1 (the account at the auto-close margin fraction,
    /// where the backstop takes over, or at bankruptcy). In between, the share grows in proportion to
    /// the urgency: how far equity has fallen from maintenance towards the auto-close level.
    /// Equal to <see cref="SliceFraction"/>: fixed slices, as the reference describes.
    /// </summary>
    public decimal UrgentSliceFraction { get; set; } = 1.0m;

    /// <summary>
    /// A step sends at most this share of the depth resting inside its protection band (and nothing
    /// when the band holds none): 1 = whatever the band holds.
    /// </summary>
    public decimal BandDepthShare { get; set; } = 1.0m;

    /// <summary>
    /// Least ABR the protection band uses (band = mark x (1 -/+ max(ABR, this) x multiplier x MMF)): at
    /// the trigger ABR is 0 and a band of width 0 could not reach even the best bid.
    /// </summary>
    public decimal MinBandAbr { get; set; } = 0.1m;

    /// <summary>
    /// Stage 1 steps in the command that starts the liquidation and on every move of the mark of a
    /// market the account holds (at most once per command), as well as on each tick; false: on ticks
    /// only, as the reference describes.
    /// </summary>
    public bool StepOnMarkMoves { get; set; } = true;

    /// <summary>
    /// When an account falls under the auto-close margin fraction (with equity left, the book not
    /// timed out), the step first offers every position whole to the book at prices inside the band
    /// and no worse than the bankruptcy price, and hands the backstop only what the book did not
    /// take; false: straight to the backstop, as the reference describes.
    /// </summary>
    public bool BookBeforeBackstop { get; set; } = true;

    /// <summary>USDC notional above which <see cref="LargeSliceFraction"/> applies.</summary>
    public decimal LargePositionNotional { get; set; } = 100_000m;

    /// <summary>A slice is at least this USDC notional (or the whole position if smaller).</summary>
    public decimal MinSliceNotional { get; set; } = 1_000m;

    /// <summary>Price protection: a slice may trade at most mark x (1 -/+ ABR x this x MMF).</summary>
    public decimal BandMultiplier { get; set; } = 1.5m;

    /// <summary>Liquidation fee: at most this share of a liquidation fill's notional (never beyond the bankruptcy price).</summary>
    public decimal FeeRate { get; set; } = 0.01m;

    /// <summary>Seconds of order-book liquidation without a fill before the backstop takes over.</summary>
    public int NoFillBackstopSeconds { get; set; } = 10;

    /// <summary>
    /// Longest time a liquidation stays on the book (stage 1) even while slices keep filling a little:
    /// after it, the rest goes to the backstop, so every liquidation ends in bounded time.
    /// </summary>
    public int MaxBookSeconds { get; set; } = 60;

    /// <summary>Backstop when the margin fraction falls under max(accountMMF x this, accountMMF - <see cref="BackstopMmfOffset"/>).</summary>
    public decimal BackstopMmfShare { get; set; } = 0.5m;

    /// <summary>See <see cref="BackstopMmfShare"/>.</summary>
    public decimal BackstopMmfOffset { get; set; } = 0.06m;

    /// <summary>The provider's take-over price stays within this fraction of the mark.</summary>
    public decimal BackstopMarkBand { get; set; } = 0.01m;

    /// <summary>The fund's net notional per market may not exceed this multiple of its balance.</summary>
    public decimal FundNotionalLimit { get; set; } = 1.0m;

    /// <summary>A market whose index is older than this many seconds pauses its liquidations.</summary>
    public int StaleMarkSeconds { get; set; } = 5;

    /// <summary>
    /// The ADL queues are ranked afresh (places and score bands published, quintile cut points
    /// recomputed) every this many ticks: every tick by default, so what a trader sees of the queue
    /// is at most a tick old.
    /// </summary>
    public int AdlRankRefreshTicks { get; set; } = 1;

    /// <summary>
    /// Stage 1 exactly as the reference describes it (and as the engine ran it before issue 20): a
    /// step per tick, fixed slices, the band from ABR alone, straight to the backstop at the
    /// auto-close level; every other setting at its default.
    /// </summary>
    public static LiquidationOptions Reference()
    {
        var o = new LiquidationOptions { StepOnMarkMoves = false, MinBandAbr = 0, BookBeforeBackstop = false };
        o.UrgentSliceFraction = o.SliceFraction;
        return o;
    }

    public void Validate()
    {
        void Require(bool ok, string key, string rule)
        {
            if (!ok) throw new ArgumentException($"Engine:Liquidation:{key} {rule}");
        }
        Require(InsuranceFundAccountId > 0 && InsuranceFundAccountId < (1 << 24), nameof(InsuranceFundAccountId), "must be 1..16777215");
        Require(MarginCallRatio > 0 && MarginCallRatio < 1, nameof(MarginCallRatio), "must be between 0 and 1");
        Require(EndRatio > 0 && EndRatio <= 1, nameof(EndRatio), "must be in (0, 1]");
        Require(SliceFraction > 0 && SliceFraction <= 1, nameof(SliceFraction), "must be in (0, 1]");
        Require(LargeSliceFraction > 0 && LargeSliceFraction <= 1, nameof(LargeSliceFraction), "must be in (0, 1]");
        Require(UrgentSliceFraction >= SliceFraction && UrgentSliceFraction <= 1, nameof(UrgentSliceFraction), "must be in [SliceFraction, 1]");
        Require(BandDepthShare > 0 && BandDepthShare <= 1, nameof(BandDepthShare), "must be in (0, 1]");
        Require(MinBandAbr >= 0 && MinBandAbr <= 1, nameof(MinBandAbr), "must be in [0, 1]");
        Require(LargePositionNotional > 0, nameof(LargePositionNotional), "must be > 0");
        Require(MinSliceNotional >= 0, nameof(MinSliceNotional), "must be >= 0");
        Require(BandMultiplier > 0, nameof(BandMultiplier), "must be > 0");
        Require(FeeRate >= 0 && FeeRate < 1, nameof(FeeRate), "must be in [0, 1)");
        Require(NoFillBackstopSeconds > 0, nameof(NoFillBackstopSeconds), "must be > 0");
        Require(MaxBookSeconds >= NoFillBackstopSeconds, nameof(MaxBookSeconds), "must be >= NoFillBackstopSeconds");
        Require(BackstopMmfShare > 0 && BackstopMmfShare < 1, nameof(BackstopMmfShare), "must be between 0 and 1");
        Require(BackstopMmfOffset >= 0, nameof(BackstopMmfOffset), "must be >= 0");
        Require(BackstopMarkBand >= 0 && BackstopMarkBand < 1, nameof(BackstopMarkBand), "must be in [0, 1)");
        Require(FundNotionalLimit >= 0, nameof(FundNotionalLimit), "must be >= 0");
        Require(StaleMarkSeconds > 0, nameof(StaleMarkSeconds), "must be > 0");
        Require(AdlRankRefreshTicks > 0, nameof(AdlRankRefreshTicks), "must be > 0");
    }
}

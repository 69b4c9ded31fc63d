using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>
/// <see cref="LiquidationOptions"/> in the engine's fixed-point units (ratios in parts per
/// million, USDC and times in micro-units), converted once when the engine is built: the margin
/// monitor and the liquidation engine read them on every check.
/// </summary>
internal sealed class LiquidationLimits
{
    public LiquidationLimits(LiquidationOptions o)
    {
        MarginCallPpm = Ppm(o.MarginCallRatio);
        EndPpm = Ppm(o.EndRatio);
        SlicePpm = Ppm(o.SliceFraction);
        LargeSlicePpm = Ppm(o.LargeSliceFraction);
        UrgentSlicePpm = Ppm(o.UrgentSliceFraction);
        BandDepthSharePpm = Ppm(o.BandDepthShare);
        MinBandAbrPpm = Ppm(o.MinBandAbr);
        StepOnMarkMoves = o.StepOnMarkMoves;
        BookBeforeBackstop = o.BookBeforeBackstop;
        LargePositionMicros = Micros(o.LargePositionNotional);
        MinSliceMicros = Micros(o.MinSliceNotional);
        BandMultiplierPpm = Ppm(o.BandMultiplier);
        FeePpm = Ppm(o.FeeRate);
        BackstopSharePpm = Ppm(o.BackstopMmfShare);
        BackstopOffsetPpm = Ppm(o.BackstopMmfOffset);
        BackstopBandPpm = Ppm(o.BackstopMarkBand);
        FundLimitPpm = Ppm(o.FundNotionalLimit);
        NoFillBackstopMicros = o.NoFillBackstopSeconds * 1_000_000L;
        MaxBookMicros = o.MaxBookSeconds * 1_000_000L;
        StaleMarkMicros = o.StaleMarkSeconds * 1_000_000L;
        AdlRankRefreshTicks = o.AdlRankRefreshTicks;
    }

    public long MarginCallPpm { get; }
    public long EndPpm { get; }
    public long SlicePpm { get; }
    public long LargeSlicePpm { get; }
    public long UrgentSlicePpm { get; }
    public long BandDepthSharePpm { get; }
    public long MinBandAbrPpm { get; }
    public bool StepOnMarkMoves { get; }
    public bool BookBeforeBackstop { get; }
    public long LargePositionMicros { get; }
    public long MinSliceMicros { get; }
    public long BandMultiplierPpm { get; }
    public long FeePpm { get; }
    public long BackstopSharePpm { get; }
    public long BackstopOffsetPpm { get; }
    public long BackstopBandPpm { get; }
    public long FundLimitPpm { get; }
    public long NoFillBackstopMicros { get; }
    public long MaxBookMicros { get; }
    public long StaleMarkMicros { get; }
    public int AdlRankRefreshTicks { get; }

    private static long Ppm(decimal fraction) => (long)(fraction * 1_000_000m);

    private static long Micros(decimal usdc) => (long)(usdc * Usdc.MicrosPerUnit);
}

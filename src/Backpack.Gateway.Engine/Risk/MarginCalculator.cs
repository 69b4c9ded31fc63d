using System.Runtime.CompilerServices;
using Backpack.Gateway.Engine.Markets;

namespace Backpack.Gateway.Engine.Risk;

/// <summary>
/// Margin fractions and requirements (reference/liquidation.md, "Margin"):
/// IMF = max(baseImf, imfFactor x sqrt(N)), MMF = max(baseMmf, mmfFactor x sqrt(N)), with N the
/// notional in USDC; requirement = N x fraction. Rounding is in the venue's favour: the square root
/// and the fraction round up, and so does the requirement.
/// </summary>
public static class MarginCalculator
{
    /// <summary>Initial margin fraction in ppm for a notional of <paramref name="notional"/> micro-USDC.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ImfPpm(MarketRules m, long notional) =>
        notional <= m.ImfBaseUpTo ? m.BaseImfPpm : Fraction(m.BaseImfPpm, m.ImfFactorPpb, notional);

    /// <summary>Maintenance margin fraction in ppm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MmfPpm(MarketRules m, long notional) =>
        notional <= m.MmfBaseUpTo ? m.BaseMmfPpm : Fraction(m.BaseMmfPpm, m.MmfFactorPpb, notional);

    /// <summary>
    /// The largest notional (micro-USDC) at which the base fraction still applies: below it the
    /// square-root term is smaller than the base, so the square root need not be taken.
    /// </summary>
    public static long BaseFractionUpTo(long basePpm, long factorPpb)
    {
        if (factorPpb == 0) return long.MaxValue;
        // factorPpb x sqrt(N) / 1e6 <= basePpm  <=>  sqrt(N) <= basePpm x 1e6 / factorPpb
        long rootLimit = FixedMath.MulDivFloor(basePpm, 1_000_000, factorPpb);
        return rootLimit >= 3_037_000_499 ? long.MaxValue : rootLimit * rootLimit;
    }

    /// <summary>Initial margin in micro-USDC for an exposure of <paramref name="notional"/> micro-USDC.</summary>
    public static long InitialMargin(MarketRules m, long notional) =>
        notional <= 0 ? 0 : FixedMath.MulDivCeil(notional, ImfPpm(m, notional), FixedMath.PartsPerMillion);

    /// <summary>Maintenance margin in micro-USDC for a position of <paramref name="notional"/> micro-USDC.</summary>
    public static long MaintenanceMargin(MarketRules m, long notional) =>
        notional <= 0 ? 0 : FixedMath.MulDivCeil(notional, MmfPpm(m, notional), FixedMath.PartsPerMillion);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Fraction(long basePpm, long factorPpb, long notional)
    {
        // factor x sqrt(N in USDC): with N in micro-USDC, sqrt(N_usdc) = sqrt(N_micro) / 1000.
        // factorPpb x sqrt(N_micro) / 1000 is ppb; / 1000 again gives ppm. Rounded up.
        long scaled = FixedMath.MulDivCeil(factorPpb, FixedMath.SqrtCeil(notional), 1_000_000);
        return Math.Max(basePpm, scaled);
    }
}

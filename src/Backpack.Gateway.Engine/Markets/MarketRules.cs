using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine.Markets;

/// <summary>
/// A market's rules in engine units: prices in ticks, quantities in lots, cash in micro-USDC,
/// ratios in parts per million (IMF/MMF factors in parts per billion per sqrt(USDC)).
/// Built once from a validated <see cref="MarketDefinition"/>.
/// </summary>
public sealed class MarketRules
{
    public required int Id { get; init; }
    public required string Symbol { get; init; }

    /// <summary>micro-USDC of notional for one tick x one lot.</summary>
    public required long QuotePerTickLot { get; init; }
    public required long MinQuantity { get; init; }
    public required long MaxQuantity { get; init; }
    public required long PriceBandPpm { get; init; }
    public required long MakerFeePpm { get; init; }
    public required long TakerFeePpm { get; init; }
    public required long BaseImfPpm { get; init; }
    public required long ImfFactorPpb { get; init; }
    public required long BaseMmfPpm { get; init; }
    public required long MmfFactorPpb { get; init; }

    /// <summary>Microseconds between funding times; 0 = no funding.</summary>
    public long FundingIntervalMicros { get; init; }

    /// <summary>Funding rate bounds, parts per billion.</summary>
    public long FundingUpperPpb { get; init; }
    public long FundingLowerPpb { get; init; }

    /// <summary>Interest component per funding interval, parts per billion.</summary>
    public long FundingInterestPpb { get; init; }

    /// <summary>How far the interest may move the average premium, parts per billion.</summary>
    public long FundingClampPpb { get; init; }

    /// <summary>Notional (micro-USDC) the impact bid and ask average over.</summary>
    public long FundingImpactNotional { get; init; }

    /// <summary>Notional (micro-USDC) up to which IMF is the base fraction (no square root needed).</summary>
    public long ImfBaseUpTo { get; private init; }

    /// <summary>Notional (micro-USDC) up to which MMF is the base fraction.</summary>
    public long MmfBaseUpTo { get; private init; }

    public static MarketRules From(MarketDefinition d)
    {
        var errors = d.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid market definition: " + string.Join("; ", errors));
        long baseImf = (long)(d.BaseImf * FixedMath.PartsPerMillion);
        long imfFactor = (long)(d.ImfFactor * FixedMath.PartsPerBillion);
        long baseMmf = (long)(d.BaseMmf * FixedMath.PartsPerMillion);
        long mmfFactor = (long)(d.MmfFactor * FixedMath.PartsPerBillion);
        return new MarketRules
        {
            Id = d.Id,
            Symbol = d.Symbol,
            QuotePerTickLot = d.QuotePerTickLot,
            MinQuantity = d.LotsFloor(d.MinQuantity),
            MaxQuantity = d.LotsFloor(d.MaxQuantity),
            PriceBandPpm = (long)(d.PriceBand * FixedMath.PartsPerMillion),
            MakerFeePpm = (long)(d.MakerFee * FixedMath.PartsPerMillion),
            TakerFeePpm = (long)(d.TakerFee * FixedMath.PartsPerMillion),
            BaseImfPpm = baseImf,
            ImfFactorPpb = imfFactor,
            BaseMmfPpm = baseMmf,
            MmfFactorPpb = mmfFactor,
            ImfBaseUpTo = MarginCalculator.BaseFractionUpTo(baseImf, imfFactor),
            MmfBaseUpTo = MarginCalculator.BaseFractionUpTo(baseMmf, mmfFactor),
            FundingIntervalMicros = d.FundingIntervalSeconds * 1_000_000L,
            FundingUpperPpb = (long)(d.FundingRateUpperBound * FixedMath.PartsPerBillion),
            FundingLowerPpb = (long)(d.FundingRateLowerBound * FixedMath.PartsPerBillion),
            // Rounded toward zero to a whole part per billion of the interval.
            FundingInterestPpb = (long)(d.FundingInterestPerDay * FixedMath.PartsPerBillion * d.FundingIntervalSeconds / 86_400m),
            FundingClampPpb = (long)(d.FundingPremiumClamp * FixedMath.PartsPerBillion),
            FundingImpactNotional = (long)(d.FundingImpactNotional * 1_000_000m),
        };
    }

    /// <summary>Notional in micro-USDC of <paramref name="lots"/> at <paramref name="ticks"/> (signed with lots).</summary>
    public long Quote(long ticks, long lots) => ticks * lots * QuotePerTickLot;
}

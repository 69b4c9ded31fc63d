using System.Globalization;

namespace Backpack.Gateway.Protocol.Markets;

/// <summary>
/// A perpetual market as configured (config/markets.json): what its units are and its trading and
/// risk rules, in human decimal form. Prices travel as ticks (multiples of <see cref="TickSize"/>),
/// quantities as lots (multiples of <see cref="StepSize"/>). The engine and both front ends read the
/// same definitions, so a tick means the same thing everywhere.
/// </summary>
public sealed class MarketDefinition
{
    /// <summary>Market id in the binary protocol, 1-based. Assigned from the order of the list when 0.</summary>
    public int Id { get; set; }

    /// <summary>Symbol, e.g. BTC_USDC_PERP.</summary>
    public string Symbol { get; set; } = "";

    public decimal TickSize { get; set; }
    public decimal StepSize { get; set; }
    public decimal MinQuantity { get; set; }
    public decimal MaxQuantity { get; set; }

    /// <summary>A limit price more than this fraction from the mark is rejected; market orders trade at most this far (0.05 = 5%).</summary>
    public decimal PriceBand { get; set; } = 0.05m;

    /// <summary>Maker fee as a fraction of notional (0.0002 = 2 bp); negative = rebate.</summary>
    public decimal MakerFee { get; set; }

    /// <summary>Taker fee as a fraction of notional.</summary>
    public decimal TakerFee { get; set; }

    /// <summary>IMF = max(BaseImf, ImfFactor x sqrt(notional in USDC)).</summary>
    public decimal BaseImf { get; set; } = 0.02m;
    public decimal ImfFactor { get; set; } = 0.00002m;

    /// <summary>MMF = max(BaseMmf, MmfFactor x sqrt(notional in USDC)); must stay below IMF.</summary>
    public decimal BaseMmf { get; set; } = 0.01m;
    public decimal MmfFactor { get; set; } = 0.000012m;

    /// <summary>Seconds between funding times (aligned to the Unix epoch: 28800 = 00:00, 08:00, 16:00 UTC); 0 = no funding.</summary>
    public int FundingIntervalSeconds { get; set; } = 28_800;

    /// <summary>Highest funding rate of one interval, a fraction of notional (0.01 = 1%, Backpack's +100 bps).</summary>
    public decimal FundingRateUpperBound { get; set; } = 0.01m;

    /// <summary>Lowest funding rate of one interval (-0.01 = -1%).</summary>
    public decimal FundingRateLowerBound { get; set; } = -0.01m;

    /// <summary>Interest component of the funding rate per day (0.0003 = 0.01% per 8 hours), scaled to the interval.</summary>
    public decimal FundingInterestPerDay { get; set; } = 0.0003m;

    /// <summary>The interest component may move the average premium by at most this much (0.0005 = 0.05%).</summary>
    public decimal FundingPremiumClamp { get; set; } = 0.0005m;

    /// <summary>USDC notional the impact bid and ask are averaged over when the premium is sampled.</summary>
    public decimal FundingImpactNotional { get; set; } = 10_000m;

    /// <summary>A typical price (USDC): where the simulated price feed and simulations start. Optional.</summary>
    public decimal ReferencePrice { get; set; }

    /// <summary>micro-USDC of notional per tick x lot: TickSize x StepSize x 1e6. Must be a whole number.</summary>
    public long QuotePerTickLot => (long)(TickSize * StepSize * Usdc.MicrosPerUnit);

    /// <summary>Decimals of <see cref="TickSize"/> (0.1 -> 1, 0.01 -> 2, 5 -> 0).</summary>
    public int PriceScale => Scale(TickSize);

    /// <summary>TickSize in units of 10^-<see cref="PriceScale"/> (0.5 -> 5 at scale 1).</summary>
    public long TickUnits => (long)(TickSize * Pow10(PriceScale));

    /// <summary>Decimals of <see cref="StepSize"/>.</summary>
    public int QuantityScale => Scale(StepSize);

    /// <summary>StepSize in units of 10^-<see cref="QuantityScale"/>.</summary>
    public long StepUnits => (long)(StepSize * Pow10(QuantityScale));

    private static int Scale(decimal value) => (decimal.GetBits(value / 1.000000000000000000000000000000000m)[3] >> 16) & 0xff;

    private static decimal Pow10(int n)
    {
        decimal r = 1;
        for (int i = 0; i < n; i++) r *= 10;
        return r;
    }

    /// <summary>A copy to change without touching this one.</summary>
    public MarketDefinition Copy() => (MarketDefinition)MemberwiseClone();

    /// <summary>Checks the definition; returns the problems, each naming the key (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string path = "")
    {
        var errors = new List<string>();
        string p = string.IsNullOrEmpty(path) ? Symbol : path;
        if (string.IsNullOrWhiteSpace(Symbol)) errors.Add($"{p}:Symbol is required");
        if (TickSize <= 0) errors.Add($"{p}:TickSize must be > 0");
        if (StepSize <= 0) errors.Add($"{p}:StepSize must be > 0");
        if (TickSize > 0 && StepSize > 0)
        {
            decimal q = TickSize * StepSize * Usdc.MicrosPerUnit;
            if (q != decimal.Truncate(q) || q < 1)
                errors.Add($"{p}:TickSize x StepSize must be a whole number of micro-USDC (is {q.ToString(CultureInfo.InvariantCulture)})");
        }
        if (MinQuantity <= 0) errors.Add($"{p}:MinQuantity must be > 0");
        if (MaxQuantity < MinQuantity) errors.Add($"{p}:MaxQuantity must be >= MinQuantity");
        if (StepSize > 0 && (MinQuantity % StepSize != 0)) errors.Add($"{p}:MinQuantity must be a multiple of StepSize");
        if (StepSize > 0 && (MaxQuantity % StepSize != 0)) errors.Add($"{p}:MaxQuantity must be a multiple of StepSize");
        if (PriceBand <= 0 || PriceBand >= 1) errors.Add($"{p}:PriceBand must be between 0 and 1");
        if (Math.Abs(MakerFee) >= 0.01m || !IsPpm(MakerFee)) errors.Add($"{p}:MakerFee must be below 1% in whole parts per million");
        if (TakerFee < 0 || TakerFee >= 0.01m || !IsPpm(TakerFee)) errors.Add($"{p}:TakerFee must be 0 to 1% in whole parts per million");
        if (MakerFee + TakerFee < 0) errors.Add($"{p}:MakerFee + TakerFee must not be negative (the venue would pay for every trade)");
        if (BaseMmf <= 0 || !IsPpm(BaseMmf)) errors.Add($"{p}:BaseMmf must be > 0 in whole parts per million");
        if (BaseImf <= BaseMmf || BaseImf > 1 || !IsPpm(BaseImf)) errors.Add($"{p}:BaseImf must be above BaseMmf, at most 1, in whole parts per million");
        if (ImfFactor < 0 || !IsPpb(ImfFactor)) errors.Add($"{p}:ImfFactor must be >= 0 in whole parts per billion");
        if (MmfFactor < 0 || !IsPpb(MmfFactor)) errors.Add($"{p}:MmfFactor must be >= 0 in whole parts per billion");
        if (MmfFactor > ImfFactor) errors.Add($"{p}:MmfFactor must not exceed ImfFactor (MMF must stay below IMF)");
        if (FundingIntervalSeconds < 0 || (FundingIntervalSeconds > 0 && 86_400 % FundingIntervalSeconds != 0 && FundingIntervalSeconds % 86_400 != 0))
            errors.Add($"{p}:FundingIntervalSeconds must be 0 (none) or divide a day (or be whole days)");
        if (FundingRateUpperBound < 0 || FundingRateUpperBound > 1 || !IsPpb(FundingRateUpperBound)) errors.Add($"{p}:FundingRateUpperBound must be 0 to 1 in whole parts per billion");
        if (FundingRateLowerBound > 0 || FundingRateLowerBound < -1 || !IsPpb(FundingRateLowerBound)) errors.Add($"{p}:FundingRateLowerBound must be -1 to 0 in whole parts per billion");
        if (FundingInterestPerDay < -0.01m || FundingInterestPerDay > 0.01m || !IsPpb(FundingInterestPerDay)) errors.Add($"{p}:FundingInterestPerDay must be -1% to 1% in whole parts per billion");
        if (FundingPremiumClamp < 0 || FundingPremiumClamp > 0.01m || !IsPpb(FundingPremiumClamp)) errors.Add($"{p}:FundingPremiumClamp must be 0 to 1% in whole parts per billion");
        if (FundingImpactNotional <= 0 || FundingImpactNotional > 1_000_000_000m) errors.Add($"{p}:FundingImpactNotional must be a positive USDC notional (at most 1e9)");
        if (ReferencePrice < 0 || (ReferencePrice > 0 && TickSize > 0 && ReferencePrice % TickSize != 0)) errors.Add($"{p}:ReferencePrice must be a positive multiple of TickSize (or 0 for none)");
        return errors;
    }

    private static bool IsPpm(decimal v) => v * 1_000_000m == decimal.Truncate(v * 1_000_000m);
    private static bool IsPpb(decimal v) => v * 1_000_000_000m == decimal.Truncate(v * 1_000_000_000m);

    /// <summary>Price in ticks; false if it is not a positive multiple of the tick size.</summary>
    public bool TryPriceToTicks(decimal price, out long ticks) => TryToUnits(price, TickSize, out ticks);

    /// <summary>Quantity in lots; false if it is not a positive multiple of the step size.</summary>
    public bool TryQuantityToLots(decimal quantity, out long lots) => TryToUnits(quantity, StepSize, out lots);

    public decimal TicksToPrice(long ticks) => ticks * TickSize;
    public decimal LotsToQuantity(long lots) => lots * StepSize;

    public string FormatPrice(long ticks) => Normalize(ticks * TickSize);
    public string FormatQuantity(long lots) => Normalize(lots * StepSize);

    /// <summary>Quantity in lots rounded down to a whole lot (for min/max from config).</summary>
    public long LotsFloor(decimal quantity) => (long)decimal.Floor(quantity / StepSize);

    private static bool TryToUnits(decimal value, decimal unit, out long units)
    {
        units = 0;
        if (value <= 0 || unit <= 0) return false;
        decimal n = value / unit;
        if (n != decimal.Truncate(n) || n > long.MaxValue) return false;
        units = (long)n;
        return true;
    }

    private static string Normalize(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Symbol} (id {Id})";
}

using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.TestSupport;

/// <summary>The market the front-end tests trade.</summary>
public static class TestMarkets
{
    /// <summary>SOL_USDC_PERP: 0.01 USDC ticks, 0.001 lots, 10% band, 2/5 bp fees, IMF 5%, MMF 2.5%, flat curves.</summary>
    public static MarketDefinition Sol() => new()
    {
        Symbol = "SOL_USDC_PERP",
        TickSize = 0.01m,
        StepSize = 0.001m,
        MinQuantity = 0.001m,
        MaxQuantity = 100_000m,
        PriceBand = 0.10m,
        MakerFee = 0.0002m,
        TakerFee = 0.0005m,
        BaseImf = 0.05m,
        ImfFactor = 0,
        BaseMmf = 0.025m,
        MmfFactor = 0,
        ReferencePrice = 180m,
    };
}

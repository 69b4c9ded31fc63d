namespace Backpack.Gateway.Protocol.Markets;

/// <summary>
/// A market's unit conversions computed once (the <see cref="MarketDefinition"/> properties do
/// decimal arithmetic on every read): text prices and quantities are parsed at
/// <see cref="PriceScale"/> / <see cref="QuantityScale"/> decimals and divided by the tick and
/// step in those units to get engine ticks and lots.
/// </summary>
public readonly struct MarketUnits
{
    public MarketUnits(MarketDefinition market)
    {
        PriceScale = market.PriceScale;
        TickUnits = market.TickUnits;
        QuantityScale = market.QuantityScale;
        StepUnits = market.StepUnits;
        QuotePerTickLot = market.QuotePerTickLot;
    }

    /// <summary>Decimals of the tick size.</summary>
    public int PriceScale { get; }

    /// <summary>The tick size in units of 10^-PriceScale.</summary>
    public long TickUnits { get; }

    /// <summary>Decimals of the step size.</summary>
    public int QuantityScale { get; }

    /// <summary>The step size in units of 10^-QuantityScale.</summary>
    public long StepUnits { get; }

    /// <summary>micro-USDC of notional per tick x lot.</summary>
    public long QuotePerTickLot { get; }
}

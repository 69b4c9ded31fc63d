using Backpack.Gateway.Protocol.Text;

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

    /// <summary>A price as text ("180.25") in ticks; false unless it is a positive multiple of the tick size.</summary>
    public bool TryParsePrice(ReadOnlySpan<byte> text, out long ticks) => TryParseUnits(text, PriceScale, TickUnits, out ticks);

    /// <summary>A quantity as text in lots; false unless it is a positive multiple of the step size.</summary>
    public bool TryParseQuantity(ReadOnlySpan<byte> text, out long lots) => TryParseUnits(text, QuantityScale, StepUnits, out lots);

    /// <summary>Writes a price in ticks as decimal text without trailing zeros; returns the bytes written.</summary>
    public int WritePrice(Span<byte> destination, long ticks) => DecimalText.WriteScaled(destination, ticks * TickUnits, PriceScale);

    /// <summary>Writes a quantity in lots as decimal text; returns the bytes written.</summary>
    public int WriteQuantity(Span<byte> destination, long lots) => DecimalText.WriteScaled(destination, lots * StepUnits, QuantityScale);

    /// <summary>
    /// The average price of <paramref name="lots"/> lots that cost <paramref name="quote"/>
    /// micro-USDC, in units of 10^-<paramref name="scale"/> (the tick's decimals + 4), rounded half
    /// up; 0 for no lots.
    /// </summary>
    public long AveragePrice(long quote, long lots, out int scale)
    {
        scale = PriceScale + 4;
        if (lots == 0) return 0;
        // price x 10^scale = quote x TickUnits x 10^4 / (lots x QuotePerTickLot)
        Int128 numerator = (Int128)quote * TickUnits * 10_000 * 2;
        Int128 denominator = (Int128)lots * QuotePerTickLot;
        return (long)((numerator / denominator + 1) / 2);
    }

    private static bool TryParseUnits(ReadOnlySpan<byte> text, int scale, long unit, out long count)
    {
        count = 0;
        if (!DecimalText.TryParseScaled(text, scale, out long units) || units <= 0 || units % unit != 0) return false;
        count = units / unit;
        return true;
    }
}

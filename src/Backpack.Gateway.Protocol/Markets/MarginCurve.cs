namespace Backpack.Gateway.Protocol.Markets;

/// <summary>
/// A market's margin curves as people are shown them: IMF / MMF = max(base, factor x sqrt(notional
/// in USDC)), Backpack's "sqrt" function. Display figures; the engine's own margin arithmetic is
/// exact and decides.
/// </summary>
public static class MarginCurve
{
    public static decimal Initial(MarketDefinition market, decimal notionalUsdc) => Fraction(market.BaseImf, market.ImfFactor, notionalUsdc);

    public static decimal Maintenance(MarketDefinition market, decimal notionalUsdc) => Fraction(market.BaseMmf, market.MmfFactor, notionalUsdc);

    private static decimal Fraction(decimal baseFraction, decimal factor, decimal notionalUsdc) =>
        Math.Max(baseFraction, factor * (decimal)Math.Sqrt((double)Math.Abs(notionalUsdc)));
}

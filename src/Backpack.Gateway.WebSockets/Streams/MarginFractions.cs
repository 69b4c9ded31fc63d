using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// Display figures for position updates, from the market's margin curves: IMF/MMF =
/// max(base, factor x sqrt(notional in USDC)), and an estimate of the mark price at which the
/// account would reach maintenance if only this market's price moved. These are shown to people
/// (labelled estimates); the engine's own margin arithmetic is exact and decides.
/// </summary>
internal static class MarginFractions
{
    public static long InitialPpm(MarketDefinition market, long notionalMicros) => Fraction(market.BaseImf, market.ImfFactor, notionalMicros);

    public static long MaintenancePpm(MarketDefinition market, long notionalMicros) => Fraction(market.BaseMmf, market.MmfFactor, notionalMicros);

    private static long Fraction(decimal baseFraction, decimal factor, long notionalMicros)
    {
        decimal curve = factor * (decimal)Math.Sqrt(notionalMicros / 1e6);
        return (long)decimal.Ceiling(Math.Max(baseFraction, curve) * 1_000_000m);
    }

    /// <summary>
    /// Solves equity(P) = maintenance(P) for the mark P of one market, the account's other positions
    /// held at their marks: P = (MM_other - collateral - uPnL_other + cost) / (lotValue x (q - |q| x mmf)).
    /// Returns the price in units of 10^-PriceScale, rounded to a tick towards the position's
    /// adverse side (up for a long, down for a short), or null when there is none (a price at or below 0).
    /// <paramref name="mark"/> is this market's mark (it sets the maintenance fraction).
    /// </summary>
    public static long? EstimatedLiquidationPrice(MarketDirectory markets, AccountView view, int marketId, long quantity, long entryNotional, long mark, long[] marks)
    {
        decimal otherMaintenance = 0, otherUnrealized = 0;
        foreach (var (id, p) in view.Positions)
        {
            if (id == marketId || p.Quantity == 0) continue;
            long otherMark = marks[id] != 0 ? marks[id] : p.MarkPrice;
            decimal value = (decimal)p.Quantity * otherMark * markets.Units(id).QuotePerTickLot;
            otherUnrealized += value - Math.Sign(p.Quantity) * p.EntryNotional;
            otherMaintenance += Math.Abs(value) * MaintenancePpm(markets[id], (long)Math.Abs(value)) / 1_000_000m;
        }
        ref readonly var units = ref markets.Units(marketId);
        decimal ownNotional = Math.Abs((decimal)quantity * mark * units.QuotePerTickLot);
        decimal mmf = MaintenancePpm(markets[marketId], (long)Math.Min(ownNotional, long.MaxValue)) / 1_000_000m;
        decimal numerator = otherMaintenance - view.Collateral - otherUnrealized + Math.Sign(quantity) * (decimal)entryNotional;
        decimal denominator = units.QuotePerTickLot * (quantity - Math.Abs(quantity) * mmf);
        if (denominator == 0) return null;
        decimal ticks = numerator / denominator;
        if (ticks <= 0 || ticks > long.MaxValue / Math.Max(units.TickUnits, 1)) return null;
        long rounded = (long)(quantity > 0 ? decimal.Ceiling(ticks) : decimal.Floor(ticks));
        return rounded <= 0 ? null : rounded * units.TickUnits;
    }
}

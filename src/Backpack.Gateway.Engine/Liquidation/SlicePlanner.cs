using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>One stage-1 order: an IOC reduce-only slice of a position, priced inside its protection band.</summary>
internal readonly record struct SlicePlan(int Market, Side Side, long Limit, long Lots, long BankruptcyPrice, long Urgency, long BandDepth);

/// <summary>
/// Sizes and prices stage-1 slices. The slice closes part of the position with the largest
/// maintenance margin: a share that grows with the urgency (how far equity has fallen from
/// maintenance towards the auto-close level where the backstop takes over, or towards bankruptcy),
/// bounded by the depth resting inside the protection band, so a position is worked out on the book
/// while the book can take it and nothing is sent that could only expire.
/// </summary>
internal sealed class SlicePlanner(AccountStore accounts, Market[] markets, AccountMargin margin, LiquidationLimits options)
{
    /// <summary>The slice a liquidating account sends now, or null when no market of its positions can take one (paused, or nothing in the band).</summary>
    public SlicePlan? ForLiquidation(int account, in MarginFigures f, long backstopLevel, long now)
    {
        int market = -1;
        long bestMm = -1;
        for (int m = 0; m < markets.Length; m++)
        {
            if (accounts.PositionOf(account, m).Quantity == 0 || markets[m].IsStale(now, options.StaleMarkMicros)) continue;
            long positionMm = margin.PositionFigures(account, m).MaintenanceMargin;
            if (positionMm > bestMm)
            {
                bestMm = positionMm;
                market = m;
            }
        }
        if (market < 0) return null;

        Market mk = markets[market];
        long q = accounts.PositionOf(account, market).Quantity;
        var (notional, mm) = margin.PositionFigures(account, market);
        Side side = q > 0 ? Side.Sell : Side.Buy;
        long urgency = LiquidationMath.Urgency(f, backstopLevel);
        long limit = LiquidationMath.SliceLimit(mk, side, f, MarginCalculator.MmfPpm(mk.Rules, notional), options.BandMultiplierPpm, options.MinBandAbrPpm);
        long depth = mk.Book.OppositeOf(side).DepthTo(limit);
        long lots = LiquidationMath.SliceQuantity(Math.Abs(q), notional, mk.Rules.QuotePerTickLot * mk.MarkPrice, urgency, Takeable(depth), options);
        if (lots == 0) return null;
        long bankruptcy = LiquidationMath.BankruptcyPrice(mk.Rules, mk.MarkPrice, q, LiquidationMath.EquityShare(f.Equity, mm, f.MaintenanceMargin));
        return new SlicePlan(market, side, limit, lots, bankruptcy, urgency, depth);
    }

    /// <summary>
    /// At the auto-close level, before the backstop: the whole position in <paramref name="market"/>
    /// offered to the book at prices inside the band and no worse than its bankruptcy price (so the
    /// fund never pays for these fills), bounded by the depth there; null when nothing rests there.
    /// </summary>
    public SlicePlan? AtAutoClose(int account, int market, in MarginFigures f)
    {
        long q = accounts.PositionOf(account, market).Quantity;
        if (q == 0 || f.Equity <= 0) return null;
        Market mk = markets[market];
        var (notional, mm) = margin.PositionFigures(account, market);
        Side side = q > 0 ? Side.Sell : Side.Buy;
        long bankruptcy = LiquidationMath.BankruptcyPrice(mk.Rules, mk.MarkPrice, q, LiquidationMath.EquityShare(f.Equity, mm, f.MaintenanceMargin));
        long band = LiquidationMath.SliceLimit(mk, side, f, MarginCalculator.MmfPpm(mk.Rules, notional), options.BandMultiplierPpm, options.MinBandAbrPpm);
        long limit = side == Side.Sell ? Math.Max(band, bankruptcy) : Math.Min(band, bankruptcy);
        if (limit <= 0) return null;
        long depth = mk.Book.OppositeOf(side).DepthTo(limit);
        long lots = Math.Min(Math.Abs(q), Takeable(depth));
        return lots == 0 ? null : new SlicePlan(market, side, limit, lots, bankruptcy, FixedMath.PartsPerMillion, depth);
    }

    /// <summary>The insurance fund's unwinding of what it took over in one market: the base share, the widest band.</summary>
    public SlicePlan? ForFund(int fund, int market)
    {
        long q = accounts.PositionOf(fund, market).Quantity;
        if (q == 0) return null;
        Market mk = markets[market];
        var (notional, _) = margin.PositionFigures(fund, market);
        Side side = q > 0 ? Side.Sell : Side.Buy;
        var full = new MarginFigures(0, 1, notional); // ABR = 1: the widest protection band
        long limit = LiquidationMath.SliceLimit(mk, side, full, MarginCalculator.MmfPpm(mk.Rules, notional), options.BandMultiplierPpm);
        long depth = mk.Book.OppositeOf(side).DepthTo(limit);
        long lots = LiquidationMath.SliceQuantity(Math.Abs(q), notional, mk.Rules.QuotePerTickLot * mk.MarkPrice, 0, Takeable(depth), options);
        return lots == 0 ? null : new SlicePlan(market, side, limit, lots, 0, 0, depth);
    }

    private long Takeable(long depth) =>
        options.BandDepthSharePpm >= FixedMath.PartsPerMillion ? depth : FixedMath.MulDivFloor(depth, options.BandDepthSharePpm, FixedMath.PartsPerMillion);
}

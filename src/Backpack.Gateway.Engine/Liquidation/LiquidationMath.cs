using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>The prices and fees of the liquidation reference, in engine units, with their rounding.</summary>
internal static class LiquidationMath
{
    /// <summary>
    /// Bankruptcy price (ticks) of a position of <paramref name="quantity"/> lots: the price at which
    /// closing it uses up exactly its share of the account's equity, <paramref name="equityShare"/>
    /// (micro-USDC; negative when the account is underwater). A long's is rounded up and a short's
    /// down, so closing at it never leaves the fund to pay.
    /// </summary>
    public static long BankruptcyPrice(MarketRules rules, long mark, long quantity, long equityShare)
    {
        long lotValue = Math.Abs(quantity) * rules.QuotePerTickLot;
        return quantity > 0
            ? mark - FixedMath.DivFloor(equityShare, lotValue)  // mark - share/value, rounded up
            : mark + FixedMath.DivFloor(equityShare, lotValue); // mark + share/value, rounded down
    }

    /// <summary>
    /// The account's equity shared out by each position's share of maintenance margin
    /// (reference: "for a partial close, the account's equity shared out by each position's share
    /// of maintenance margin"). Rounded toward minus infinity (a smaller share is the safer side).
    /// </summary>
    public static long EquityShare(long equity, long positionMm, long totalMm) =>
        totalMm == 0 ? equity : FixedMath.MulDivFloor(equity, positionMm, totalMm);

    /// <summary>
    /// Fee and shortfall of one liquidation fill: the fee is min(rate x notional, the fill's surplus
    /// over the bankruptcy price), never negative; the shortfall is what the fill fell short of the
    /// bankruptcy price, which the insurance fund pays.
    /// </summary>
    public static (long Fee, long Shortfall) FeeAndShortfall(MarketRules rules, Side closeSide, long price, long quantity, long bankruptcyPrice, long feePpm)
    {
        long surplusTicks = closeSide == Side.Sell ? price - bankruptcyPrice : bankruptcyPrice - price;
        long surplus = rules.Quote(surplusTicks, quantity);
        if (surplus < 0) return (0, -surplus);
        long fee = Math.Min(FixedMath.MulDivCeil(rules.Quote(price, quantity), feePpm, FixedMath.PartsPerMillion), surplus);
        return (fee, 0);
    }

    /// <summary>
    /// Worst price a stage-1 slice may trade at: mark x (1 -/+ max(ABR, minimum ABR) x multiplier x MMF),
    /// with ABR = clamp(1 - E/MM, 0, 1), and never beyond the market's own band.
    /// </summary>
    public static long SliceLimit(Market market, Side closeSide, in MarginFigures f, long mmfPpm, long multiplierPpm, long minAbrPpm = 0)
    {
        long abr = Math.Max(minAbrPpm, BandRatio(f));
        long widthPpm = FixedMath.MulDivFloor(FixedMath.MulDivFloor(abr, multiplierPpm, FixedMath.PartsPerMillion), mmfPpm, FixedMath.PartsPerMillion);
        long mark = market.MarkPrice;
        return closeSide == Side.Sell
            ? Math.Max(market.BandLow, FixedMath.MulDivCeil(mark, FixedMath.PartsPerMillion - widthPpm, FixedMath.PartsPerMillion))
            : Math.Min(market.BandHigh, FixedMath.MulDivFloor(mark, FixedMath.PartsPerMillion + widthPpm, FixedMath.PartsPerMillion));
    }

    /// <summary>ABR = clamp(1 - E/MM, 0, 1) in ppm: 0 at maintenance, 1 at bankruptcy.</summary>
    public static long BandRatio(in MarginFigures f) =>
        f.Equity <= 0 || f.MaintenanceMargin <= 0 ? FixedMath.PartsPerMillion
            : Math.Clamp(FixedMath.PartsPerMillion - FixedMath.MulDivFloor(f.Equity, FixedMath.PartsPerMillion, f.MaintenanceMargin), 0, FixedMath.PartsPerMillion);

    /// <summary>
    /// Equity at the auto-close margin fraction, where the backstop takes over:
    /// ACMF x notional with ACMF = max(accountMMF x share, accountMMF - offset).
    /// </summary>
    public static long BackstopLevel(in MarginFigures f, long sharePpm, long offsetPpm) => Math.Max(
        FixedMath.MulDivCeil(f.MaintenanceMargin, sharePpm, FixedMath.PartsPerMillion),
        f.MaintenanceMargin - FixedMath.MulDivFloor(f.Notional, offsetPpm, FixedMath.PartsPerMillion));

    /// <summary>
    /// Urgency of a liquidation in ppm, 0 at maintenance (E = MM) to 1 at the auto-close level or at
    /// bankruptcy, whichever is nearer: max((MM - E) / (MM - backstop level), ABR).
    /// </summary>
    public static long Urgency(in MarginFigures f, long backstopLevel)
    {
        long abr = BandRatio(f);
        long room = f.MaintenanceMargin - backstopLevel;
        if (room <= 0 || f.Equity <= backstopLevel) return FixedMath.PartsPerMillion;
        long toBackstop = Math.Clamp(FixedMath.MulDivCeil(f.MaintenanceMargin - f.Equity, FixedMath.PartsPerMillion, room), 0, FixedMath.PartsPerMillion);
        return Math.Max(abr, toBackstop);
    }

    /// <summary>
    /// Price a backstop provider takes a position at: 2/3 x bankruptcy + 1/3 x mark, kept within
    /// mark x (1 -/+ band). The provider of a long (it buys) pays the rounded-up price, of a short
    /// (it sells) gets the rounded-down price: the fund keeps the rounding.
    /// </summary>
    public static long ProviderPrice(long mark, long bankruptcyPrice, Side liquidatedCloseSide, long bandPpm)
    {
        long sum = 2 * bankruptcyPrice + mark;
        long price = liquidatedCloseSide == Side.Sell ? FixedMath.DivCeil(sum, 3) : FixedMath.DivFloor(sum, 3);
        long low = FixedMath.MulDivCeil(mark, FixedMath.PartsPerMillion - bandPpm, FixedMath.PartsPerMillion);
        long high = FixedMath.MulDivFloor(mark, FixedMath.PartsPerMillion + bandPpm, FixedMath.PartsPerMillion);
        return Math.Clamp(price, Math.Max(1, low), Math.Max(1, high));
    }

    /// <summary>
    /// Lots of a slice: a share of the position that grows with <paramref name="urgencyPpm"/> from the
    /// base share (10%, 20% above the large notional) to the urgent share, at least min(position, min
    /// notional); then at most <paramref name="bandDepthLots"/> (the depth inside the band that may be
    /// taken), which can make it 0.
    /// </summary>
    public static long SliceQuantity(long positionLots, long notional, long lotValueAtMark, long urgencyPpm, long bandDepthLots, LiquidationLimits o)
    {
        long baseShare = notional > o.LargePositionMicros ? o.LargeSlicePpm : o.SlicePpm;
        long share = baseShare + FixedMath.MulDivFloor(Math.Max(0, o.UrgentSlicePpm - baseShare), Math.Clamp(urgencyPpm, 0, FixedMath.PartsPerMillion), FixedMath.PartsPerMillion);
        long lots = FixedMath.MulDivCeil(positionLots, share, FixedMath.PartsPerMillion);
        long minimum = lotValueAtMark <= 0 ? positionLots : FixedMath.DivCeil(o.MinSliceMicros, lotValueAtMark);
        lots = Math.Min(positionLots, Math.Max(lots, Math.Min(positionLots, minimum)));
        return Math.Max(0, Math.Min(lots, bandDepthLots));
    }
}

using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>A market's latest funding estimate: the rate of the interval under way (parts per billion) and when it is paid (engine microseconds; 0 = none known yet).</summary>
internal readonly record struct FundingEstimate(long Rate, long NextFundingTime)
{
    public bool Known => NextFundingTime != 0;
}

/// <summary>
/// Funding in the streams: markPrice's estimated rate f (a decimal fraction of notional) and next
/// funding time n (milliseconds, as Backpack sends it, unlike every other time), and our own
/// account.fundingPayment.
/// </summary>
internal sealed partial class StreamEncoder
{
    /// <summary>Funding rates are parts per billion: nine decimals.</summary>
    private const int RateScale = 9;

    public void MarkPrice(MessageWriter w, in MarkPrice e, in FundingEstimate funding)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.String("e"u8, "markPrice"u8);
        w.Number("E"u8, e.Header.Time);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.Price("p"u8, e.Price, units);
        if (funding.Known) w.Decimal("f"u8, funding.Rate, RateScale);
        w.Price("i"u8, e.IndexPrice, units);
        if (funding.Known) w.Number("n"u8, funding.NextFundingTime / 1000);
        w.Number("T"u8, e.Header.Time);
    }

    /// <summary>One funding payment of the account (ours: Backpack has no such stream).</summary>
    public void FundingPayment(MessageWriter w, in FundingPayment e)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.String("e"u8, "fundingPayment"u8);
        w.Number("E"u8, e.Header.Time);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.Decimal("fundingRate"u8, e.Rate, RateScale);
        w.Quantity("positionQuantity"u8, e.Quantity, units);
        w.Price("markPrice"u8, e.MarkPrice, units);
        w.Usdc("amount"u8, e.Amount);
        w.Usdc("collateral"u8, e.Collateral);
        w.Number("fundingTime"u8, e.IntervalEnd);
        w.Number("T"u8, e.Header.Time);
    }
}

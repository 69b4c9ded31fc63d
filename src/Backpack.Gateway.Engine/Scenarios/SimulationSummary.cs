namespace Backpack.Gateway.Engine.Scenarios;

/// <summary>What a simulated crash did (money in micro-USDC, times in microseconds of wall time).</summary>
public sealed record SimulationSummary(
    string Scenario,
    int Accounts,
    long Commands,
    long Events,
    long LiquidationsStarted,
    int AccountsLiquidated,
    long Averted,
    long Partial,
    long Full,
    long Bankrupt,
    long BookNotional,
    long BackstopNotional,
    long FundNotional,
    long AdlNotional,
    long FundStart,
    long FundEnd,
    long LargestShortfall,
    long FundingPaid,
    long FundingReceived,
    long FundingResidue,
    long FundingPayments,
    int StopsPlaced,
    long StopsFired,
    long StopsFailed,
    int NegativeEquityAccounts,
    int StillLiquidating,
    TimingSummary MarkUpdates,
    TimingSummary Ticks,
    long MonitorEvaluations,
    long TriggersFired,
    WorstMarkUpdate Worst,
    ulong StateHash,
    MarketSize Size,
    Slippage BookSlippage,
    Slippage CloseSlippage,
    long AdlCloses)
{
    public long TotalNotional => BookNotional + BackstopNotional + FundNotional + AdlNotional;
    public double Share(long notional) => TotalNotional == 0 ? 0 : (double)notional / TotalNotional;
}

/// <summary>The slowest mark update and what it did: accounts it examined, liquidations and margin calls it started.</summary>
public sealed record WorstMarkUpdate(double Micros, long Examined, int LiquidationsStarted, int MarginCalls);

/// <summary>Wall time of one kind of command, microseconds.</summary>
public sealed record TimingSummary(int Count, double Mean, double P50, double P99, double Max)
{
    public static TimingSummary Of(List<double> samples)
    {
        if (samples.Count == 0) return new TimingSummary(0, 0, 0, 0, 0);
        var sorted = samples.Order().ToArray();
        return new TimingSummary(sorted.Length, sorted.Average(), sorted[sorted.Length / 2],
            sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))], sorted[^1]);
    }
}

/// <summary>The population against the book at the start: long open interest and bids within 1% of the index, USDC summed over the markets.</summary>
public sealed record MarketSize(long OpenInterest, long BidDepthWithinOnePercent)
{
    public double Ratio => BidDepthWithinOnePercent == 0 ? 0 : (double)OpenInterest / BidDepthWithinOnePercent;
}

/// <summary>How far liquidation closes were from the mark at that moment, in basis points (positive: worse for the liquidated account).</summary>
public sealed record Slippage(long Fills, double MeanBp, double WorstBp);

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// The fixed score bands of the public ADL queue (AdlQueueBand). A score is PnL% x effective leverage
/// in profit (0.5 = 10% up at 5x) and PnL% / effective leverage at a loss; a band holds the scores
/// from its lower edge up to the next band's. Band 0 (score 10 and above) is deleveraged first, band
/// 8 holds the positions at a loss (<see cref="AdlBand"/>).
/// </summary>
public static class AdlBands
{
    /// <summary>Lower edge of each band's score in parts per million, highest band first; the last band has none.</summary>
    public static readonly long[] LowerEdgePpm = [10_000_000, 5_000_000, 2_000_000, 1_000_000, 500_000, 200_000, 100_000, 0, long.MinValue];

    public static int Count => LowerEdgePpm.Length;

    /// <summary>The band of a score in parts per million.</summary>
    public static AdlBand Of(long scorePpm)
    {
        int band = 0;
        while (scorePpm < LowerEdgePpm[band]) band++;
        return (AdlBand)band;
    }
}

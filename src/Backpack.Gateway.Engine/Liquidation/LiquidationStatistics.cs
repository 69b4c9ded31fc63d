namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>Running totals of the liquidation pipeline (money in micro-USDC).</summary>
public sealed class LiquidationStatistics
{
    public long Started { get; internal set; }
    public long Averted { get; internal set; }
    public long Partial { get; internal set; }
    public long Full { get; internal set; }
    public long Bankrupt { get; internal set; }

    /// <summary>Notional closed on the order book (stage 1).</summary>
    public long BookNotional { get; internal set; }

    /// <summary>Notional taken over by backstop providers (stage 2).</summary>
    public long ProviderNotional { get; internal set; }

    /// <summary>Notional taken over by the insurance fund (stage 2, taker of last resort).</summary>
    public long FundNotional { get; internal set; }

    /// <summary>Notional closed by auto-deleveraging (stage 3).</summary>
    public long AdlNotional { get; internal set; }

    public long LiquidationFees { get; internal set; }
    public long ShortfallsPaid { get; internal set; }
    public long LargestShortfall { get; internal set; }

    public long Active { get; internal set; }

    /// <summary>Flat accounts below zero outside a liquidation whose deficit the fund paid (in part or whole).</summary>
    public long DeficitsSettled { get; internal set; }

    public long TotalNotional => BookNotional + ProviderNotional + FundNotional + AdlNotional;

    /// <summary>A copy of the totals now (the engine keeps counting in this instance).</summary>
    public LiquidationStatistics Copy() => (LiquidationStatistics)MemberwiseClone();

    internal void Save(State.SnapshotWriter w)
    {
        foreach (long value in (long[])[Started, Averted, Partial, Full, Bankrupt, BookNotional, ProviderNotional, FundNotional, AdlNotional,
                     LiquidationFees, ShortfallsPaid, LargestShortfall, Active, DeficitsSettled])
        {
            w.Long(value);
        }
    }

    internal void Load(ref State.SnapshotReader r)
    {
        Started = r.Long(); Averted = r.Long(); Partial = r.Long(); Full = r.Long(); Bankrupt = r.Long();
        BookNotional = r.Long(); ProviderNotional = r.Long(); FundNotional = r.Long(); AdlNotional = r.Long();
        LiquidationFees = r.Long(); ShortfallsPaid = r.Long(); LargestShortfall = r.Long(); Active = r.Long(); DeficitsSettled = r.Long();
    }
}

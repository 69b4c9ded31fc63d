namespace Backpack.Gateway.Engine.Scenarios;

/// <summary>Who takes part in a simulated crash.</summary>
public sealed class PopulationOptions
{
    /// <summary>Traders holding positions (paired long/short at the start price).</summary>
    public int Accounts { get; set; } = 10_000;

    public int Seed { get; set; } = 1;

    /// <summary>Leverage and weight pairs, e.g. "2:30,5:35,10:25,20:10" (capped at 90% of each market's maximum).</summary>
    public string LeverageMix { get; set; } = "2:30,5:35,10:25,20:10";

    public decimal MinDeposit { get; set; } = 500m;
    public decimal MaxDeposit { get; set; } = 20_000m;

    /// <summary>Market makers quoting ladders around the index after every tick.</summary>
    public int MarketMakers { get; set; } = 10;

    /// <summary>Levels per side each market maker quotes.</summary>
    public int Levels { get; set; } = 20;

    /// <summary>Distance between levels as a fraction of the index.</summary>
    public decimal LevelSpacing { get; set; } = 0.001m;

    /// <summary>Distance of each maker's best quote from the index (0: one level spacing, the ladders of the default population).</summary>
    public decimal HalfSpread { get; set; }

    /// <summary>
    /// When above 0, the number of traders is derived (<see cref="TradersFor"/>) so that each market's
    /// expected open interest is this many times the bids resting within 1% of the index.
    /// </summary>
    public decimal OpenInterestToDepth { get; set; }

    /// <summary>USDC notional each market maker quotes per level at liquidity 1; 0 = 2 USDC per trader (books scale with the population).</summary>
    public decimal LiquidityPerLevel { get; set; }

    /// <summary>Entry prices of the opening trades spread this far around the start price (so liquidation prices spread too).</summary>
    public decimal EntrySpread { get; set; } = 0.02m;

    /// <summary>Engine ticks (liquidation steps) per second of scenario time, as the host's clock would send them.</summary>
    public int TicksPerSecond { get; set; } = 1;

    /// <summary>Milliseconds between two requotes of the market makers (0: after every index step that carries a tick).</summary>
    public int RequoteMilliseconds { get; set; }

    public decimal EffectiveLiquidityPerLevel => LiquidityPerLevel > 0 ? LiquidityPerLevel : 2m * Accounts;

    /// <summary>Distance from the index of maker <paramref name="maker"/>'s level <paramref name="level"/> (1 = best), as a fraction.</summary>
    public decimal LevelOffset(int level, int maker) =>
        HalfSpread > 0 ? HalfSpread + LevelSpacing * (level - 1 + maker / (decimal)MarketMakers) : LevelSpacing * (level + maker / (decimal)MarketMakers);

    /// <summary>USDC of bids within 1% of the index per market at liquidity 1, as the makers quote them.</summary>
    public decimal BidDepthWithinOnePercent()
    {
        decimal depth = 0;
        for (int i = 0; i < MarketMakers; i++)
        {
            for (int level = 1; level <= Levels; level++)
            {
                if (LevelOffset(level, i) <= 0.01m) depth += EffectiveLiquidityPerLevel;
            }
        }
        return depth;
    }

    /// <summary>
    /// Traders (an even number: longs and their shorts) whose expected open interest per market is
    /// <see cref="OpenInterestToDepth"/> times <see cref="BidDepthWithinOnePercent"/>: a long's notional
    /// is its deposit (uniform between the bounds) times its leverage (the mix's mean; the jitter
    /// averages out), positions spread evenly over the markets.
    /// </summary>
    public int TradersFor(int markets)
    {
        if (OpenInterestToDepth <= 0) return Accounts;
        var mix = ParseLeverageMix();
        decimal leverage = mix.Sum(x => x.Leverage * x.Weight) / mix.Sum(x => x.Weight);
        decimal perLong = (MinDeposit + MaxDeposit) / 2 * leverage;
        decimal pairs = Math.Ceiling(OpenInterestToDepth * BidDepthWithinOnePercent() * markets / perLong);
        return (int)Math.Max(2, 2 * pairs);
    }

    /// <summary>
    /// A population calibrated on a real venue against the demo's book: the demo's liquidity
    /// provider (one maker, 8 levels a side 5 bp from the index and 10 bp apart, 20,000 USDC each,
    /// replaced every second) and engine (a tick every 250 ms),
    /// its backstop (one provider of 250,000 USDC a minute and 2,000,000 an hour, a fund of 250,000
    /// USDC), and open interest 58 times the bids within 1% of the index: Binance's BTCUSDT
    /// perpetual had 191 M USDT of bids within 1% of the mid on 2025-05-19 (its public bookDepth
    /// data) against about 11 B USD of open interest (Coinglass, 2025). Retail deposits of 100 to
    /// 5,000 USDC. Leverage mostly low: the october-10-2025 path (-19%) then liquidates about 17% of
    /// the open interest, where on 10-11 October 2025 Bitcoin's perpetual open interest fell 18.6%
    /// (liquidations and closes together) and $19 B of $217 B of all perpetual open interest (8.8%)
    /// was liquidated (Coinglass and CoinDesk figures).
    /// </summary>
    public static PopulationOptions Calibrated() => new()
    {
        MarketMakers = 1,
        Levels = 8,
        HalfSpread = 0.0005m,
        LevelSpacing = 0.001m,
        LiquidityPerLevel = 20_000m,
        TicksPerSecond = 4,
        RequoteMilliseconds = 1000,
        BackstopProviders = 1,
        ProviderPerMinute = 250_000m,
        ProviderPerHour = 2_000_000m,
        InsuranceFund = 250_000m,
        MinDeposit = 100m,
        MaxDeposit = 5_000m,
        LeverageMix = "1:50,2:30,3:12,5:5,10:2,20:1",
        OpenInterestToDepth = 58m,
    };

    public int BackstopProviders { get; set; } = 3;
    public decimal ProviderPerMinute { get; set; } = 2_000_000m;
    public decimal ProviderPerHour { get; set; } = 50_000_000m;
    public decimal ProviderCollateral { get; set; } = 50_000_000m;

    /// <summary>The insurance fund's starting balance (an injection), USDC.</summary>
    public decimal InsuranceFund { get; set; } = 5_000_000m;

    /// <summary>Seconds of ticking at the final price after the scenario, for liquidations to finish.</summary>
    public int RecoverySeconds { get; set; } = 60;

    /// <summary>Share of the traders that protect their position with a stop-loss (a reduce-only stop-market order on the mark).</summary>
    public decimal StopLossShare { get; set; } = 0.3m;

    /// <summary>A stop-loss sits this far from the entry, drawn evenly between the two (fractions of the entry price).</summary>
    public decimal StopLossMinDistance { get; set; } = 0.02m;
    public decimal StopLossMaxDistance { get; set; } = 0.08m;

    /// <summary>Funding interval of every market for the simulation, seconds (scenarios last minutes, the markets' 8 hours would never pay); 0 = the markets' own.</summary>
    public int FundingIntervalSeconds { get; set; } = 60;

    public IReadOnlyList<(decimal Leverage, int Weight)> ParseLeverageMix()
    {
        var mix = new List<(decimal, int)>();
        foreach (string part in LeverageMix.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length != 2 || !decimal.TryParse(pieces[0], System.Globalization.CultureInfo.InvariantCulture, out decimal leverage)
                || !int.TryParse(pieces[1], out int weight) || leverage <= 0 || weight <= 0)
            {
                throw new FormatException($"LeverageMix: '{part}' is not leverage:weight (e.g. 10:25)");
            }
            mix.Add((leverage, weight));
        }
        if (mix.Count == 0) throw new FormatException("LeverageMix: empty");
        return mix;
    }
}

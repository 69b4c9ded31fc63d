namespace Backpack.Gateway.Host.Demo;

/// <summary>
/// Simulated activity (section Demo): a liquidity provider quoting every market and traders taking
/// positions, all as WebSocket clients of the venue's own endpoint, signing with the ApiSecret of
/// their account in Accounts. On in the demo configuration, off in a production-style one.
/// </summary>
public sealed class DemoOptions
{
    public bool Enabled { get; set; }

    /// <summary>Seed of the traders' choices.</summary>
    public int Seed { get; set; } = 7;

    public LiquidityProviderOptions LiquidityProvider { get; set; } = new();

    /// <summary>The simulated traders: an account each and the leverage it aims for.</summary>
    public List<DemoTraderOptions> Traders { get; set; } = [];

    /// <summary>Mean time between two actions of one trader.</summary>
    public TimeSpan TradeInterval { get; set; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<int, bool> accountsWithSecret)
    {
        var problems = new List<string>();
        if (!Enabled) return problems;
        void Account(string key, int id)
        {
            if (!accountsWithSecret.TryGetValue(id, out bool secret)) problems.Add($"{key}: account {id} is not in Accounts");
            else if (!secret) problems.Add($"{key}: account {id} has no ApiSecret to sign with");
        }
        var lp = LiquidityProvider;
        Account("Demo:LiquidityProvider:Account", lp.Account);
        if (lp.Levels is < 1 or > 50) problems.Add("Demo:LiquidityProvider:Levels must be 1 to 50");
        if (!(lp.HalfSpread is > 0 and < 0.05m)) problems.Add("Demo:LiquidityProvider:HalfSpread must be between 0 and 0.05");
        if (!(lp.LevelSpacing is > 0 and < 0.05m)) problems.Add("Demo:LiquidityProvider:LevelSpacing must be between 0 and 0.05");
        if (lp.LevelNotional <= 0) problems.Add("Demo:LiquidityProvider:LevelNotional must be positive");
        if (lp.RequoteInterval < TimeSpan.FromMilliseconds(100)) problems.Add("Demo:LiquidityProvider:RequoteInterval must be at least 00:00:00.100");
        for (int i = 0; i < Traders.Count; i++)
        {
            Account($"Demo:Traders:{i}:Account", Traders[i].Account);
            if (Traders[i].Account == lp.Account) problems.Add($"Demo:Traders:{i}:Account is the liquidity provider's");
            if (!(Traders[i].Leverage is >= 1 and <= 50)) problems.Add($"Demo:Traders:{i}:Leverage must be 1 to 50");
            if (!(Traders[i].StopLoss is >= 0 and < 0.5m)) problems.Add($"Demo:Traders:{i}:StopLoss must be 0 (none) or a fraction below 0.5");
        }
        if (TradeInterval < TimeSpan.FromMilliseconds(50)) problems.Add("Demo:TradeInterval must be at least 00:00:00.050");
        return problems;
    }
}

/// <summary>The demo's market maker: post-only ladders on both sides of each market's index.</summary>
public sealed class LiquidityProviderOptions
{
    public int Account { get; set; } = 1100;

    /// <summary>Price levels per side.</summary>
    public int Levels { get; set; } = 8;

    /// <summary>Distance of the best quote from the index, as a fraction (0.0005 = 5 bp).</summary>
    public decimal HalfSpread { get; set; } = 0.0005m;

    /// <summary>Distance between two levels, as a fraction of the index.</summary>
    public decimal LevelSpacing { get; set; } = 0.001m;

    /// <summary>USDC quoted at each level.</summary>
    public decimal LevelNotional { get; set; } = 20_000m;

    /// <summary>How often the ladders are replaced around the current index.</summary>
    public TimeSpan RequoteInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class DemoTraderOptions
{
    public int Account { get; set; }

    /// <summary>Position notional the trader aims for, as a multiple of its deposit.</summary>
    public decimal Leverage { get; set; } = 3;

    /// <summary>When it opens a position from flat, a stop-loss this far from the index (0.04 = 4%) goes with the order; 0 = none.</summary>
    public decimal StopLoss { get; set; }
}

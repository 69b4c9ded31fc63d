using Backpack.Gateway.Host.Demo;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Gateway.Host.Tests;

public class LiquidityProviderTests
{
    [Fact]
    public void The_ladder_steps_away_from_the_index_on_both_sides_with_the_configured_notional_per_level()
    {
        var sol = Demo.Settings.Markets.Single(m => m.Symbol == "SOL_USDC_PERP");
        var options = new LiquidityProviderOptions { Levels = 3, HalfSpread = 0.0005m, LevelSpacing = 0.001m, LevelNotional = 18_000m };
        var provider = new LiquidityProvider(null!, null!, Demo.Settings.Markets, options, NullLogger.Instance);

        var ladder = provider.Ladder(sol, 18_000).ToList(); // index 180.00

        Assert.Equal([17_991, 17_973, 17_955], ladder.Where(q => q.Side == "Bid").Select(q => q.Price)); // floor(18000 x (1 - 0.0005 - i x 0.001))
        Assert.Equal([18_009, 18_027, 18_045], ladder.Where(q => q.Side == "Ask").Select(q => q.Price)); // ceiling, the venue's way round
        Assert.Equal(100.05m, ladder[0].Quantity); // 18,000 USDC at 179.91, rounded down to a step of 0.01
        Assert.All(ladder, q => Assert.InRange(q.Quantity * q.Price * sol.TickSize, 17_980m, 18_000m));
    }
}

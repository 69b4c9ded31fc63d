namespace Backpack.Gateway.Host.PriceFeed;

/// <summary>
/// A seeded geometric random walk of prices in ticks: each step multiplies the price by
/// exp(sigma z - sigma^2 / 2) with z standard normal, rounds to a whole tick and never goes below one
/// tick. The same seed and the same calls give the same prices.
/// </summary>
public sealed class RandomWalk(int seed, double volatility)
{
    private readonly Random _random = new(seed);

    public long Next(long ticks)
    {
        if (ticks <= 0 || volatility == 0) return ticks;
        double factor = Math.Exp(volatility * StandardNormal() - volatility * volatility / 2);
        return Math.Max(1, (long)Math.Round(ticks * factor, MidpointRounding.ToEven));
    }

    private double StandardNormal()
    {
        // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

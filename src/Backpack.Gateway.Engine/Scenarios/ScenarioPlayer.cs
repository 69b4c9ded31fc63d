namespace Backpack.Gateway.Engine.Scenarios;

/// <summary>One timed step of a scenario: new index prices (ticks, per market) and whether an engine Tick follows.</summary>
public readonly record struct ScenarioStep(long OffsetMicros, long[] IndexPrices, bool Tick);

/// <summary>
/// Turns a scenario into timed index prices and engine ticks: one step every
/// <see cref="CrashScenario.StepMilliseconds"/> (or every tick, if ticks come more often) from 0 to
/// the duration, each market's index at start x (1 + move), rounded to a tick; an engine Tick
/// every <paramref name="tickMicros"/> (default: each second).
/// </summary>
public static class ScenarioPlayer
{
    public static IEnumerable<ScenarioStep> Steps(CrashScenario scenario, IReadOnlyList<long> startPrices, long tickMicros = 1_000_000)
    {
        long stepMicros = Math.Min(scenario.StepMilliseconds * 1_000L, tickMicros);
        long end = scenario.DurationSeconds * 1_000_000L;
        long nextTick = 0;
        for (long t = 0; t <= end; t += stepMicros)
        {
            decimal factor = 1 + scenario.MoveAt(t / 1_000_000.0);
            var prices = new long[startPrices.Count];
            for (int m = 0; m < prices.Length; m++) prices[m] = Math.Max(1, (long)decimal.Round(startPrices[m] * factor));
            bool tick = t >= nextTick;
            if (tick) nextTick += tickMicros;
            yield return new ScenarioStep(t, prices, tick);
        }
    }
}

namespace Backpack.Gateway.Host.PriceFeed;

/// <summary>The simulated index feed (section PriceFeed).</summary>
public sealed class PriceFeedOptions
{
    /// <summary>
    /// Move every market's index by a random walk between scenarios; false keeps it still (it is
    /// still published every Interval, so marks do not go stale, and scenarios still play).
    /// </summary>
    public bool Walk { get; set; } = true;

    /// <summary>Time between two random-walk steps.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Standard deviation of one step's relative move (0.0005 = 5 basis points).</summary>
    public double Volatility { get; set; } = 0.0005;

    /// <summary>Seed of the random walk: the same seed gives the same sequence of prices.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Where the crash scenarios are: one JSON file each, known by its "name" field (two files may not share one).</summary>
    public string ScenarioDirectory { get; set; } = "config/scenarios";

    /// <summary>A scenario to start by itself after <see cref="ScenarioDelay"/> (command line: --scenario name).</summary>
    public string? Scenario { get; set; }

    /// <summary>How long after the start <see cref="Scenario"/> begins, so that the demo traders hold positions by then.</summary>
    public TimeSpan ScenarioDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Playback speed of <see cref="Scenario"/>: 10 plays a 180-second scenario in 18 seconds.</summary>
    public double ScenarioSpeed { get; set; } = 1;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Interval < TimeSpan.FromMilliseconds(10)) problems.Add("PriceFeed:Interval must be at least 00:00:00.010");
        if (!(Volatility >= 0 && Volatility <= 0.05)) problems.Add("PriceFeed:Volatility must be 0 to 0.05");
        if (!IsSpeed(ScenarioSpeed)) problems.Add("PriceFeed:ScenarioSpeed must be 0.01 to 1000");
        if (ScenarioDelay < TimeSpan.Zero) problems.Add("PriceFeed:ScenarioDelay must not be negative");
        return problems;
    }

    public static bool IsSpeed(double speed) => speed >= 0.01 && speed <= 1000;
}

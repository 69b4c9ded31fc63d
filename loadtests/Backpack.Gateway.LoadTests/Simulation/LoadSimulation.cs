using System.Globalization;

namespace Backpack.Gateway.LoadTests.Simulation;

/// <summary>
/// One step of a fleet's load, in the shape NBomber's load simulations have. Rates are requests
/// per second for the whole fleet of a channel, shared evenly among its clients.
/// </summary>
public abstract record LoadSimulation(TimeSpan During)
{
    /// <summary>Open model: requests go out at planned times, <paramref name="Rate"/> a second, whether or not earlier ones were answered.</summary>
    public sealed record Inject(double Rate, TimeSpan During) : LoadSimulation(During);

    /// <summary>Open model with the rate moving in a straight line from the previous step's rate (0 at the start) to <paramref name="Rate"/>.</summary>
    public sealed record RampingInject(double Rate, TimeSpan During) : LoadSimulation(During);

    /// <summary>Closed model: each client keeps <paramref name="Copies"/> requests in flight and sends the next when one is answered.</summary>
    public sealed record KeepConstant(int Copies, TimeSpan During) : LoadSimulation(During);

    /// <summary>Nothing is sent.</summary>
    public sealed record Pause(TimeSpan During) : LoadSimulation(During);

    /// <summary>
    /// Reads a plan such as <c>ramp:2000:5s,inject:2000:55s</c> or <c>constant:4:30s</c>: steps
    /// separated by commas, each <c>kind:value:duration</c> (<c>pause:duration</c>).
    /// </summary>
    public static IReadOnlyList<LoadSimulation> ParsePlan(string text)
    {
        var steps = new List<LoadSimulation>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = part.Split(':');
            LoadSimulation step = (f[0].ToLowerInvariant(), f.Length) switch
            {
                ("inject", 3) => new Inject(ParseRate(f[1], part), Duration(f[2], part)),
                ("ramp", 3) => new RampingInject(ParseRate(f[1], part), Duration(f[2], part)),
                ("constant", 3) => new KeepConstant(ParseCopies(f[1], part), Duration(f[2], part)),
                ("pause", 2) => new Pause(Duration(f[1], part)),
                _ => throw new FormatException($"load step '{part}': expected inject:<rate>:<duration>, ramp:<rate>:<duration>, constant:<copies>:<duration> or pause:<duration>"),
            };
            steps.Add(step);
        }
        if (steps.Count == 0) throw new FormatException("the load plan has no steps");
        return steps;
    }

    /// <summary>The plan's highest open-model rate (requests a second), 0 when it has none.</summary>
    public static double TopRate(IReadOnlyList<LoadSimulation> plan) =>
        plan.Select(s => s switch { Inject i => i.Rate, RampingInject r => r.Rate, _ => 0 }).DefaultIfEmpty(0).Max();

    public static TimeSpan Length(IReadOnlyList<LoadSimulation> plan) => plan.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.During);

    /// <summary>The plan in the notation <see cref="ParsePlan"/> reads.</summary>
    public static string Describe(IReadOnlyList<LoadSimulation> plan) => string.Join(",", plan.Select(s => s switch
    {
        Inject i => $"inject:{i.Rate.ToString(CultureInfo.InvariantCulture)}:{Seconds(i.During)}",
        RampingInject r => $"ramp:{r.Rate.ToString(CultureInfo.InvariantCulture)}:{Seconds(r.During)}",
        KeepConstant k => $"constant:{k.Copies}:{Seconds(k.During)}",
        _ => $"pause:{Seconds(s.During)}",
    }));

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    private static double ParseRate(string text, string part) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r >= 0 && r <= 1_000_000
            ? r : throw new FormatException($"load step '{part}': the rate must be 0 to 1000000 requests a second");

    private static int ParseCopies(string text, string part) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) && c is >= 1 and <= 1000
            ? c : throw new FormatException($"load step '{part}': copies must be 1 to 1000");

    private static TimeSpan Duration(string text, string part)
    {
        string t = text.Trim();
        double factor = 1;
        if (t.EndsWith("ms", StringComparison.OrdinalIgnoreCase)) { factor = 0.001; t = t[..^2]; }
        else if (t.EndsWith('s')) t = t[..^1];
        else if (t.EndsWith('m')) { factor = 60; t = t[..^1]; }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v * factor <= 3600
            ? TimeSpan.FromSeconds(v * factor)
            : throw new FormatException($"load step '{part}': the duration must be like 500ms, 30s or 2m (at most one hour)");
    }
}

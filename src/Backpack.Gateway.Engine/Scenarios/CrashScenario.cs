using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backpack.Gateway.Engine.Scenarios;

/// <summary>One point of a scenario's price path: at <see cref="T"/> seconds the index is (1 + <see cref="Move"/>) x its start.</summary>
public sealed record PathPoint(double T, decimal Move);

/// <summary>
/// A crash scenario as data (config/scenarios/*.json): a path of index moves relative to the start
/// price, applied to every market, interpolated linearly between points; two points at the same
/// time make a gap (the later one holds from that time on). <see cref="Liquidity"/> scales the
/// resting liquidity a simulation's market makers quote (below 1: thin books).
/// </summary>
public sealed class CrashScenario
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public int DurationSeconds { get; init; }
    public int StepMilliseconds { get; init; } = 1000;
    public decimal Liquidity { get; init; } = 1m;
    public IReadOnlyList<PathPoint> Path { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>Parses and validates a scenario; the error names the file's problem.</summary>
    public static CrashScenario Parse(string json, string source = "scenario")
    {
        CrashScenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<CrashScenario>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid scenario JSON: {e.Message}", e);
        }
        if (scenario is null) throw new FormatException($"{source}: empty scenario");
        var errors = scenario.Validate();
        if (errors.Count > 0) throw new FormatException($"{source}: " + string.Join("; ", errors));
        return scenario;
    }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name is required");
        if (DurationSeconds <= 0) errors.Add("durationSeconds must be > 0");
        if (StepMilliseconds <= 0 || StepMilliseconds > 60_000) errors.Add("stepMilliseconds must be 1..60000");
        if (Liquidity < 0) errors.Add("liquidity must be >= 0");
        if (Path.Count < 2) errors.Add("path needs at least two points");
        for (int i = 0; i < Path.Count; i++)
        {
            if (Path[i].Move <= -1) errors.Add($"path[{i}].move must be above -1 (a price of zero or less)");
            if (i > 0 && Path[i].T < Path[i - 1].T) errors.Add($"path[{i}].t goes back in time");
        }
        if (Path.Count > 0 && (Path[0].T != 0 || Path[^1].T < DurationSeconds)) errors.Add("path must start at t=0 and reach durationSeconds");
        return errors;
    }

    /// <summary>The move at <paramref name="seconds"/>: linear between points; at a gap, the later point.</summary>
    public decimal MoveAt(double seconds)
    {
        if (seconds <= Path[0].T) return Path[0].Move;
        for (int i = Path.Count - 1; i >= 0; i--)
        {
            if (Path[i].T > seconds) continue;
            if (i == Path.Count - 1 || Path[i].T == seconds) return LastAt(i);
            var (a, b) = (Path[i], Path[i + 1]);
            decimal f = (decimal)((seconds - a.T) / (b.T - a.T));
            return a.Move + (b.Move - a.Move) * f;
        }
        return Path[^1].Move;
    }

    private decimal LastAt(int i)
    {
        while (i + 1 < Path.Count && Path[i + 1].T == Path[i].T) i++;
        return Path[i].Move;
    }
}

using Backpack.Gateway.Engine.Scenarios;

namespace Backpack.Gateway.Host.PriceFeed;

/// <summary>The crash scenarios of a folder (config/scenarios), by their name field; read once at start.</summary>
public sealed class ScenarioLibrary
{
    private readonly Dictionary<string, CrashScenario> _byName = new(StringComparer.OrdinalIgnoreCase);

    public ScenarioLibrary(IEnumerable<CrashScenario> scenarios)
    {
        foreach (var scenario in scenarios)
        {
            if (!_byName.TryAdd(scenario.Name, scenario)) throw new FormatException($"two scenarios are named '{scenario.Name}'");
        }
    }

    /// <summary>Every *.json file of the folder; a file that does not parse stops the start with its name.</summary>
    public static ScenarioLibrary Load(string directory)
    {
        string path = ConfigFiles.Resolve(directory);
        var scenarios = new List<CrashScenario>();
        foreach (string file in Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal))
        {
            scenarios.Add(CrashScenario.Parse(File.ReadAllText(file), file));
        }
        return new ScenarioLibrary(scenarios);
    }

    public IReadOnlyCollection<CrashScenario> All => _byName.Values;

    public bool TryGet(string name, out CrashScenario scenario) => _byName.TryGetValue(name, out scenario!);

    public string Names => string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal));
}

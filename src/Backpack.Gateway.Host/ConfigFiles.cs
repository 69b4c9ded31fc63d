using System.Text.Json;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Host;

/// <summary>Finds and reads the files of config/: next to the current directory first, else beside the program.</summary>
public static class ConfigFiles
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The path of <paramref name="relative"/> (e.g. config/markets.json) that exists, or an error naming both places looked.</summary>
    public static string Resolve(string relative)
    {
        if (Path.IsPathRooted(relative) || File.Exists(relative) || Directory.Exists(relative)) return Path.GetFullPath(relative);
        string beside = Path.Combine(AppContext.BaseDirectory, relative);
        if (File.Exists(beside) || Directory.Exists(beside)) return beside;
        throw new FileNotFoundException($"{relative} not found in {Directory.GetCurrentDirectory()} nor in {AppContext.BaseDirectory}");
    }

    /// <summary>Reads and validates a markets file ({"Markets": [...]}); ids follow the list order.</summary>
    public static IReadOnlyList<MarketDefinition> LoadMarkets(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (!doc.RootElement.TryGetProperty("Markets", out var list)) throw new FormatException($"{path}: no Markets list");
        var markets = list.Deserialize<List<MarketDefinition>>(Json) ?? [];
        var errors = new List<string>();
        for (int i = 0; i < markets.Count; i++)
        {
            markets[i].Id = i + 1;
            errors.AddRange(markets[i].Validate($"Markets:{i}"));
        }
        if (markets.Count == 0) errors.Add("Markets: at least one market is required");
        if (errors.Count > 0) throw new FormatException($"{path}: " + string.Join("; ", errors));
        return markets;
    }
}

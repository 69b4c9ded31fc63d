namespace Backpack.Gateway.Host;

/// <summary>Finds the files of config/: next to the current directory first, else beside the program.</summary>
public static class ConfigFiles
{
    /// <summary>The path of <paramref name="relative"/> (e.g. config/markets.json) that exists, or an error naming both places looked.</summary>
    public static string Resolve(string relative)
    {
        if (Path.IsPathRooted(relative) || File.Exists(relative) || Directory.Exists(relative)) return Path.GetFullPath(relative);
        string beside = Path.Combine(AppContext.BaseDirectory, relative);
        if (File.Exists(beside) || Directory.Exists(beside)) return beside;
        throw new FileNotFoundException($"{relative} not found in {Directory.GetCurrentDirectory()} nor in {AppContext.BaseDirectory}");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Backpack.Gateway.TestSupport;

/// <summary>
/// Third-party Node clients the tests run (npm's ws, @msgpack/msgpack, ccxt): each folder holds a
/// package.json and package-lock.json; <see cref="InstallAsync"/> runs <c>npm ci</c> there once per
/// test run unless the pinned package is already installed, and <see cref="RunAsync"/> runs a
/// program in the folder.
/// </summary>
public static class NodePackages
{
    private static readonly ConcurrentDictionary<string, Lazy<Task>> Installs = new();

    /// <summary>Installs the folder's locked packages unless <paramref name="installed"/> (a path inside the folder) already exists.</summary>
    public static Task InstallAsync(string folder, string installed) =>
        Installs.GetOrAdd(folder, _ => new Lazy<Task>(async () =>
        {
            if (File.Exists(Path.Combine(folder, installed)) || Directory.Exists(Path.Combine(folder, installed))) return;
            var (code, output, errors) = await RunAsync(folder, "npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
            if (code != 0) throw new InvalidOperationException($"npm ci in {folder} failed: {output}{errors}");
        })).Value;

    /// <summary>Runs <paramref name="program"/> in <paramref name="folder"/>; killed (and a TimeoutException thrown) after <paramref name="timeout"/>.</summary>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(string folder, string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}

using System.Globalization;
using Backpack.Gateway.LoadTests.Hosting;

namespace Backpack.Gateway.LoadTests.Capacity;

/// <summary>
/// --capacity --start-host: the capacity search with a fresh gateway for every step (started like
/// --start-host does, in its own temporary folder, stopped after the step); writes capacity.md,
/// capacity.html and knee.svg beside the steps' own reports.
/// </summary>
public static class CapacityCommand
{
    /// <summary>Exit code 0 when some step held, 1 when none did, 3 when a step could not be run.</summary>
    public static async Task<int> RunAsync(CapacityOptions capacity, LoadTestOptions template, CancellationToken cancellation)
    {
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string folder = Path.GetFullPath(Path.Combine(template.ReportDirectory, stamp + "-capacity"));
        Directory.CreateDirectory(folder);
        var search = new CapacitySearch(capacity, template, Console.Out);
        IReadOnlyList<CapacityStep> steps;
        try
        {
            steps = await search.RunAsync(RunStepAsync, folder, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine("The capacity search failed: " + e.Message);
            return 3;
        }
        string plan = search.StepOptions(capacity.FromRate, folder).Plan;
        string markdown = CapacityReport.Markdown(steps, capacity, plan);
        File.WriteAllText(Path.Combine(folder, "capacity.md"), markdown);
        File.WriteAllText(Path.Combine(folder, "capacity.html"), CapacityReport.Html(steps, capacity, plan));
        File.WriteAllText(Path.Combine(folder, "knee.svg"), CapacityReport.Knee(steps, capacity));
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Report: {Path.Combine(folder, "capacity.md")}");
        Console.WriteLine($"        {Path.Combine(folder, "capacity.html")} (with the knee plot, also knee.svg)");
        return steps.Any(s => s.Held) ? 0 : 1;
    }

    private static async Task<RunResult> RunStepAsync(LoadTestOptions options, CancellationToken cancellation)
    {
        string workingDirectory = Path.Combine(Path.GetTempPath(), "backpack-capacity-" + Guid.NewGuid().ToString("N")[..8]);
        var host = await HostLauncher.StartForAsync(options, workingDirectory);
        try
        {
            options = host.Target(options);
            return await new CrashLoadTest(options, TextWriter.Null).RunAsync(cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{e.Message}\nGateway log:\n{host.Log}", e);
        }
        finally
        {
            await host.DisposeAsync();
            try
            {
                Directory.Delete(workingDirectory, recursive: true); // the step's journal and stores: its report is kept
            }
            catch (IOException)
            {
            }
        }
    }
}

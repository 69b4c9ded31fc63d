using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.LoadTests.Reporting;
using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests.Generators;

/// <summary>
/// A load generator in a worker process of its own: this program started again with
/// <c>--worker k/n</c> and the run's options, which runs a <see cref="LocalGenerator"/> for slice k
/// and is driven over its standard input and output, one line per step (<see cref="WorkerProtocol"/>).
/// Its other output lines are passed on to the run's log.
/// </summary>
public sealed class WorkerGenerator : ILoadGenerator
{
    private readonly Process _process;
    private readonly TextWriter _log;
    private readonly string _resultFile;
    private readonly object _waitLock = new();
    private TaskCompletionSource<string> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _expected = "";

    public WorkerGenerator(int slice, int slices, IReadOnlyList<string> runArguments, TextWriter log)
    {
        Name = $"generator {slice + 1} of {slices}";
        _log = log;
        _resultFile = Path.Combine(Path.GetTempPath(), $"backpack-loadtest-worker-{Environment.ProcessId}-{slice}.json");
        var (program, prefix) = ThisProgram();
        var start = new ProcessStartInfo(program, [.. prefix, .. runArguments, "--worker", $"{slice + 1}/{slices}", "--no-live"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start a load generator process");
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.WriteLine($"[{Name}] {e.Data}"); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _ = _process.WaitForExitAsync().ContinueWith(_ => Fail($"{Name} exited with code {_process.ExitCode}"), TaskScheduler.Default);
    }

    public string Name { get; }

    /// <summary>The worker process, for its CPU time.</summary>
    public Process Process => _process;

    public async Task<IReadOnlyList<SetupLine>> PrepareAsync(CancellationToken cancellation)
    {
        string json = await AskAsync(null, WorkerProtocol.Ready, TimeSpan.FromMinutes(3), cancellation);
        return JsonSerializer.Deserialize<List<SetupLine>>(json, WorkerProtocol.Json) ?? [];
    }

    public async Task RunAsync(long startTicks, CancellationToken cancellation) =>
        await AskAsync($"{WorkerProtocol.Run} {startTicks.ToString(CultureInfo.InvariantCulture)}", WorkerProtocol.Ran, TimeSpan.FromHours(2), cancellation);

    public void OnCrash(double start, double end) =>
        Send(string.Create(CultureInfo.InvariantCulture, $"{WorkerProtocol.Crash} {start:R} {(double.IsInfinity(end) ? "inf" : end.ToString("R", CultureInfo.InvariantCulture))}"));

    public async Task<GeneratorResult> CollectAsync(bool withFigures, CancellationToken cancellation)
    {
        await AskAsync($"{WorkerProtocol.Collect} {_resultFile}", WorkerProtocol.Collected, TimeSpan.FromMinutes(2), cancellation);
        var result = JsonSerializer.Deserialize<GeneratorResult>(await File.ReadAllTextAsync(_resultFile, cancellation), WorkerProtocol.Json)
                     ?? throw new InvalidOperationException($"{Name} wrote no result");
        File.Delete(_resultFile);
        return result;
    }

    private async Task<string> AskAsync(string? command, string answer, TimeSpan timeout, CancellationToken cancellation)
    {
        Task<string> reply;
        lock (_waitLock)
        {
            _expected = answer;
            reply = _reply.Task;
        }
        if (command is not null) Send(command);
        string text = await reply.WaitAsync(timeout, cancellation);
        lock (_waitLock) _reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        return text;
    }

    private void Send(string line)
    {
        lock (_process) _process.StandardInput.WriteLine(line);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (!line.StartsWith(WorkerProtocol.Prefix, StringComparison.Ordinal))
        {
            _log.WriteLine($"[{Name}] {line}");
            return;
        }
        int space = line.IndexOf(' ');
        string word = space < 0 ? line : line[..space], rest = space < 0 ? "" : line[(space + 1)..];
        if (word == WorkerProtocol.Failed) Fail($"{Name} failed: {rest}");
        lock (_waitLock)
        {
            if (word == _expected) _reply.TrySetResult(rest);
        }
    }

    private void Fail(string why)
    {
        lock (_waitLock) _reply.TrySetException(new InvalidOperationException(why));
    }

    /// <summary>The program to start a worker with: this program's own executable when it runs as one, else dotnet and its assembly (a test host, dotnet run).</summary>
    private static (string Program, string[] Prefix) ThisProgram()
    {
        string assembly = typeof(WorkerGenerator).Assembly.Location;
        string? process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == Path.GetFileNameWithoutExtension(assembly)) return (process, []);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
                        ?? (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet");
        return (dotnet, [assembly]);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Send(WorkerProtocol.Stop);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        if (File.Exists(_resultFile)) File.Delete(_resultFile);
    }
}

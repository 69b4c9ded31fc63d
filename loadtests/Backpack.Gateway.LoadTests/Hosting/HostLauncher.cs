using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Backpack.Gateway.LoadTests.Hosting;

/// <summary>
/// Starts the gateway program (Backpack.Gateway.Host.dll, built beside the runner) in its own
/// process and a fresh working directory, with the fleet overlay and system-chosen ports on
/// 127.0.0.1 read back from its start-up log; stops it with SIGTERM (a graceful shutdown) at the end.
/// </summary>
public sealed partial class HostLauncher : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private int _disposed;
    private readonly TaskCompletionSource<IPEndPoint> _fix = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _ws = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostLauncher(string workingDirectory, IEnumerable<string> arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Backpack.Gateway.Host.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [dll, "--Fix:Listen=127.0.0.1:0", "--WebSocket:Listen=127.0.0.1:0", "--Fix:TlsListen=127.0.0.1:0", "--WebSocket:HttpsListen=127.0.0.1:0", .. arguments])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IPEndPoint FixEndpoint => _fix.Task.Result;
    public Uri WebSocketUri => _ws.Task.Result;
    public Uri HttpBase => new("http://" + WebSocketUri.Authority + "/");

    public string Log
    {
        get
        {
            lock (_log) return string.Join('\n', _log);
        }
    }

    /// <summary>Starts the host with <paramref name="arguments"/> (e.g. --config overlay.json) and waits until both front ends listen.</summary>
    public static async Task<HostLauncher> StartAsync(string workingDirectory, IEnumerable<string> arguments, TimeSpan timeout)
    {
        Directory.CreateDirectory(workingDirectory);
        var host = new HostLauncher(workingDirectory, arguments);
        var exited = host._process.WaitForExitAsync();
        var listening = Task.WhenAll(host._fix.Task, host._ws.Task);
        var first = await Task.WhenAny(listening, exited, Task.Delay(timeout));
        if (first != listening)
        {
            string why = first == exited ? $"exited with code {host._process.ExitCode}" : $"did not listen within {timeout.TotalSeconds} s";
            await host.DisposeAsync();
            throw new InvalidOperationException($"the gateway {why}:\n{host.Log}");
        }
        return host;
    }

    /// <summary>Starts a gateway for a run: the run's fleet overlay and admin token, in <paramref name="workingDirectory"/> (fresh state).</summary>
    public static Task<HostLauncher> StartForAsync(LoadTestOptions options, string workingDirectory) =>
        StartAsync(workingDirectory, ["--config", options.AccountsFile, "--Admin:Token=" + options.AdminToken], TimeSpan.FromSeconds(120));

    /// <summary><paramref name="options"/> pointed at this gateway's ports.</summary>
    public LoadTestOptions Target(LoadTestOptions options) => options with { HttpBase = HttpBase, WebSocketUri = WebSocketUri, FixEndpoint = FixEndpoint };

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_log) _log.Add(line);
        if (FixListening().Match(line) is { Success: true } fix) _fix.TrySetResult(IPEndPoint.Parse(fix.Groups[1].Value));
        if (WsListening().Match(line) is { Success: true } ws) _ws.TrySetResult(new Uri(ws.Groups[1].Value));
    }

    [GeneratedRegex(@"FIX 4\.4 acceptor listening on (\S+) ")]
    private static partial Regex FixListening();

    [GeneratedRegex(@"WebSocket API listening on (ws://\S+)")]
    private static partial Regex WsListening();

    /// <summary>Stops the host gracefully (SIGTERM), or kills it after 30 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = Kill(_process.Id, 15);
            else _process.Kill(entireProcessTree: true);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

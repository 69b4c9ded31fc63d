using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Backpack.Gateway.Host.Tests;

/// <summary>
/// The real program (Backpack.Gateway.Host.dll) in its own process and working directory (where its
/// data/ goes), on system-chosen ports read from its start-up log.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<IPEndPoint> _fix = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _ws = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(string workingDirectory, string[] arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Backpack.Gateway.Host.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [dll, "--Fix:Listen=127.0.0.1:0", "--WebSocket:Listen=127.0.0.1:0", "--Fix:TlsListen=127.0.0.1:0", "--WebSocket:HttpsListen=127.0.0.1:0", .. arguments])
        {
            WorkingDirectory = workingDirectory, // config/ is found beside the program; data/ goes here
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the program and waits until both front ends listen.</summary>
    public static async Task<HostProcess> StartAsync(string workingDirectory, params string[] arguments)
    {
        var host = new HostProcess(workingDirectory, arguments);
        try
        {
            await Task.WhenAll(host._fix.Task, host._ws.Task).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            host.Dispose();
            throw new TimeoutException("the program did not start listening: " + host.Log);
        }
        return host;
    }

    public IPEndPoint FixEndpoint => _fix.Task.Result;
    public Uri WebSocketUri => _ws.Task.Result;
    public Uri BaseAddress => new("http://" + WebSocketUri.Authority + "/");
    public Process Process => _process;

    /// <summary>Everything the program printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_output) return string.Join("\n", _output);
        }
    }

    public List<string> Lines
    {
        get
        {
            lock (_output) return [.. _output];
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        var fix = Regex.Match(line, @"FIX 4\.4 acceptor listening on (\S+) ");
        if (fix.Success) _fix.TrySetResult(IPEndPoint.Parse(fix.Groups[1].Value));
        var ws = Regex.Match(line, @"WebSocket API listening on (ws://\S+)");
        if (ws.Success) _ws.TrySetResult(new Uri(ws.Groups[1].Value));
    }

    /// <summary>Sends SIGTERM (what Ctrl+C or a service manager does) and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (Kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException("kill(SIGTERM) failed");
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>kill -9: the process ends at once, in the middle of whatever it was doing.</summary>
    public void KillHard()
    {
        if (Kill(_process.Id, SigKill) != 0) throw new InvalidOperationException("kill(SIGKILL) failed");
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private const int SigTerm = 15;
    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

using System.Net;
using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests;

/// <summary>Everything a crash load run is told: where the venue is, the fleet, the load, the crash and where the report goes.</summary>
public sealed record LoadTestOptions
{
    public string Title { get; init; } = "Crash load test";
    public Uri HttpBase { get; init; } = new("http://127.0.0.1:8080/");
    public Uri WebSocketUri { get; init; } = new("ws://127.0.0.1:8080/ws");
    public IPEndPoint FixEndpoint { get; init; } = IPEndPoint.Parse("127.0.0.1:9878");
    public string FixTargetCompId { get; init; } = "BACKPACK";
    public string AdminToken { get; init; } = "demo-admin-token-change-me";

    /// <summary>The fleet overlay the host was started with (config/loadtest.json).</summary>
    public string AccountsFile { get; init; } = "config/loadtest.json";
    public int FixSessions { get; init; } = 8;
    public int WebSocketTraders { get; init; } = 24;
    public int Subscribers { get; init; } = 16;

    /// <summary>Load plans for the whole FIX and WebSocket fleets (requests per second shared by their active traders).</summary>
    public IReadOnlyList<LoadSimulation> FixPlan { get; init; } = LoadSimulation.ParsePlan("ramp:1200:5s,inject:1200:55s");
    public IReadOnlyList<LoadSimulation> WebSocketPlan { get; init; } = LoadSimulation.ParsePlan("ramp:800:5s,inject:800:55s");

    public string Scenario { get; init; } = "flash-crash";
    /// <summary>Seconds into the measured run at which the scenario is started.</summary>
    public double CrashAt { get; init; } = 15;
    public double CrashSpeed { get; init; } = 6;

    /// <summary>Leverage the leveraged accounts take before the run (position notional / deposit).</summary>
    public decimal Leverage { get; init; } = 15;
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Unmeasured load (half the plans' top rate) before the measured run, so that JIT and thread pools are warm.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Longest wait after the run for liquidations to finish and events to arrive.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reports go to a timestamped folder under this one.</summary>
    public string ReportDirectory { get; init; } = "loadtest-reports";
    public bool LiveView { get; init; } = true;
    public int Seed { get; init; } = 1;

    /// <summary>Load generators: 1 runs every client in this process; more start worker processes with a slice of the fleet each, whose figures merge.</summary>
    public int Generators { get; init; } = 1;

    /// <summary>The command-line options that give a worker process this run (the venue, the fleet, the plans, the crash).</summary>
    public IReadOnlyList<string> WorkerArguments =>
    [
        "--url", HttpBase.ToString(), "--ws", WebSocketUri.ToString(), "--fix", FixEndpoint.ToString(), "--token", AdminToken, "--accounts", AccountsFile,
        "--fix-sessions", Inv(FixSessions), "--ws-traders", Inv(WebSocketTraders), "--subscribers", Inv(Subscribers),
        "--fix-load", LoadSimulation.Describe(FixPlan), "--ws-load", LoadSimulation.Describe(WebSocketPlan), "--leverage", Inv(Leverage),
        "--scenario", Scenario, "--crash-at", Inv(CrashAt), "--crash-speed", Inv(CrashSpeed), "--warm-up", Inv(WarmUp.TotalSeconds),
    ];

    private static string Inv(IFormattable value) => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A saved run (its folder or report.json) to compare this one with (comparison.md), or none.</summary>
    public string? CompareWith { get; init; }

    /// <summary>What the run does, the same text for runs that can be compared: fleets, loads, crash, leverage.</summary>
    public string Plan =>
        $"fix {FixSessions} sessions {LoadSimulation.Describe(FixPlan)}; websocket {WebSocketTraders} traders {LoadSimulation.Describe(WebSocketPlan)}; " +
        $"{Subscribers} subscribers; {Scenario} at {CrashAt} s speed {CrashSpeed}; leverage {Leverage}; warm-up {WarmUp.TotalSeconds} s";

    public double Duration => Math.Max(LoadSimulation.Length(FixPlan).TotalSeconds, LoadSimulation.Length(WebSocketPlan).TotalSeconds);

    /// <summary>The standard crash run: 60 s, a flash crash at 6x from 15 s (so 15-45 s) with 8 FIX sessions and 24 WebSocket traders, 16 subscribers.</summary>
    public static LoadTestOptions Standard { get; } = new();

    /// <summary>A few seconds, a handful of clients, a gap-down: what the test suite runs.</summary>
    public static LoadTestOptions Smoke { get; } = new()
    {
        Title = "Crash load test (smoke)",
        FixSessions = 3,
        WebSocketTraders = 3,
        Subscribers = 2,
        FixPlan = LoadSimulation.ParsePlan("inject:60:8s"),
        WebSocketPlan = LoadSimulation.ParsePlan("ramp:40:2s,inject:40:6s"),
        WarmUp = TimeSpan.FromSeconds(1),
        Scenario = "gap-down",
        CrashAt = 1,
        CrashSpeed = 30,
        LiveView = false,
    };
}

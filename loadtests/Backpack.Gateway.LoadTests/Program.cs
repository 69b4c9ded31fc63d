using System.CommandLine;
using System.Globalization;
using System.Net;
using Backpack.Gateway.LoadTests;
using Backpack.Gateway.LoadTests.Capacity;
using Backpack.Gateway.LoadTests.Generators;
using Backpack.Gateway.LoadTests.Hosting;
using Backpack.Gateway.LoadTests.Reporting;
using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.LoadTests.Venue;

// docs/load-tests.md: the crash load test against a running host, or with --start-host in one go.
var standard = LoadTestOptions.Standard;
var root = new RootCommand("Crash load test of Backpack.Gateway: FIX and WebSocket fleets at rate while a scenario crashes the index; " +
                           "writes report.md and report.html to a timestamped folder. Exit code 0: correct; 1: problems found; 2: bad options; 3: the run failed.");
var url = new Option<string>("--url") { Description = "The host's HTTP address (admin, health)", DefaultValueFactory = _ => standard.HttpBase.ToString() };
var ws = new Option<string?>("--ws") { Description = "The WebSocket API (default: ws://<url host>/ws)" };
var fix = new Option<string>("--fix") { Description = "The FIX acceptor", DefaultValueFactory = _ => standard.FixEndpoint.ToString() };
var token = new Option<string>("--token") { Description = "The admin token (Admin:Token)", DefaultValueFactory = _ => standard.AdminToken };
var accounts = new Option<string?>("--accounts") { Description = "The fleet overlay the host runs with (default config/loadtest.json)" };
var smoke = new Option<bool>("--smoke") { Description = "The short smoke profile (seconds, a handful of clients, a gap-down) instead of the standard 60-second run" };
var fixSessions = new Option<int?>("--fix-sessions") { Description = "FIX sessions (standard 8; every third is leveraged)" };
var wsTraders = new Option<int?>("--ws-traders") { Description = "WebSocket traders (standard 24; every third is leveraged)" };
var subscribers = new Option<int?>("--subscribers") { Description = "Passive public-stream subscribers (standard 16)" };
var fixLoad = new Option<string?>("--fix-load") { Description = "FIX fleet load plan, e.g. ramp:1200:5s,inject:1200:55s or constant:2:60s" };
var wsLoad = new Option<string?>("--ws-load") { Description = "WebSocket fleet load plan" };
var scenario = new Option<string?>("--scenario") { Description = "Crash scenario of config/scenarios (standard flash-crash)" };
var crashAt = new Option<double?>("--crash-at") { Description = "Seconds into the run at which the crash starts (standard 15)" };
var crashSpeed = new Option<double?>("--crash-speed") { Description = "Playback speed of the scenario (standard 6)" };
var leverage = new Option<decimal?>("--leverage") { Description = "Leverage the leveraged accounts take (standard 15)" };
var output = new Option<string>("--out") { Description = "Reports go to a timestamped folder under this", DefaultValueFactory = _ => standard.ReportDirectory };
var noLive = new Option<bool>("--no-live") { Description = "Plain progress lines instead of the live table" };
var compare = new Option<string?>("--compare") { Description = "A saved run (its report folder or report.json) to compare this run with: writes comparison.md" };
var capacity = new Option<bool>("--capacity") { Description = "Capacity mode: crash runs on a fresh gateway each (needs --start-host) at rising offered rates until an objective breaks during the crash" };
var capacityFrom = new Option<double>("--capacity-from") { Description = "The first step's offered rate, FIX + WebSocket, requests/s", DefaultValueFactory = _ => 2000 };
var capacityStep = new Option<double>("--capacity-step") { Description = "How much each step adds, requests/s", DefaultValueFactory = _ => 1000 };
var capacityMax = new Option<double>("--capacity-max") { Description = "The last step's rate at most, requests/s", DefaultValueFactory = _ => 20000 };
var capacityRepeats = new Option<int>("--capacity-repeats") { Description = "Runs per capacity step, judged on the median (a single noisy run decides nothing)", DefaultValueFactory = _ => 1 };
var ackLimit = new Option<double>("--ack-p99-limit") { Description = "Capacity objective: the new-order acknowledgement p99 during the crash, per channel, milliseconds", DefaultValueFactory = _ => 10 };
var generators = new Option<int>("--generators") { Description = "Load generator processes (1: every client in this one; more: worker processes with a slice of the fleet each, at most 16 and at most the subscribers)", DefaultValueFactory = _ => 1 };
var warmUp = new Option<double?>("--warm-up") { Description = "Seconds of unmeasured load at half rate before the run (standard 5)" };
var worker = new Option<string?>("--worker") { Description = "Internal: run as load generator k of n (k/n), driven by the run over standard input", Hidden = true };
var startHost = new Option<bool>("--start-host") { Description = "Start the gateway (built beside this program) with the fleet overlay, fresh state and free ports, run, and stop it" };
foreach (var option in new Option[] { url, ws, fix, token, accounts, smoke, fixSessions, wsTraders, subscribers, fixLoad, wsLoad, scenario, crashAt, crashSpeed, leverage, output, noLive, startHost, compare, capacity, capacityFrom, capacityStep, capacityMax, ackLimit, capacityRepeats, generators, warmUp, worker })
{
    root.Options.Add(option);
}

root.SetAction(async (parse, cancellation) =>
{
    LoadTestOptions options;
    try
    {
        var profile = parse.GetValue(smoke) ? LoadTestOptions.Smoke : standard;
        var http = new Uri(parse.GetValue(url)!.TrimEnd('/') + "/");
        options = profile with
        {
            HttpBase = http,
            WebSocketUri = new Uri(parse.GetValue(ws) ?? $"ws://{http.Authority}/ws"),
            FixEndpoint = IPEndPoint.Parse(parse.GetValue(fix)!),
            AdminToken = parse.GetValue(token)!,
            AccountsFile = FindAccounts(parse.GetValue(accounts)),
            FixSessions = parse.GetValue(fixSessions) ?? profile.FixSessions,
            WebSocketTraders = parse.GetValue(wsTraders) ?? profile.WebSocketTraders,
            Subscribers = parse.GetValue(subscribers) ?? profile.Subscribers,
            FixPlan = parse.GetValue(fixLoad) is { } f ? LoadSimulation.ParsePlan(f) : profile.FixPlan,
            WebSocketPlan = parse.GetValue(wsLoad) is { } w ? LoadSimulation.ParsePlan(w) : profile.WebSocketPlan,
            Scenario = parse.GetValue(scenario) ?? profile.Scenario,
            CrashAt = parse.GetValue(crashAt) ?? profile.CrashAt,
            CrashSpeed = parse.GetValue(crashSpeed) ?? profile.CrashSpeed,
            Leverage = parse.GetValue(leverage) ?? profile.Leverage,
            ReportDirectory = parse.GetValue(output)!,
            LiveView = profile.LiveView && !parse.GetValue(noLive),
            CompareWith = parse.GetValue(compare),
            Generators = parse.GetValue(generators),
            WarmUp = parse.GetValue(warmUp) is { } seconds ? TimeSpan.FromSeconds(seconds) : profile.WarmUp,
        };
        if (options.Generators is < 1 or > 16) throw new FormatException("--generators must be 1 to 16");
        if (options.Generators > 1 && options.Subscribers < options.Generators)
        {
            throw new FormatException("--generators needs at least as many --subscribers: each generator's first subscriber keeps its mark prices current");
        }
        if (options.CompareWith is { } saved) RunComparison.Load(saved); // a bad baseline is refused before the run, not after it
        if (options.Duration > 3600) throw new FormatException("a run is at most one hour");
    }
    catch (Exception e) when (e is FormatException or UriFormatException or FileNotFoundException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }

    if (parse.GetValue(worker) is { } slice)
    {
        var parts = slice.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int k) || !int.TryParse(parts[1], out int n) || k < 1 || k > n)
        {
            Console.Error.WriteLine($"--worker takes k/n with 1 <= k <= n, not {slice}");
            return 2;
        }
        return await WorkerProtocol.RunWorkerAsync(options with { Generators = 1 }, k - 1, n, cancellation);
    }

    if (parse.GetValue(capacity))
    {
        if (!parse.GetValue(startHost))
        {
            Console.Error.WriteLine("--capacity needs --start-host: every step runs on a fresh gateway (the crash liquidates the fleet's leveraged accounts)");
            return 2;
        }
        var search = new CapacityOptions(parse.GetValue(capacityFrom), parse.GetValue(capacityStep), parse.GetValue(capacityMax), parse.GetValue(ackLimit))
        {
            Repeats = parse.GetValue(capacityRepeats),
        };
        if (search.FromRate <= 0 || search.StepRate <= 0 || search.MaxRate < search.FromRate || search.AckP99LimitMilliseconds <= 0 || search.Repeats is < 1 or > 9)
        {
            Console.Error.WriteLine("--capacity-from and --capacity-step must be above 0, --capacity-max at least --capacity-from, --ack-p99-limit above 0, --capacity-repeats 1 to 9");
            return 2;
        }
        return await CapacityCommand.RunAsync(search, options, cancellation);
    }

    HostLauncher? host = null;
    try
    {
        if (parse.GetValue(startHost))
        {
            string workingDirectory = Path.Combine(Path.GetTempPath(), "backpack-loadtest-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            Console.WriteLine($"Starting the gateway in {workingDirectory} ...");
            host = await HostLauncher.StartForAsync(options, workingDirectory);
            options = host.Target(options);
        }
        var result = await new CrashLoadTest(options, Console.Out).RunAsync(cancellation);
        Console.WriteLine();
        Console.WriteLine(File.ReadAllText(result.MarkdownPath));
        if (result.ComparisonPath is { } comparison) Console.WriteLine(File.ReadAllText(comparison));
        Console.WriteLine($"Reports: {result.MarkdownPath}");
        Console.WriteLine($"         {result.HtmlPath}");
        if (result.ComparisonPath is not null) Console.WriteLine($"         {result.ComparisonPath}");
        return result.Report.Problems.Count == 0 ? 0 : 1;
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        Console.Error.WriteLine("The load test failed: " + e.Message);
        if (host is not null) Console.Error.WriteLine("Gateway log:\n" + host.Log);
        return 3;
    }
    finally
    {
        if (host is not null) await host.DisposeAsync();
    }
});

var fleetFix = new Option<int>("--fix-sessions") { DefaultValueFactory = _ => 8, Description = "FIX sessions (every third leveraged)" };
var fleetWs = new Option<int>("--ws-traders") { DefaultValueFactory = _ => 24, Description = "WebSocket traders (every third leveraged)" };
var fleetOut = new Option<string>("--out") { DefaultValueFactory = _ => "config/loadtest.json", Description = "Where to write the overlay" };
var accountsCommand = new Command("accounts", "Writes the fleet overlay (accounts, keys, FIX sessions) that the host and the runner share") { fleetFix, fleetWs, fleetOut };
accountsCommand.SetAction(parse =>
{
    string path = parse.GetValue(fleetOut)!;
    File.WriteAllText(path, FleetAccounts.Generate(parse.GetValue(fleetFix), parse.GetValue(fleetWs), deposit: 50_000, leveragedDeposit: 5_000));
    Console.WriteLine($"Wrote {path}");
    return 0;
});
root.Subcommands.Add(accountsCommand);

var baselineArgument = new Argument<string>("baseline") { Description = "The earlier run: its report folder or report.json" };
var runArgument = new Argument<string>("run") { Description = "The later run: its report folder or report.json" };
var compareCommand = new Command("compare", "Compares two saved runs (report.json) and prints the changes as Markdown") { baselineArgument, runArgument };
compareCommand.SetAction(parse =>
{
    try
    {
        string baseline = parse.GetValue(baselineArgument)!;
        Console.WriteLine(RunComparison.Render(RunComparison.Load(baseline), RunComparison.Load(parse.GetValue(runArgument)!), baseline));
        return 0;
    }
    catch (Exception e) when (e is FileNotFoundException or FormatException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
});
root.Subcommands.Add(compareCommand);
return await root.Parse(args).InvokeAsync();

// The overlay given, else config/loadtest.json here, else the copy built beside the program.
static string FindAccounts(string? given)
{
    if (given is not null) return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"no fleet overlay at {given}");
    foreach (string candidate in new[] { "config/loadtest.json", Path.Combine(AppContext.BaseDirectory, "config", "loadtest.json") })
    {
        if (File.Exists(candidate)) return Path.GetFullPath(candidate);
    }
    throw new FileNotFoundException("no config/loadtest.json here or beside the program; write one with the accounts command");
}

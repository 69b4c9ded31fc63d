using System.Globalization;
using Backpack.Gateway.LoadTests.Reporting;
using Backpack.Gateway.LoadTests.Simulation;

namespace Backpack.Gateway.LoadTests.Capacity;

/// <summary>What a capacity search is told: the offered rates to try, the objectives, and the share of the rate that goes to FIX.</summary>
public sealed record CapacityOptions(double FromRate, double StepRate, double MaxRate, double AckP99LimitMilliseconds)
{
    /// <summary>The standard run's split: 1,200 of 2,000 requests a second on FIX.</summary>
    public double FixShare { get; init; } = 0.6;

    /// <summary>Each step's measured length; the crash starts <see cref="CrashAt"/> into it.</summary>
    public double StepSeconds { get; init; } = 40;
    public double CrashAt { get; init; } = 5;
    public double RampSeconds { get; init; } = 3;

    /// <summary>Runs per step: the step is judged on the run with the median worst p99, and every run must be correct.</summary>
    public int Repeats { get; init; } = 1;

    public IEnumerable<double> Rates()
    {
        for (double rate = FromRate; rate <= MaxRate + 1e-9; rate += StepRate) yield return rate;
    }
}

/// <summary>One step of the search: the offered rate, the run's figures during the crash and whether every objective held.</summary>
public sealed record CapacityStep(double OfferedRate, double FixRate, double WebSocketRate, double AcknowledgedPerSecond,
    Percentiles FixAck, Percentiles WebSocketAck, Percentiles FixService, Percentiles WebSocketService, long EventsLost, long EventsDuplicated,
    int ClientsDropped, long Unanswered, double VenueCpuShare, double GeneratorCpuShare, IReadOnlyList<string> SlowChannels, IReadOnlyList<string> Problems,
    string ReportPath)
{
    /// <summary>Every objective the step broke: a channel's p99 over the limit, then the run's correctness problems.</summary>
    public IReadOnlyList<string> Broken => [.. SlowChannels, .. Problems];

    public bool Held => Broken.Count == 0;

    /// <summary>How many runs the step had (<see cref="CapacitySearch.Median"/>).</summary>
    public int Runs { get; init; } = 1;
}

/// <summary>
/// Capacity mode (docs/load-tests.md): the crash run again and again, each time on a fresh venue
/// and at a higher offered rate, until an objective breaks during the crash: the new-order
/// acknowledgement p99 of either channel above the limit, any liquidation or ADL event lost or
/// duplicated, a client dropped, a request unanswered, or any other problem of the run's verdict.
/// The answer is the highest offered rate that held; the steps give the knee plot.
/// </summary>
public sealed class CapacitySearch(CapacityOptions capacity, LoadTestOptions template, TextWriter log)
{
    /// <summary>Runs the steps; <paramref name="runStep"/> runs one crash run on a fresh venue with the options it is given.</summary>
    public async Task<IReadOnlyList<CapacityStep>> RunAsync(Func<LoadTestOptions, CancellationToken, Task<RunResult>> runStep, string folder,
        CancellationToken cancellation)
    {
        var steps = new List<CapacityStep>();
        foreach (double rate in capacity.Rates())
        {
            var options = StepOptions(rate, folder);
            log.WriteLine($"Capacity step {steps.Count + 1}: {rate:N0} requests/s offered ({LoadSimulation.TopRate(options.FixPlan):N0} FIX, {LoadSimulation.TopRate(options.WebSocketPlan):N0} WebSocket)");
            var runs = new List<CapacityStep>();
            for (int r = 0; r < capacity.Repeats; r++)
            {
                var result = await runStep(options with { ReportDirectory = capacity.Repeats == 1 ? options.ReportDirectory : $"{options.ReportDirectory}-run{r + 1}" }, cancellation);
                runs.Add(Judge(rate, options, result));
            }
            var step = Median(runs);
            steps.Add(step);
            log.WriteLine($"  {(step.Held ? "held" : "broke: " + string.Join("; ", step.Broken))}; ack p99 during the crash FIX {MarkdownReport.Latency(step.FixAck.P99, step.FixAck.Count)}, " +
                          $"WebSocket {MarkdownReport.Latency(step.WebSocketAck.P99, step.WebSocketAck.Count)}");
            if (!step.Held) break;
        }
        return steps;
    }

    /// <summary>
    /// The step's verdict over its runs: the run whose worse channel p99 is the median stands for the
    /// step (a single unlucky run does not decide it, nor a lucky one), and a correctness problem in
    /// any run (an event lost, a client dropped, ...) breaks the step.
    /// </summary>
    public static CapacityStep Median(IReadOnlyList<CapacityStep> runs)
    {
        var ordered = runs.OrderBy(r => Math.Max(r.FixAck.P99, r.WebSocketAck.P99)).ToList();
        var median = ordered[(ordered.Count - 1) / 2];
        return median with
        {
            Problems = runs.SelectMany(r => r.Problems).Distinct().ToList(),
            EventsLost = runs.Max(r => r.EventsLost),
            EventsDuplicated = runs.Max(r => r.EventsDuplicated),
            ClientsDropped = runs.Max(r => r.ClientsDropped),
            Unanswered = runs.Max(r => r.Unanswered),
            Runs = runs.Count,
        };
    }

    /// <summary>The template run at <paramref name="rate"/> (FIX and WebSocket split by the share), with the step's length and crash.</summary>
    public LoadTestOptions StepOptions(double rate, string folder)
    {
        double fix = Math.Round(rate * capacity.FixShare), webSocket = Math.Round(rate - fix);
        string Plan(double r) => string.Create(CultureInfo.InvariantCulture,
            $"ramp:{r}:{capacity.RampSeconds}s,inject:{r}:{capacity.StepSeconds - capacity.RampSeconds}s");
        return template with
        {
            Title = $"Crash load test, capacity step at {rate:N0} requests/s",
            FixPlan = LoadSimulation.ParsePlan(Plan(fix)),
            WebSocketPlan = LoadSimulation.ParsePlan(Plan(webSocket)),
            CrashAt = capacity.CrashAt,
            ReportDirectory = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"step-{rate:000000}")),
            LiveView = false,
            CompareWith = null,
        };
    }

    /// <summary>The step's objectives, judged on the crash phase (the whole run for events and the verdict).</summary>
    public CapacityStep Judge(double rate, LoadTestOptions options, RunResult result)
    {
        var r = result.Report;
        PhaseLine During(string channel) => r.Phases.FirstOrDefault(p => p.Channel == channel && p.Phase == "during")
                                             ?? r.Totals.Single(t => t.Channel == channel);
        var (fix, webSocket) = (During("FIX"), During("WebSocket"));
        long limit = (long)(capacity.AckP99LimitMilliseconds * 1000);
        long unanswered = r.Totals.Sum(t => t.Failures.GetValueOrDefault("NO_ANSWER"));
        int dropped = r.Audit.Sum(a => a.LeftOut);
        var slow = new List<string>();
        foreach (var line in new[] { fix, webSocket })
        {
            if (line.NewOrderAck.P99 > limit) slow.Add($"{line.Channel} ack p99 {MarkdownReport.Latency(line.NewOrderAck.P99)} > {MarkdownReport.Latency(limit)}");
        }
        var problems = new List<string>();
        if (unanswered > 0) problems.Add($"{unanswered} requests unanswered");
        problems.AddRange(r.Problems); // events lost or duplicated, clients dropped, the money checks
        var venue = r.Resources.Processes.FirstOrDefault(p => p.Process == "venue" && p.Phase == "during");
        var generator = r.Resources.Processes.FirstOrDefault(p => p.Process == "load generator" && p.Phase == "during");
        return new CapacityStep(rate, LoadSimulation.TopRate(options.FixPlan), LoadSimulation.TopRate(options.WebSocketPlan), fix.OkPerSecond + webSocket.OkPerSecond,
            fix.NewOrderAck, webSocket.NewOrderAck, fix.NewOrderService, webSocket.NewOrderService, r.EventsLost, r.EventsDuplicated, dropped, unanswered,
            venue?.CpuShare ?? 0, generator?.CpuShare ?? 0, slow, problems, result.MarkdownPath);
    }
}

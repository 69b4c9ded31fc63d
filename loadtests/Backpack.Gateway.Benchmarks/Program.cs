using System.Diagnostics;
using BenchmarkDotNet.Running;
using Backpack.Gateway.Benchmarks;
using Backpack.Gateway.Protocol.Framing;

// "quick [commands] [accounts] [rounds] [marketMakers] [stopPercent]": timed passes of the engine over the mixed
// flow (seconds, for profiling and a first look). Anything else goes to BenchmarkDotNet, e.g.
// --filter '*EngineBenchmark*'.
if (args.Length > 0 && args[0] == "quick")
{
    int commands = args.Length > 1 ? int.Parse(args[1]) : 2_000_000;
    int accounts = args.Length > 2 ? int.Parse(args[2]) : 10_000;
    int makers = args.Length > 4 ? int.Parse(args[4]) : 0;
    int stopPercent = args.Length > 5 ? int.Parse(args[5]) : 0;
    Console.WriteLine($"Generating {commands:N0} commands over {accounts:N0} accounts ...");
    var flow = MixedFlow.Generate(accounts: accounts, measuredCommands: commands, marketMakers: makers, stopPercent: stopPercent);
    Console.WriteLine("Mixed flow: " + flow.Mix);
    var output = new FrameBuffer(1 << 20, 1 << 12);
    int rounds = args.Length > 3 ? int.Parse(args[3]) : 3;
    double best = double.MaxValue;
    for (int round = 1; round <= rounds; round++)
    {
        var engine = flow.PrepareEngine(accounts);
        GC.Collect();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        long events = flow.RunMeasured(engine, output);
        sw.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        best = Math.Min(best, sw.Elapsed.TotalNanoseconds / flow.Count);
        Console.WriteLine($"round {round}: {flow.Count / sw.Elapsed.TotalSeconds / 1e6:F2} M commands/s, " +
                          $"{sw.Elapsed.TotalNanoseconds / flow.Count:F0} ns/command, {events / (double)flow.Count:F2} events/command, " +
                          $"{allocated / (double)flow.Count:F3} bytes allocated/command");
    }
    Console.WriteLine($"best: {1e3 / best:F2} M commands/s ({best:F0} ns/command)");
    return;
}

// "adl-rank [accounts] [ticks] [rounds]": what ranking the ADL queues at every tick costs a tick command (AdlRankBench).
if (args.Length > 0 && args[0] == "adl-rank")
{
    AdlRankBench.Run(args.Length > 1 ? int.Parse(args[1]) : 10_000, args.Length > 2 ? int.Parse(args[2]) : 40, args.Length > 3 ? int.Parse(args[3]) : 5);
    return;
}

// "fix-latency [pings] [sustained] [message-log | message-log-compare]": order -> ExecutionReport over loopback through
// the whole gateway; with the message log on, or alternating off and on (3 rounds each, medians).
if (args.Length > 0 && args[0] == "fix-latency")
{
    int pings = args.Length > 1 ? int.Parse(args[1]) : 20_000, sustained = args.Length > 2 ? int.Parse(args[2]) : 200_000;
    if (args.Contains("message-log-compare")) FixLatency.CompareMessageLog(pings, sustained);
    else FixLatency.Run(pings, sustained, messageLog: args.Contains("message-log"));
    return;
}

// "fix-tls [pings] [rounds]": FIX over TLS against plain TCP, ping-pong in alternating rounds of the same run.
if (args.Length > 0 && args[0] == "fix-tls")
{
    FixTlsLatency.Run(args.Length > 1 ? int.Parse(args[1]) : 10_000, args.Length > 2 ? int.Parse(args[2]) : 5);
    return;
}

// "quickfix-race [pings] [inflight] [runs]": the same QuickFIX C++ initiator against the gateway (journal fsync per batch,
// then Fsync=Never) and against a QuickFIX C++ echo acceptor; ping-pong p50/p99, orders/s with 100 in flight, four initiators.
if (args.Length > 0 && args[0] == "quickfix-race")
{
    QuickFixRace.Run(args.Length > 1 ? int.Parse(args[1]) : 10_000, args.Length > 2 ? int.Parse(args[2]) : 40_000, args.Length > 3 ? int.Parse(args[3]) : 5,
        fourInitiators: !args.Contains("one"));
    return;
}

// "ws-latency [pings] [connections] [liquidations] [rounds]": WebSocket order -> response over loopback, and
// one liquidation event fanned out to many subscribed connections next to a bare Kestrel WebSocket endpoint (WsFanOut).
if (args.Length > 0 && args[0] == "ws-latency")
{
    WsLatency.Run(args.Length > 1 ? int.Parse(args[1]) : 20_000, args.Length > 2 ? int.Parse(args[2]) : 1_000, args.Length > 3 ? int.Parse(args[3]) : 100,
        args.Length > 4 ? int.Parse(args[4]) : 5);
    return;
}

// "fix-md [changes] [sessions]": one book change fanned out to N FIX market data sessions, engine time to receipt.
if (args.Length > 0 && args[0] == "fix-md")
{
    FixMarketDataFanOut.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000, args.Length > 2 ? int.Parse(args[2]) : 100);
    return;
}

// "rest [rounds] [seconds] [no-history]": the REST API under wrk next to a bare Kestrel endpoint (signed order latency, GET depth requests/s).
if (args.Length > 0 && args[0] == "rest")
{
    RestBench.Run(args.Length > 1 ? int.Parse(args[1]) : 3, args.Length > 2 ? int.Parse(args[2]) : 5, history: !args.Contains("no-history"));
    return;
}

// "history [commands] [rounds]": the engine's rate through the runner without and with the history projection following it.
if (args.Length > 0 && args[0] == "history")
{
    JournalBench.RunHistory(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, args.Length > 2 ? int.Parse(args[2]) : 3);
    return;
}

// "journal [commands] [recoveryCommands]": runner throughput with each fsync policy, and the recovery time of a long journal.
if (args.Length > 0 && args[0] == "journal")
{
    JournalBench.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, args.Length > 2 ? int.Parse(args[2]) : 10_000_000);
    return;
}

// "fix-codec [messages]": the FixCodecBenchmark methods in a plain loop (for a profiler).
if (args.Length > 0 && args[0] == "fix-codec")
{
    long messages = args.Length > 1 ? long.Parse(args[1]) : 20_000_000;
    var bench = new FixCodecBenchmark();
    var sw = Stopwatch.StartNew();
    for (long i = 0; i < messages; i++) bench.ParseValidateMapNewOrderSingle();
    Console.WriteLine($"parse+validate+map: {sw.Elapsed.TotalNanoseconds / messages:F0} ns/message");
    sw.Restart();
    for (long i = 0; i < messages; i++) bench.EncodeFillExecutionReport();
    Console.WriteLine($"encode ExecutionReport: {sw.Elapsed.TotalNanoseconds / messages:F0} ns/message");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmark).Assembly).Run(args);

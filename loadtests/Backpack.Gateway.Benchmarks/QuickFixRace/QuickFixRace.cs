using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Fix;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.TestSupport;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// `quickfix-race [pings] [inflight] [runs]`: the same QuickFIX C++ initiator (initiator.cpp) against
/// the gateway and against a QuickFIX C++ acceptor that only echoes an ExecutionReport per
/// NewOrderSingle (echo_acceptor.cpp). The gateway runs in this process as the host wires it:
/// engine runner with a real journal (fsync per batch, the durable default; the same without the
/// segment zero-filled ahead, Journal:PreallocateBytes=0; then Fsync=Never), FIX front end with
/// file stores, signed logons. Each run starts each target afresh, in the order echo, gateway fsync
/// batch, gateway fsync batch without preallocation, gateway fsync never; against each, one initiator's ping-pong and
/// 100-in-flight runs, then four initiators at once (in-flight only, inflight/4 orders each).
/// </summary>
public static class QuickFixRace
{
    /// <summary>What one target did in one run: ping-pong percentiles (us), one initiator's and four initiators' acknowledged orders/s.</summary>
    public sealed record TargetResult(string Target, int Pings, double P50, double P99, int InFlightOrders, double OrdersPerSecond, int FourOrders, double FourOrdersPerSecond);

    public const int Window = 100;
    private const int CancelEvery = 1_000;
    private static readonly byte[] PrivateKey = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"); // RFC 8032 test 1

    private static readonly string[] Targets = ["echo acceptor", "gateway, fsync batch", "gateway, batch, no prealloc", "gateway, fsync never"];

    /// <summary>Runs the race <paramref name="runs"/> times; prints each target of each run, the medians and the ratios; returns every result.</summary>
    public static List<TargetResult> Run(int pings, int inflight, int runs, bool fourInitiators = true, TextWriter? output = null)
    {
        output ??= Console.Out;
        string folder = Path.Combine(AppContext.BaseDirectory, "QuickFixRace");
        var builds = new[] { "initiator", "echo_acceptor" }.AsParallel()
            .Select(name => QuickFixBuild.Executable(Path.Combine(folder, name + ".cpp"), "backpack-quickfix-race-" + name)).ToArray();
        string initiator = builds[0], echo = builds[1];
        var results = new List<TargetResult>();
        for (int run = 1; run <= runs; run++)
        {
            foreach (string target in Targets)
            {
                var result = RunTarget(target, initiator, echo, pings, inflight, fourInitiators);
                results.Add(result);
                output.WriteLine($"run {run}, {target,-27}: ping-pong {result.Pings:N0} orders p50 {result.P50:F1} us, p99 {result.P99:F1} us; " +
                                 $"{Window} in flight {result.OrdersPerSecond:N0} orders/s ({result.InFlightOrders:N0})" +
                                 (fourInitiators ? $"; four initiators {result.FourOrdersPerSecond:N0} orders/s ({result.FourOrders:N0})" : ""));
            }
        }
        double Median(string target, Func<TargetResult, double> value) => results.Where(r => r.Target == target).Select(value).Order().ElementAt(runs / 2);
        foreach (string target in Targets)
        {
            output.WriteLine($"median of {runs}, {target,-27}: ping-pong p50 {Median(target, r => r.P50):F1} us, p99 {Median(target, r => r.P99):F1} us; " +
                             $"{Window} in flight {Median(target, r => r.OrdersPerSecond):N0} orders/s" +
                             (fourInitiators ? $"; four initiators {Median(target, r => r.FourOrdersPerSecond):N0} orders/s" : ""));
        }
        foreach (string target in Targets.Skip(1))
        {
            output.WriteLine($"{target} / echo acceptor (medians): ping-pong p50 {Median(target, r => r.P50) / Median(Targets[0], r => r.P50):F2}x, " +
                             $"p99 {Median(target, r => r.P99) / Median(Targets[0], r => r.P99):F2}x; orders/s {Median(target, r => r.OrdersPerSecond) / Median(Targets[0], r => r.OrdersPerSecond):F2}x" +
                             (fourInitiators ? $"; four initiators' orders/s {Median(target, r => r.FourOrdersPerSecond) / Median(Targets[0], r => r.FourOrdersPerSecond):F2}x" : ""));
        }
        return results;
    }

    private static TargetResult RunTarget(string target, string initiator, string echo, int pings, int inflight, bool fourInitiators)
    {
        string folder = Directory.CreateTempSubdirectory("bp-quickfix-race-").FullName;
        try
        {
            using var acceptor = target == Targets[0]
                ? (IDisposable)new EchoAcceptor(echo, folder)
                : new Gateway(target == Targets[3] ? FsyncPolicy.Never : FsyncPolicy.Batch, preallocate: target != Targets[2], folder);
            var endpoint = acceptor is EchoAcceptor e ? e.EndPoint : ((Gateway)acceptor).EndPoint;
            int cancelEvery = acceptor is Gateway ? CancelEvery : 0; // the echo acceptor answers no mass cancel

            string[] single;
            using (var one = new Initiator(initiator, endpoint, folder, 1, pings, inflight, cancelEvery))
            {
                one.Go();
                single = one.Results(pings > 0, inflight > 0, TimeSpan.FromMinutes(10));
            }
            int fourOrders = 0;
            double fourRate = 0;
            if (fourInitiators)
            {
                int each = inflight / 4;
                var four = Enumerable.Range(1, 4).Select(n => new Initiator(initiator, endpoint, folder, n, 0, each, cancelEvery)).ToList();
                try
                {
                    // Started together; the total over the slowest one's time (each times its own in-flight run).
                    foreach (var i in four) i.Go();
                    double slowest = 0;
                    foreach (var i in four)
                    {
                        string[] line = i.Results(false, true, TimeSpan.FromMinutes(10))[1].Split(' ');
                        fourOrders += int.Parse(line[1]);
                        slowest = Math.Max(slowest, Number(line[3]));
                    }
                    fourRate = fourOrders / slowest;
                }
                finally
                {
                    foreach (var i in four) i.Dispose();
                }
            }
            string[] ping = single[0].Split(' '), flight = single[1].Split(' ');
            return new TargetResult(target, pings > 0 ? int.Parse(ping[1]) : 0, pings > 0 ? Number(ping[2]) : 0, pings > 0 ? Number(ping[4]) : 0,
                inflight > 0 ? int.Parse(flight[1]) : 0, inflight > 0 ? Number(flight[4]) : 0, fourOrders, fourRate);
        }
        finally
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    private static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static string Dictionary => Path.Combine(AppContext.BaseDirectory, "fixspec", "FIX44.xml");

    /// <summary>The gateway in this process: engine runner with a journal, FIX front end with file stores, sessions BENCH1 to BENCH4 (accounts 1 to 4) signed with <see cref="PrivateKey"/>.</summary>
    private sealed class Gateway : IDisposable
    {
        private readonly EngineRunner _runner;
        private readonly FixFrontEnd _fix;

        public Gateway(FsyncPolicy fsync, bool preallocate, string folder)
        {
            var market = new MarketDefinition { Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.01m, MinQuantity = 0.01m, MaxQuantity = 100_000m, PriceBand = 0.5m };
            var engine = new MatchingEngine([market], new EngineOptions { MaxOpenOrdersPerAccount = 1_000_000, InitialOrderCapacity = 1 << 20 });
            var journal = new JournalOptions { Directory = Path.Combine(folder, "journal"), Fsync = fsync, PreallocateBytes = preallocate ? 8L << 20 : 0 };
            var writer = new JournalWriter(journal, new JournalScan(engine.LastSequence, 0, null, 0, 0));
            _runner = new EngineRunner(engine, EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = TimeSpan.Zero }, writer, journal);
            var options = new FixOptions { Listen = "127.0.0.1:0", StoreDirectory = Path.Combine(folder, "fix") };
            string apiKey = Convert.ToBase64String(Ed25519.PublicKeyOf(PrivateKey));
            for (int n = 1; n <= 4; n++)
            {
                options.Sessions.Add(new FixSessionSettings { Number = n, TargetCompId = "BENCH" + n, Accounts = [n], ApiKeys = [apiKey], MaxMessagesPerSecond = 0 });
            }
            _fix = new FixFrontEnd(options, [market], _runner, EngineRunner.SystemClock);
            _fix.Acceptor.OnError = (who, e) => Console.Error.WriteLine($"acceptor error from {who}: {e}");
            _runner.AddConsumer(_fix.Gateway);
            _fix.Start();
            _runner.Start();
            FixLatency.Submit(_runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 18_000));
            for (int n = 1; n <= 4; n++) FixLatency.Submit(_runner, new Deposit(new CommandHeader(0, 0, 0), n, 1_000_000_000L * 1_000_000));
        }

        public IPEndPoint EndPoint => _fix.Acceptor.LocalEndPoint!;

        public void Dispose()
        {
            _fix.StopAsync().Wait();
            _runner.Dispose();
            _runner.Journal?.Dispose();
        }
    }

    /// <summary>echo_acceptor.cpp on a free loopback port, sessions BENCH1 to BENCH4.</summary>
    private sealed class EchoAcceptor : IDisposable
    {
        private readonly Child _child;

        public EchoAcceptor(string executable, string folder)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            EndPoint = (IPEndPoint)probe.LocalEndpoint;
            probe.Stop();
            _child = new Child(executable, [EndPoint.Port.ToString(), Dictionary, Path.Combine(folder, "echo"), "BENCH1", "BENCH2", "BENCH3", "BENCH4"]);
            _child.Expect("READY", TimeSpan.FromSeconds(10));
        }

        public IPEndPoint EndPoint { get; }

        public void Dispose() => _child.Dispose();
    }

    /// <summary>initiator.cpp logged on as BENCH{n}, waiting for <see cref="Go"/>.</summary>
    private sealed class Initiator : IDisposable
    {
        private readonly Child _child;

        public Initiator(string executable, IPEndPoint endpoint, string folder, int n, int pings, int inflight, int cancelEvery)
        {
            _child = new Child(executable, [endpoint.Address.ToString(), endpoint.Port.ToString(), Dictionary, Path.Combine(folder, "initiator" + n), "BENCH" + n,
                Convert.ToHexString(PrivateKey), pings.ToString(), inflight.ToString(), Window.ToString(), cancelEvery.ToString()]);
            _child.Expect("READY", TimeSpan.FromSeconds(10));
        }

        public void Go() => _child.Send("go");

        /// <summary>The PINGPONG and INFLIGHT lines ("" for a part not run), once the initiator printed DONE.</summary>
        public string[] Results(bool pings, bool inflight, TimeSpan patience)
        {
            string ping = pings ? _child.Expect("PINGPONG ", patience) : "";
            string flight = inflight ? _child.Expect("INFLIGHT ", patience) : "";
            _child.Expect("DONE", TimeSpan.FromSeconds(10));
            return [ping, flight];
        }

        public void Dispose() => _child.Dispose();
    }

    /// <summary>A child process whose output lines are read as they come; an ERROR line, or its end, fails the wait.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = new();
        private readonly ConcurrentQueue<string> _errors = new();

        public Child(string executable, string[] arguments)
        {
            _process = Process.Start(new ProcessStartInfo(executable, arguments) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) _lines.CompleteAdding();
                else _lines.Add(e.Data);
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null) _errors.Enqueue(e.Data);
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public void Send(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        public string Expect(string prefix, TimeSpan patience)
        {
            var deadline = DateTime.UtcNow + patience;
            while (DateTime.UtcNow < deadline && !_lines.IsCompleted)
            {
                if (!_lines.TryTake(out var line, TimeSpan.FromMilliseconds(100))) continue;
                if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
                if (line.StartsWith("ERROR", StringComparison.Ordinal)) throw Failure(line);
            }
            throw Failure($"no '{prefix}' line within {patience.TotalSeconds} s");
        }

        private InvalidOperationException Failure(string what) =>
            new($"{Path.GetFileName(_process.StartInfo.FileName)}: {what}; its errors: {string.Join(" / ", _errors.Take(5))}");

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close(); // the echo acceptor stops at the end of its input
                if (!_process.WaitForExit(5_000)) _process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Security;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Fix;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// FIX over TLS against plain TCP, same gateway, same run: order -> ExecutionReport ping-pong over
/// loopback on the plain port and on the TLS port (a demo certificate made in a temporary folder),
/// in alternating rounds, each side a blocking client on a Stream (NetworkStream or SslStream).
/// Prints each round and the medians of the rounds' p50 and p99, and their ratio.
/// </summary>
public static class FixTlsLatency
{
    public static void Run(int pings, int rounds)
    {
        string folder = Directory.CreateTempSubdirectory("fix-tls-bench-").FullName;
        var market = new MarketDefinition { Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.01m, MinQuantity = 0.01m, MaxQuantity = 100_000m, PriceBand = 0.5m };
        var engine = new MatchingEngine([market], new EngineOptions { MaxOpenOrdersPerAccount = 1_000_000 });
        using var runner = new EngineRunner(engine, EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = TimeSpan.Zero });
        var sessions = new List<FixSessionSettings>
        {
            new() { Number = 1, TargetCompId = "PLAIN", Accounts = [1], RequireSignature = false, MaxMessagesPerSecond = 0 },
            new() { Number = 2, TargetCompId = "TLS", Accounts = [2], RequireSignature = false, MaxMessagesPerSecond = 0 },
        };
        var options = new FixOptions { Listen = "127.0.0.1:0", TlsListen = "127.0.0.1:0", StoreDirectory = Path.Combine(folder, "fix"), Sessions = sessions };
        var tlsOptions = new TlsOptions { DemoCertificate = Path.Combine(folder, "demo-certificate.pfx") };
        var certificate = TlsCertificates.Load(tlsOptions);
        var fix = new FixFrontEnd(options, [market], runner, EngineRunner.SystemClock);
        fix.Acceptor.Tls = TlsCertificates.ServerOptions(certificate, tlsOptions);
        runner.AddConsumer(fix.Gateway);
        fix.Start();
        runner.Start();
        Submit(runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 18_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), 1, 1_000_000_000L * 1_000_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), 2, 1_000_000_000L * 1_000_000));

        using var plain = new Client(fix.Acceptor.LocalEndPoint!, "PLAIN", null);
        using var tls = new Client(fix.Acceptor.TlsEndPoint!, "TLS", new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, presented, _, errors) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
        });
        plain.Ping(2_000, null); // warm-up (JIT, pools)
        tls.Ping(2_000, null);
        var results = new List<(double PlainP50, double PlainP99, double TlsP50, double TlsP99)>();
        for (int round = 1; round <= rounds; round++)
        {
            var (p50, p99) = plain.Measure(pings);
            var (t50, t99) = tls.Measure(pings);
            results.Add((p50, p99, t50, t99));
            Console.WriteLine($"round {round}: plain p50 {p50:F1} us p99 {p99:F1} us; TLS p50 {t50:F1} us p99 {t99:F1} us");
        }
        double Median(Func<(double, double, double, double), double> pick)
        {
            var sorted = results.Select(r => pick(r)).Order().ToList();
            return sorted[sorted.Count / 2];
        }
        double plain50 = Median(r => r.Item1), plain99 = Median(r => r.Item2), tls50 = Median(r => r.Item3), tls99 = Median(r => r.Item4);
        Console.WriteLine($"FIX order -> ExecutionReport ping-pong over loopback, {pings:N0} orders a round, median of {rounds} rounds: " +
                          $"plain p50 {plain50:F1} us p99 {plain99:F1} us; TLS p50 {tls50:F1} us p99 {tls99:F1} us; TLS / plain p50 {tls50 / plain50:F2}x, p99 {tls99 / plain99:F2}x");
        fix.StopAsync().Wait();
        try
        {
            Directory.Delete(folder, true);
        }
        catch (IOException)
        {
        }
    }

    private static void Submit<T>(EngineRunner runner, T command) where T : struct, IProtocolMessage<T>
    {
        long before = runner.Engine.LastSequence;
        runner.TrySubmit(ProtocolCodec.ToArray(command));
        SpinWait.SpinUntil(() => runner.Engine.LastSequence > before, 5000);
    }

    /// <summary>A blocking initiator: one order in flight, a mass cancel every 500 orders to keep the book small.</summary>
    private sealed class Client(IPEndPoint endpoint, string compId, SslClientAuthenticationOptions? tls) : IDisposable
    {
        private readonly BenchFixConnection _connection = Connected(endpoint, compId, tls);
        private long _clOrdId;

        private static BenchFixConnection Connected(IPEndPoint endpoint, string compId, SslClientAuthenticationOptions? tls)
        {
            var connection = new BenchFixConnection(endpoint, compId, tls);
            connection.Logon();
            return connection;
        }

        public (double P50, double P99) Measure(int pings)
        {
            var latencies = new long[pings];
            Ping(pings, latencies);
            Array.Sort(latencies);
            return (Micros(latencies[pings / 2]), Micros(latencies[pings * 99 / 100]));
        }

        private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

        public void Ping(int count, long[]? latencies)
        {
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var w = _connection.Header("D"u8);
                w.Field(FixTags.ClOrdID, ++_clOrdId);
                w.Field(FixTags.Symbol, "SOL_USDC_PERP"u8);
                w.Field(FixTags.Side, '1');
                w.Timestamp(FixTags.TransactTime, EngineRunner.SystemClock());
                w.Field(FixTags.OrderQty, 1);
                w.Field(FixTags.OrdType, '2');
                w.Field(FixTags.Price, 100 + (i % 50));
                _connection.Append(ref w);
                _connection.Flush();
                WaitFor('8');
                if (latencies is not null) latencies[i] = Stopwatch.GetTimestamp() - start;
                if (i % 500 == 499) CancelAll();
            }
            CancelAll();
        }

        private void CancelAll()
        {
            var w = _connection.Header("q"u8);
            w.Field(FixTags.ClOrdID, "mc" + (++_clOrdId));
            w.Field(FixTags.MassCancelRequestType, '7');
            w.Timestamp(FixTags.TransactTime, EngineRunner.SystemClock());
            _connection.Append(ref w);
            _connection.Flush();
            WaitFor('r');
        }

        /// <summary>Reads until a message of <paramref name="type"/> (single-character types) arrives.</summary>
        private void WaitFor(char type)
        {
            while (true)
            {
                _connection.Read(out char arrived, -1);
                if (arrived == type) return;
                if (arrived is '5' or '3') throw new InvalidOperationException("gateway answered " + _connection.Message);
            }
        }

        public void Dispose() => _connection.Dispose();
    }
}

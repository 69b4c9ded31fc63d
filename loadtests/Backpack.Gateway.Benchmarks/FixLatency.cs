using System.Diagnostics;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Fix;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// Order -> ExecutionReport over loopback through the whole gateway path (client socket, acceptor,
/// session, validation, translation, inbound ring, engine thread, dispatcher, session, socket):
/// a ping-pong run (one order in flight) for latency percentiles, then a windowed run for
/// sustained acknowledged orders per second. Orders rest far from the touch and are canceled in
/// batches so the book stays small. Environment knobs for investigations: FIX_BENCH_MEMORY_STORE=1
/// keeps the session's store in memory instead of files; FIX_BENCH_SPIN_US sets how long the idle
/// engine thread spins before it sleeps (default 50). With <c>messageLog</c> the session writes
/// the message log (Fix:MessageLog) into a temporary folder; <see cref="CompareMessageLog"/>
/// alternates runs without and with it.
/// </summary>
public static class FixLatency
{
    /// <summary>Ping-pong percentiles (microseconds) and sustained acknowledged orders per second of one run.</summary>
    public readonly record struct Result(double P50, double P99, double OrdersPerSecond);

    /// <summary>Runs without and with the message log, alternating, <paramref name="rounds"/> times each; prints the medians.</summary>
    public static void CompareMessageLog(int pings, int sustained, int rounds = 3)
    {
        var off = new List<Result>();
        var on = new List<Result>();
        for (int round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round}, message log off:");
            off.Add(Run(pings, sustained, messageLog: false));
            Console.WriteLine($"round {round}, message log on:");
            on.Add(Run(pings, sustained, messageLog: true));
        }
        AppendCost();
        double Median(IEnumerable<double> values) => values.Order().ElementAt(rounds / 2);
        foreach (var (name, results) in new[] { ("off", off), ("on", on) })
        {
            Console.WriteLine($"message log {name}, medians of {rounds}: ping-pong p50 {Median(results.Select(r => r.P50)):F1} us, p99 {Median(results.Select(r => r.P99)):F1} us; " +
                              $"sustained {Median(results.Select(r => r.OrdersPerSecond)):N0} orders/s");
        }
    }

    /// <summary>What a session thread pays per logged message: one Outgoing of a 260-byte ExecutionReport-sized message (a lock and a copy), and what it allocates.</summary>
    private static void AppendCost()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fix-bench-log-" + Guid.NewGuid().ToString("N"));
        const int lines = 100_000;
        using (var log = new FixMessageLog(new MessageLogOptions { Directory = dir, QueueBytes = 64 << 20 }, EngineRunner.SystemClock))
        {
            var session = log.Register("FIX.4.4", "BACKPACK", "BENCH");
            byte[] message = new byte[260];
            Array.Fill(message, (byte)'x');
            for (int i = 0; i < 10_000; i++) session.Outgoing(message, i); // warm-up
            Thread.Sleep(500);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < lines; i++) session.Outgoing(message, i);
            var elapsed = Stopwatch.GetElapsedTime(start);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine($"message log append on the session thread: {elapsed.TotalNanoseconds / lines:F0} ns and {allocated / (double)lines:F2} bytes allocated per 260-byte message ({log.DroppedLines} of {lines:N0} dropped)");
        }
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    public static Result Run(int pings, int sustained, bool messageLog = false)
    {
        var market = new MarketDefinition { Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.01m, MinQuantity = 0.01m, MaxQuantity = 100_000m, PriceBand = 0.5m };
        var engine = new MatchingEngine([market], new EngineOptions { MaxOpenOrdersPerAccount = 1_000_000, InitialOrderCapacity = 1 << 20 });
        using var runner = new EngineRunner(engine, EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = TimeSpan.Zero, SpinBeforeSleep = TimeSpan.FromMicroseconds(double.Parse(Environment.GetEnvironmentVariable("FIX_BENCH_SPIN_US") ?? "50")) });
        var settings = new FixSessionSettings { Number = 1, TargetCompId = "BENCH", Accounts = [1], RequireSignature = false, MaxMessagesPerSecond = 0 };
        string storeDir = Path.Combine(Path.GetTempPath(), "fix-bench-" + Guid.NewGuid().ToString("N"));
        var options = new FixOptions { Listen = "127.0.0.1:0", StoreDirectory = Environment.GetEnvironmentVariable("FIX_BENCH_MEMORY_STORE") == "1" ? "" : storeDir, Sessions = [settings] };
        if (messageLog) options.MessageLog.Directory = Path.Combine(storeDir, "log");
        var fix = new FixFrontEnd(options, [market], runner, EngineRunner.SystemClock);
        fix.Acceptor.OnError = (who, e) => Console.Error.WriteLine($"acceptor error from {who}: {e}");
        runner.AddConsumer(fix.Gateway);
        fix.Start();
        runner.Start();
        var acceptor = fix.Acceptor;
        Submit(runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 18_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), 1, 1_000_000_000L * 1_000_000));

        using var client = new Client(acceptor.LocalEndPoint!);
        client.Logon();
        // Warm-up (JIT, pools).
        Ping(client, 5_000, null);
        var latencies = new long[pings];
        int gcBefore = GC.CollectionCount(0);
        var pauseBefore = GC.GetTotalPauseDuration();
        Ping(client, pings, latencies);
        int collections = GC.CollectionCount(0) - gcBefore;
        var paused = GC.GetTotalPauseDuration() - pauseBefore;
        Array.Sort(latencies);
        double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        Console.WriteLine($"FIX order -> ExecutionReport ping-pong over loopback, {pings:N0} orders: " +
                          $"p50 {Micros(latencies[pings / 2]):F1} us, p90 {Micros(latencies[pings * 9 / 10]):F1} us, p99 {Micros(latencies[pings * 99 / 100]):F1} us, " +
                          $"p99.9 {Micros(latencies[pings * 999 / 1000]):F1} us, max {Micros(latencies[^1]):F1} us; " +
                          $"{collections} garbage collections in the process pausing it {paused.TotalMilliseconds:F1} ms in all");

        var sw = Stopwatch.StartNew();
        int window = 500, sent = 0, acked = 0;
        long lastProgress = Stopwatch.GetTimestamp();
        int lastAcked = 0;
        while (acked < sustained)
        {
            if (acked != lastAcked)
            {
                lastAcked = acked;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > TimeSpan.FromSeconds(5))
            {
                throw new InvalidOperationException($"no acknowledgement for 5 s: sent {sent}, acknowledged {acked}; last message {client.Last}");
            }
            while (sent < sustained && sent - acked < window)
            {
                client.SendOrder(sent++);
                if (sent % 100 == 0) client.Flush();
            }
            client.Flush();
            acked += client.DrainReports();
        }
        sw.Stop();
        Console.WriteLine($"FIX sustained, one session, window {window}: {sustained / sw.Elapsed.TotalSeconds:N0} orders/s acknowledged ({sustained:N0} orders in {sw.Elapsed.TotalSeconds:F2} s)");
        fix.StopAsync().Wait();
        if (fix.MessageLog is { } log) Console.WriteLine($"message log: {log.DroppedLines} lines dropped, {log.WriteErrors} write errors");
        try { Directory.Delete(storeDir, true); } catch (IOException) { }
        return new Result(Micros(latencies[pings / 2]), Micros(latencies[pings * 99 / 100]), sustained / sw.Elapsed.TotalSeconds);
    }

    private static void Ping(Client client, int count, long[]? latencies)
    {
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            client.SendOrder(i);
            client.Flush();
            while (client.DrainReports() == 0)
            {
            }
            if (latencies is not null) latencies[i] = Stopwatch.GetTimestamp() - start;
            if (i % 1000 == 999) client.CancelAll();
        }
        client.CancelAll();
    }

    internal static void Submit<T>(EngineRunner runner, T command) where T : struct, IProtocolMessage<T>
    {
        long before = runner.Engine.LastSequence;
        runner.TrySubmit(ProtocolCodec.ToArray(command));
        SpinWait.SpinUntil(() => runner.Engine.LastSequence > before, 5000);
    }

    /// <summary>A minimal initiator on our codec: sends NewOrderSingles, counts ExecutionReport acknowledgements.</summary>
    private sealed class Client(System.Net.IPEndPoint endpoint) : IDisposable
    {
        private readonly BenchFixConnection _connection = new(endpoint, "BENCH");
        private int _cancelSeq;
        private long _clOrdId;

        public void Logon() => _connection.Logon();

        public void SendOrder(int n)
        {
            var w = _connection.Header("D"u8);
            w.Field(FixTags.ClOrdID, ++_clOrdId);
            w.Field(FixTags.Symbol, "SOL_USDC_PERP"u8);
            w.Field(FixTags.Side, '1');
            w.Timestamp(FixTags.TransactTime, EngineRunner.SystemClock());
            w.Field(FixTags.OrderQty, "1"u8);
            w.Field(FixTags.OrdType, '2');
            w.Scaled(FixTags.Price, 10_000 + n % 5_000, 2);
            _connection.Append(ref w);
        }

        public void CancelAll()
        {
            var w = _connection.Header("q"u8);
            w.Field(FixTags.ClOrdID, "mc-" + (++_cancelSeq) + "-" + Environment.TickCount64);
            w.Field(FixTags.MassCancelRequestType, '7');
            w.Timestamp(FixTags.TransactTime, EngineRunner.SystemClock());
            _connection.Append(ref w);
            _connection.Flush();
            while (!_connection.Read(out var type, 200) || type != 'r')
            {
            }
        }

        public void Flush() => _connection.Flush();

        /// <summary>Reads what has arrived; returns the number of new-order acknowledgements (ExecType 0).</summary>
        public int DrainReports()
        {
            int acks = 0;
            while (_connection.Read(out char type, 200))
            {
                if (type == '8' && _connection.Message.GetChar(FixTags.ExecType) == '0') acks++;
            }
            return acks;
        }

        public string Last => _connection.Message.ToString();

        public void Dispose() => _connection.Dispose();
    }
}

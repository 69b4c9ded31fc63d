using System.Diagnostics;
using System.Net.Sockets;
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

    private static void Submit<T>(EngineRunner runner, T command) where T : struct, IProtocolMessage<T>
    {
        long before = runner.Engine.LastSequence;
        runner.TrySubmit(ProtocolCodec.ToArray(command));
        SpinWait.SpinUntil(() => runner.Engine.LastSequence > before, 5000);
    }

    /// <summary>A minimal initiator on our codec: sends NewOrderSingles, counts ExecutionReport acknowledgements.</summary>
    private sealed class Client : IDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _out = new byte[1 << 20];
        private int _outLength;
        private readonly byte[] _in = new byte[1 << 20];
        private int _inStart;
        private int _inLength;
        private readonly byte[] _scratch = new byte[4096];
        private readonly FixMessage _message = new();
        private int _seq = 1;
        private int _cancelSeq;
        private long _clOrdId;

        public Client(System.Net.IPEndPoint endpoint)
        {
            _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _socket.Connect(endpoint);
        }

        public void Logon()
        {
            var w = Header("A"u8);
            w.Field(FixTags.EncryptMethod, 0);
            w.Field(FixTags.HeartBtInt, 30);
            w.Field(FixTags.ResetSeqNumFlag, true);
            Append(ref w);
            Flush();
            while (!Read(out var type) || type != 'A')
            {
            }
        }

        public void SendOrder(int n)
        {
            var w = Header("D"u8);
            w.Field(FixTags.ClOrdID, ++_clOrdId);
            w.Field(FixTags.Symbol, "SOL_USDC_PERP"u8);
            w.Field(FixTags.Side, '1');
            w.Timestamp(FixTags.TransactTime, EngineRunner.SystemClock());
            w.Field(FixTags.OrderQty, "1"u8);
            w.Field(FixTags.OrdType, '2');
            w.Scaled(FixTags.Price, 10_000 + n % 5_000, 2);
            Append(ref w);
        }

        public void CancelAll()
        {
            var w = Header("q"u8);
            w.Field(FixTags.ClOrdID, "mc-" + (++_cancelSeq) + "-" + Environment.TickCount64);
            w.Field(FixTags.MassCancelRequestType, '7');
            w.Timestamp(FixTags.TransactTime, EngineRunner.SystemClock());
            Append(ref w);
            Flush();
            while (!Read(out var type) || type != 'r')
            {
            }
        }

        /// <summary>Reads what has arrived; returns the number of new-order acknowledgements (ExecType 0).</summary>
        public int DrainReports()
        {
            int acks = 0;
            while (Read(out char type))
            {
                if (type == '8' && _message.GetChar(FixTags.ExecType) == '0') acks++;
            }
            return acks;
        }

        private FixWriter Header(ReadOnlySpan<byte> type)
        {
            var w = new FixWriter(_scratch, type);
            w.Field(FixTags.SenderCompID, "BENCH"u8);
            w.Field(FixTags.TargetCompID, "BACKPACK"u8);
            w.Field(FixTags.MsgSeqNum, _seq++);
            w.Timestamp(FixTags.SendingTime, EngineRunner.SystemClock());
            return w;
        }

        private void Append(ref FixWriter w)
        {
            var (start, length) = w.Finish("FIX.4.4"u8);
            _scratch.AsSpan(start, length).CopyTo(_out.AsSpan(_outLength));
            _outLength += length;
        }

        public void Flush()
        {
            int sent = 0;
            while (sent < _outLength) sent += _socket.Send(_out, sent, _outLength - sent, SocketFlags.None);
            _outLength = 0;
        }

        /// <summary>
        /// One framed message if available (blocking briefly for more bytes when none is buffered).
        /// The message stays valid until the next call: the buffer is compacted only before a receive.
        /// </summary>
        private bool Read(out char type)
        {
            type = '\0';
            while (true)
            {
                var status = FixFramer.TryFrame(_in.AsSpan(_inStart, _inLength - _inStart), 1 << 20, out int consumed);
                if (status == FrameStatus.Message)
                {
                    _message.Parse(_in, _inStart, consumed);
                    _inStart += consumed;
                    type = _message.MsgType.Length == 1 ? (char)_message.MsgType[0] : '?';
                    return true;
                }
                if (_socket.Available == 0 && !_socket.Poll(200, SelectMode.SelectRead)) return false;
                Buffer.BlockCopy(_in, _inStart, _in, 0, _inLength - _inStart);
                _inLength -= _inStart;
                _inStart = 0;
                int read = _socket.Receive(_in, _inLength, _in.Length - _inLength, SocketFlags.None);
                if (read == 0) throw new IOException("gateway closed the connection; last message: " + _message);
                _inLength += read;
            }
        }

        public string Last => _message.ToString();

        public void Dispose() => _socket.Dispose();
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Fix;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// One book change fanned out to N FIX market data sessions over loopback (engine thread, FIX
/// dispatcher with its book replica, one MarketDataIncrementalRefresh per session, each session's
/// file store and socket): N clients log on and subscribe to the full book's bids; then, one at a
/// time, a bid at a new price is placed straight into the engine. For each change: the delay from
/// the BookDelta's engine time to each session's receipt of its X, and to the last session's.
/// </summary>
public static class FixMarketDataFanOut
{
    public static void Run(int changes, int sessions) => RunAsync(changes, sessions).GetAwaiter().GetResult();

    private static async Task RunAsync(int changes, int sessions)
    {
        var market = new MarketDefinition { Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.01m, MinQuantity = 0.01m, MaxQuantity = 100_000m, PriceBand = 0.5m };
        var engine = new MatchingEngine([market], new EngineOptions { MaxOpenOrdersPerAccount = 1_000_000, InitialOrderCapacity = 1 << 16 });
        using var runner = new EngineRunner(engine, EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = TimeSpan.Zero });
        string storeDir = Path.Combine(Path.GetTempPath(), "fix-md-bench-" + Guid.NewGuid().ToString("N"));
        var options = new FixOptions { Listen = "127.0.0.1:0", StoreDirectory = storeDir, MaxConnections = sessions + 1 };
        for (int s = 1; s <= sessions; s++)
        {
            options.Sessions.Add(new FixSessionSettings { Number = s, TargetCompId = "MD" + s, Accounts = [s], RequireSignature = false, MaxMessagesPerSecond = 0 });
        }
        var fix = new FixFrontEnd(options, [market], runner, EngineRunner.SystemClock);
        fix.Acceptor.OnError = (who, e) => Console.Error.WriteLine($"acceptor error from {who}: {e}");
        // Warm-up changes are not measured: the first 10% (at least 50) of the changes.
        int warmUp = Math.Max(50, changes / 10);
        var deltas = new BookDeltaTimes(warmUp + changes);
        runner.AddConsumer(fix.Gateway);
        runner.AddConsumer(deltas);
        fix.Start();
        runner.Start();
        Submit(runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 18_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), 1, 1_000_000_000L * 1_000_000));

        var clients = new MdClient[sessions];
        for (int s = 0; s < sessions; s++)
        {
            clients[s] = new MdClient(fix.Acceptor.LocalEndPoint!, "MD" + (s + 1), warmUp + changes);
            clients[s].LogonAndSubscribe();
        }
        // A reader thread per client (blocking reads; the thread pool would start 100 of them only slowly).
        var readers = clients.Select(c => new Thread(c.ReadLoop) { IsBackground = true, Name = "md-client" }).ToArray();
        foreach (var reader in readers) reader.Start();

        Console.WriteLine($"{sessions} FIX sessions subscribed to SOL_USDC_PERP bids (full book); {warmUp} warm-up + {changes} book changes, one at a time ...");
        int gcBefore = GC.CollectionCount(0);
        for (int i = 0; i < warmUp + changes; i++)
        {
            // A new bid level each time (below the last), so each change is one new-level entry.
            Submit(runner, new NewOrder(new CommandHeader(0, 0, 0), 1, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 17_000 - i, 100, OrderFlags.None, SelfTradePrevention.RejectTaker));
            var deadline = Stopwatch.StartNew();
            while (Fewest(clients) <= i)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(10)) throw new InvalidOperationException($"change {i + 1} did not reach every session within 10 s");
                Thread.SpinWait(20);
            }
        }
        int collections = GC.CollectionCount(0) - gcBefore;
        foreach (var c in clients) c.Dispose();
        foreach (var reader in readers) reader.Join(TimeSpan.FromSeconds(1));

        // RptSeq 1 is the snapshot, so change i (from 0) is the X with RptSeq i + 2 and the book's delta i + 1.
        var delays = new long[changes][];
        for (int i = 0; i < changes; i++)
        {
            long engineTime = deltas.TimeOf(warmUp + i + 1);
            delays[i] = clients.Select(c => c.Arrivals[warmUp + i] - engineTime).ToArray();
        }
        var fixLast = Report($"book change -> {sessions} FIX market data sessions (BookDelta engine time to receipt of the X)", delays);
        Console.WriteLine($"  {collections} gen-0 collections in the process");
        runner.Dispose();
        await fix.StopAsync();
        try { Directory.Delete(storeDir, true); } catch (IOException) { }

        var bareLast = Report($"reference, same run: {MessageBytes} bytes written by one thread to {sessions} bare loopback sockets (write start to receipt)",
            BareFanOut(changes, sessions, warmUp));
        Console.WriteLine($"ratio FIX / bare, until the last got it: p50 {fixLast.P50 / (double)bareLast.P50:F1}x, p99 {fixLast.P99 / (double)bareLast.P99:F1}x");
    }

    /// <summary>About the size of a one-entry MarketDataIncrementalRefresh.</summary>
    private const int MessageBytes = 160;

    /// <summary>Prints the delays (microseconds; per change, per session) to each session and to the last; returns the latter's p50 and p99.</summary>
    private static (long P50, long P99) Report(string what, long[][] delays)
    {
        var perDelivery = delays.SelectMany(d => d).Order().ToArray();
        var last = delays.Select(d => d.Max()).Order().ToArray();
        static string Ms(long micros) => (micros / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        long p99 = last[Math.Min(last.Length - 1, last.Length * 99 / 100)];
        Console.WriteLine($"{what}, {perDelivery.Length:N0} deliveries: p50 {Ms(perDelivery[perDelivery.Length / 2])} ms, p99 {Ms(perDelivery[perDelivery.Length * 99 / 100])} ms; " +
                          $"until the last of the {delays[0].Length} got it: p50 {Ms(last[last.Length / 2])} ms, p99 {Ms(p99)} ms, max {Ms(last[^1])} ms");
        return (last[last.Length / 2], p99);
    }

    /// <summary>
    /// The floor under the fan-out on this machine: one thread writes a message of the X's size to
    /// each of N loopback sockets in turn, N reader threads (as the FIX clients have) take it.
    /// </summary>
    private static long[][] BareFanOut(int changes, int sessions, int warmUp)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen(sessions);
        var readers = new Socket[sessions];
        var writers = new Socket[sessions];
        for (int s = 0; s < sessions; s++)
        {
            readers[s] = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            readers[s].Connect(listener.LocalEndPoint!);
            writers[s] = listener.Accept();
            writers[s].NoDelay = true;
        }
        var arrivals = new long[sessions][];
        var received = new int[sessions];
        var threads = new Thread[sessions];
        for (int s = 0; s < sessions; s++)
        {
            int index = s;
            arrivals[s] = new long[warmUp + changes];
            threads[s] = new Thread(() =>
            {
                var buffer = new byte[MessageBytes];
                for (int n = 0; n < warmUp + changes; n++)
                {
                    int got = 0;
                    while (got < MessageBytes)
                    {
                        int read = readers[index].Receive(buffer, got, MessageBytes - got, SocketFlags.None);
                        if (read == 0) return;
                        got += read;
                    }
                    arrivals[index][n] = EngineRunner.SystemClock();
                    Volatile.Write(ref received[index], n + 1);
                }
            }) { IsBackground = true, Name = "bare-client" };
            threads[s].Start();
        }
        var payload = new byte[MessageBytes];
        var started = new long[warmUp + changes];
        for (int i = 0; i < warmUp + changes; i++)
        {
            started[i] = EngineRunner.SystemClock();
            foreach (var writer in writers) writer.Send(payload);
            var deadline = Stopwatch.StartNew();
            while (received.Min() <= i)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(10)) throw new InvalidOperationException($"bare message {i + 1} did not reach every socket within 10 s");
                Thread.SpinWait(20);
            }
        }
        foreach (var thread in threads) thread.Join(TimeSpan.FromSeconds(1));
        foreach (var socket in readers.Concat(writers)) socket.Dispose();
        return Enumerable.Range(0, changes).Select(i => arrivals.Select(a => a[warmUp + i] - started[warmUp + i]).ToArray()).ToArray();
    }

    private static int Fewest(MdClient[] clients)
    {
        int fewest = int.MaxValue;
        foreach (var c in clients) fewest = Math.Min(fewest, c.Received);
        return fewest;
    }

    private static void Submit<T>(EngineRunner runner, T command) where T : struct, IProtocolMessage<T>
    {
        byte[] frame = ProtocolCodec.ToArray(command);
        while (!runner.TrySubmit(frame)) Thread.Yield();
    }

    /// <summary>The engine time of each BookDelta by its book sequence (one market), recorded on the engine thread.</summary>
    private sealed class BookDeltaTimes(int capacity) : IEventConsumer
    {
        private readonly long[] _times = new long[capacity + 1];

        public long TimeOf(long bookSequence) => Volatile.Read(ref _times[bookSequence]);

        public void OnEvents(FrameBuffer events)
        {
            for (int i = 0; i < events.Count; i++)
            {
                if (ProtocolCodec.TryReadType(events[i], out var type, out _) && type == MessageType.BookDelta
                    && ProtocolCodec.TryDecode(events[i], out BookDelta e, out _) && e.BookSequence < _times.Length)
                {
                    Volatile.Write(ref _times[e.BookSequence], e.Header.Time);
                }
            }
        }
    }

    /// <summary>A market data client on our codec: logs on, subscribes, and records when each X arrives (by RptSeq).</summary>
    private sealed class MdClient(System.Net.IPEndPoint endpoint, string compId, int changes) : IDisposable
    {
        private readonly BenchFixConnection _connection = new(endpoint, compId);
        private volatile int _received;

        /// <summary>Receipt time (microseconds) of the X of each change, the warm-up included.</summary>
        public long[] Arrivals { get; } = new long[changes + 1];

        public int Received => _received;

        public void LogonAndSubscribe()
        {
            _connection.Logon();
            var w = _connection.Header("V"u8);
            w.Field(FixTags.MDReqID, "md"u8);
            w.Field(FixTags.SubscriptionRequestType, '1');
            w.Field(FixTags.MarketDepth, 0);
            w.Field(FixTags.NoMDEntryTypes, 1);
            w.Field(FixTags.MDEntryType, '0');
            w.Field(FixTags.NoRelatedSym, 1);
            w.Field(FixTags.Symbol, "SOL_USDC_PERP"u8);
            _connection.Append(ref w);
            _connection.Flush();
            while (!_connection.Read(out char type, -1) || type != 'W')
            {
            }
        }

        /// <summary>Reads until the socket closes: each X's receipt time under its change number (RptSeq - 2).</summary>
        public void ReadLoop()
        {
            try
            {
                while (true)
                {
                    if (!_connection.Read(out char type, -1) || type != 'X') continue;
                    long now = EngineRunner.SystemClock();
                    if (_connection.Message.TryGetLong(FixTags.RptSeq, out long rptSeq) && rptSeq - 2 < Arrivals.Length)
                    {
                        Arrivals[rptSeq - 2] = now;
                        _received = (int)(rptSeq - 1);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
            }
        }

        public void Dispose() => _connection.Dispose();
    }
}

using System.Diagnostics;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// `journal [commands] [recoveryCommands]`: (1) the mixed flow pushed through the engine runner as
/// fast as one producer can, without a journal and with each fsync policy, on this machine's disk
/// (a temporary folder); (2) a journal of recoveryCommands commands written, then replayed into a
/// fresh engine as a start-up recovery does, with the time it takes and the state hash checked.
/// </summary>
public static class JournalBench
{
    public static void Run(int commands, int recoveryCommands)
    {
        Console.WriteLine($"Generating {commands:N0} commands (mixed flow, 10,000 accounts) ...");
        var flow = MixedFlow.Generate(measuredCommands: commands);
        Console.WriteLine("Mixed flow: " + flow.Mix);
        Throughput(flow, null);
        foreach (var policy in new[] { FsyncPolicy.Never, FsyncPolicy.Batch, FsyncPolicy.Interval }) Throughput(flow, policy);
        Throughput(flow, FsyncPolicy.Batch, maxBatch: 4096);
        flow = null;
        GC.Collect();
        Recovery(recoveryCommands);
    }

    /// <summary>
    /// `history [commands] [rounds]`: what the history projection costs the engine. The mixed flow
    /// through the runner with the journal (fsync per batch), alternately without and with a SQLite
    /// projection following the events on its own thread; the engine's rate in each, and how long
    /// the projection took after the engine's last command to catch up.
    /// </summary>
    public static void RunHistory(int commands, int rounds)
    {
        Console.WriteLine($"Generating {commands:N0} commands (mixed flow, 10,000 accounts) ...");
        var flow = MixedFlow.Generate(measuredCommands: commands);
        Console.WriteLine("Mixed flow: " + flow.Mix);
        for (int round = 1; round <= rounds; round++)
        {
            Throughput(flow, FsyncPolicy.Batch);
            Throughput(flow, FsyncPolicy.Batch, history: true);
        }
    }

    private static void Throughput(MixedFlow flow, FsyncPolicy? policy, int maxBatch = 256, bool history = false)
    {
        var engine = flow.PrepareEngine();
        string folder = Directory.CreateTempSubdirectory("bp-journal-bench-").FullName;
        var options = new JournalOptions { Directory = folder, Fsync = policy ?? FsyncPolicy.Never };
        var writer = policy is null ? null : new JournalWriter(options, new JournalScan(engine.LastSequence, 0, null, 0, 0));
        using var runner = new EngineRunner(engine, EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = TimeSpan.Zero, MaxBatch = maxBatch }, writer, options);
        var batches = new BatchCounter(engine);
        runner.AddConsumer(batches);
        History.HistoryProjector? projector = null;
        if (history)
        {
            projector = new History.HistoryProjector(History.HistoryDatabase.Sqlite(Path.Combine(folder, "history.db")));
            projector.Open();
            projector.Start();
            runner.AddConsumer(projector);
        }
        runner.Start();
        long target = engine.LastSequence + flow.Count;
        var watch = Stopwatch.StartNew();
        int start = 0;
        foreach (int end in flow.Ends)
        {
            var frame = flow.Measured.AsSpan(start, end - start);
            while (!runner.TrySubmit(frame)) Thread.SpinWait(20);
            start = end;
        }
        while (Volatile.Read(ref batches.LastSequence) < target) Thread.Sleep(0);
        watch.Stop();
        string projection = "";
        if (projector is not null)
        {
            var behind = Stopwatch.StartNew();
            while (projector.Cursor < target && projector.Dropped == 0) Thread.Sleep(1);
            projection = $", projection caught up {behind.Elapsed.TotalSeconds:F2} s after the engine's last command (dropped {projector.Dropped} batches)";
            projector.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        runner.Dispose();
        writer?.Dispose();
        string label = (policy is null ? "no journal" : $"journal, fsync {policy}") + (maxBatch != 256 ? $", batch {maxBatch}" : "") + (history ? ", history" : "");
        string disk = writer is null ? "" : $", {writer.Bytes / 1e6:F1} MB written, {writer.Syncs:N0} fsyncs ({flow.Count / (double)Math.Max(1, writer.Syncs):F0} commands per fsync)";
        Console.WriteLine($"{label,-37} {flow.Count / watch.Elapsed.TotalSeconds / 1e6:F2} M commands/s ({watch.Elapsed.TotalSeconds:F2} s){disk}{projection}");
        Directory.Delete(folder, recursive: true);
    }

    private static void Recovery(int commands)
    {
        Console.WriteLine($"Generating {commands:N0} commands for the recovery run ...");
        var flow = MixedFlow.Generate(measuredCommands: commands);
        string folder = Directory.CreateTempSubdirectory("bp-journal-recovery-").FullName;
        var options = new JournalOptions { Directory = folder };
        var original = new MatchingEngine(MixedFlow.DefaultMarkets(), MixedFlow.Options(10_000));
        var output = new FrameBuffer(1 << 20, 1 << 12);
        var write = Stopwatch.StartNew();
        using (var writer = new JournalWriter(options, new JournalScan(0, 0, null, 0, 0)))
        {
            void Take(ReadOnlySpan<byte> frame)
            {
                output.Clear();
                long before = original.LastSequence;
                original.Process(frame, output);
                if (original.LastSequence != before) writer.Append(frame, original.LastSequence);
                if ((original.LastSequence & 1023) == 0) writer.Write();
            }
            foreach (var frame in flow.Setup) Take(frame);
            int start = 0;
            foreach (int end in flow.Ends)
            {
                Take(flow.Measured.AsSpan(start, end - start));
                start = end;
            }
        }
        write.Stop();
        long bytes = JournalFormat.Segments(folder).Sum(s => new FileInfo(s.Path).Length);
        Console.WriteLine($"journal written: {original.LastSequence:N0} commands, {bytes / 1e6:F0} MB in {JournalFormat.Segments(folder).Count} segments ({write.Elapsed.TotalSeconds:F1} s with the engine)");
        ulong expected = original.ComputeStateHash();
        original = null;
        flow = null;
        GC.Collect();

        var recovered = new MatchingEngine(MixedFlow.DefaultMarkets(), MixedFlow.Options(10_000));
        var (report, _) = JournalRecovery.Replay(recovered, folder);
        Console.WriteLine($"recovery: {report.Commands:N0} commands replayed in {report.Elapsed.TotalSeconds:F2} s ({report.Commands / report.Elapsed.TotalSeconds / 1e6:F2} M commands/s), " +
                          $"state hash {report.StateHash:x16} {(report.StateHash == expected ? "= the original's" : $"DIFFERS from the original's {expected:x16}")}");
        Directory.Delete(folder, recursive: true);

        // A snapshot of that engine: the pause on the engine thread, the write, the load.
        Backpack.Gateway.Engine.State.EngineSnapshot.Capture(recovered); // a first one sizes the buffer, as a running venue's earlier snapshots do
        var snapshot = Backpack.Gateway.Engine.State.EngineSnapshot.Capture(recovered);
        string snapshots = Directory.CreateTempSubdirectory("bp-snapshot-bench-").FullName;
        var written = Stopwatch.StartNew();
        string path = snapshot.Write(snapshots, MixedFlow.DefaultMarkets());
        written.Stop();
        var loading = Stopwatch.StartNew();
        var loaded = Backpack.Gateway.Engine.State.EngineSnapshot.Load(path, MixedFlow.DefaultMarkets(), MixedFlow.Options(10_000));
        loading.Stop();
        var summary = recovered.Summarize();
        Console.WriteLine($"snapshot of it ({summary.Accounts:N0} accounts, {summary.OpenOrders:N0} open orders): {snapshot.Payload.Count / 1e6:F1} MB, " +
                          $"engine paused {snapshot.Pause.TotalMilliseconds:F1} ms (copy {snapshot.Copy.TotalMilliseconds:F1} ms, state hash the rest), written in {written.ElapsedMilliseconds} ms (fsync included), " +
                          $"loaded and checked in {loading.ElapsedMilliseconds} ms, hash {(loaded.ComputeStateHash() == report.StateHash ? "equal" : "DIFFERENT")}");
        Directory.Delete(snapshots, recursive: true);
    }

    /// <summary>Runs on the engine thread after each published batch: the engine's sequence then is the last command whose events left.</summary>
    private sealed class BatchCounter(MatchingEngine engine) : IEventConsumer
    {
        public long LastSequence;

        public void OnEvents(FrameBuffer events) => Volatile.Write(ref LastSequence, engine.LastSequence);
    }
}

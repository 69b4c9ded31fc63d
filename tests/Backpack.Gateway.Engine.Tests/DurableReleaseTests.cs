using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The journal synced per batch beside matching (DurableRelease): events leave only after a sync
/// made their commands durable, in engine order without gaps; the engine goes on matching while
/// the consumers (and the disk) are behind, up to the pool of buffers, and then waits.
/// </summary>
public sealed class DurableReleaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-release-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Records each event's sequence with the journal's sync count when it arrived; can be held shut.</summary>
    private sealed class Recorder(Func<long> syncs) : IEventConsumer
    {
        public readonly List<(long Sequence, long Syncs)> Seen = [];
        public readonly ManualResetEventSlim Open = new(true);

        public void OnEvents(FrameBuffer events)
        {
            Open.Wait();
            long syncsNow = syncs();
            lock (Seen)
            {
                for (int i = 0; i < events.Count; i++)
                {
                    if (MessageDecoder.DecodeAny(events[i]) is BalanceChanged b) Seen.Add((b.Header.Sequence, syncsNow));
                }
            }
        }

        public int Count
        {
            get
            {
                lock (Seen) return Seen.Count;
            }
        }
    }

    private (EngineRunner Runner, JournalWriter Journal, Recorder Recorder) Start(int maxBatch)
    {
        var options = new JournalOptions { Directory = _folder, Fsync = FsyncPolicy.Batch };
        var journal = new JournalWriter(options, JournalReader.Read(_folder, 0, (_, _) => { }));
        var runner = new EngineRunner(new MatchingEngine([TestMarkets.Simple()]), () => EngineHarness.StartTime,
            new EngineRunnerOptions { TickInterval = TimeSpan.Zero, MaxBatch = maxBatch, EventBuffers = 16 }, journal, options);
        var recorder = new Recorder(() => journal.Syncs);
        runner.AddConsumer(recorder);
        runner.Start();
        return (runner, journal, recorder);
    }

    private static void Deposit(EngineRunner runner, int i)
    {
        byte[] frame = ProtocolCodec.ToArray(new Deposit(new CommandHeader(0, 0, i), 1, 1_000_000));
        while (!runner.TrySubmit(frame)) Thread.Yield();
    }

    [Fact]
    public void Events_leave_after_a_sync_in_engine_order_and_one_sync_covers_many_batches()
    {
        var (runner, journal, recorder) = Start(maxBatch: 1); // every command its own batch
        using var _ = journal;
        using (runner)
        {
            for (int i = 1; i <= 2_000; i++) Deposit(runner, i);
            Assert.True(SpinWait.SpinUntil(() => recorder.Count == 2_000, TimeSpan.FromSeconds(20)), $"{recorder.Count} of 2,000 events out");
        }
        lock (recorder.Seen)
        {
            Assert.Equal(Enumerable.Range(1, 2_000).Select(i => (long)i), recorder.Seen.Select(s => s.Sequence));
            Assert.All(recorder.Seen, s => Assert.True(s.Syncs >= 1, $"event {s.Sequence} left before any sync"));
        }
        // 2,000 one-command batches, and far fewer syncs: the engine did not wait for the disk batch by batch.
        Assert.True(journal.Syncs < 2_000, $"{journal.Syncs} syncs for 2,000 batches");
        // Everything is in the journal and reads back.
        var scan = JournalReader.Read(_folder, 0, (_, _) => { });
        Assert.Equal(2_000, scan.LastSequence);
    }

    [Fact]
    public void The_engine_matches_on_while_the_release_is_behind_and_waits_once_the_pool_is_full()
    {
        var (runner, journal, recorder) = Start(maxBatch: 1);
        using var _ = journal;
        using (runner)
        {
            recorder.Open.Reset(); // the consumers (behind the sync) stop taking batches
            for (int i = 1; i <= 50; i++) Deposit(runner, i);
            // The engine gets a few batches ahead (the pool), then waits: it neither drops nor runs away.
            Assert.True(SpinWait.SpinUntil(() => runner.Engine.LastSequence >= 3, TimeSpan.FromSeconds(10)), "the engine stopped at once");
            Thread.Sleep(300);
            long ahead = runner.Engine.LastSequence;
            Assert.InRange(ahead, 3, 20); // a pool of 16 buffers: 16 batches handed (one held by the consumer), the engine waiting for the next
            Assert.Equal(0, recorder.Count);

            recorder.Open.Set();
            Assert.True(SpinWait.SpinUntil(() => recorder.Count == 50, TimeSpan.FromSeconds(20)), $"{recorder.Count} of 50 events out");
        }
        lock (recorder.Seen) Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), recorder.Seen.Select(s => s.Sequence));
    }

    [Fact]
    public async Task An_inspection_sees_a_state_whose_events_are_all_out_and_synced()
    {
        var (runner, journal, recorder) = Start(maxBatch: 8);
        using var _ = journal;
        using (runner)
        {
            for (int i = 1; i <= 100; i++) Deposit(runner, i);
            var (sequence, out_) = await runner.InspectAsync(engine => (engine.LastSequence, recorder.Count));
            Assert.Equal(sequence, out_); // every processed command's event was released before the look
            Assert.True(journal.Syncs >= 1);
        }
    }
}

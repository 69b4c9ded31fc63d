using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The outbound event ring: the engine writes each batch once and every reader reads that buffer
/// with a sequence of its own. A reader that falls a whole ring behind makes the engine wait (and
/// loses nothing), unless it is subscribed to be cut off: then the engine goes on, and the reader
/// reads what it held, is re-synced to the head, and is told how many batches it missed.
/// </summary>
public sealed class EventRingTests
{
    /// <summary>A follower whose reader the test drives by hand (no thread): it reads when told to.</summary>
    private sealed class Follower(FallBehind policy = FallBehind.EngineWaits, int cutOffAfter = 64) : IEventFollower
    {
        public EventReader Reader { get; } = new("test", policy, cutOffAfter);
        public readonly List<long> Seen = [];
        public readonly List<FrameBuffer> Buffers = [];
        public long Missed;

        public void OnEvents(FrameBuffer events) => throw new InvalidOperationException("the ring's batches come through the reader");

        /// <summary>Reads every batch published so far.</summary>
        public void Drain()
        {
            while (true)
            {
                bool read = Reader.TryRead(out var batch, out long missed);
                Missed += missed;
                if (!read) return;
                Buffers.Add(batch);
                for (int i = 0; i < batch.Count; i++)
                {
                    if (MessageDecoder.DecodeAny(batch[i]) is BalanceChanged b) Seen.Add(b.Header.Sequence);
                }
                Reader.Done(batch);
            }
        }
    }

    private static EngineRunner Start(int buffers, params IEventConsumer[] consumers)
    {
        var runner = new EngineRunner(new MatchingEngine([TestMarkets.Simple()]), () => EngineHarness.StartTime,
            new EngineRunnerOptions { TickInterval = TimeSpan.Zero, MaxBatch = 1, EventBuffers = buffers });
        foreach (var consumer in consumers) runner.AddConsumer(consumer);
        runner.Start();
        return runner;
    }

    private static void Deposit(EngineRunner runner, int i)
    {
        byte[] frame = ProtocolCodec.ToArray(new Deposit(new CommandHeader(0, 0, i), 1, 1_000_000));
        while (!runner.TrySubmit(frame)) Thread.Yield();
    }

    /// <summary>The engine rents its next buffer just after it gives one back: wait for it to settle.</summary>
    private static void AssertFree(EngineRunner runner, int expected)
    {
        SpinWait.SpinUntil(() => runner.EventBuffers.Free == expected, TimeSpan.FromSeconds(5));
        Assert.Equal(expected, runner.EventBuffers.Free);
    }

    private static IEnumerable<long> Range(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => (long)i);

    [Fact]
    public void A_reader_a_whole_ring_behind_makes_the_engine_wait_and_nothing_is_lost()
    {
        var follower = new Follower();
        using var runner = Start(8, follower);
        for (int i = 1; i <= 100; i++) Deposit(runner, i);

        // One command a batch: the reader holds the 8 buffers of the pool, the engine waits for a ninth.
        Assert.True(SpinWait.SpinUntil(() => runner.EventBuffers.Free == 0 && runner.EventBuffers.Waits > 0, TimeSpan.FromSeconds(10)));
        Thread.Sleep(300);
        Assert.InRange(runner.Engine.LastSequence, 7, 9);
        Assert.InRange(follower.Reader.Backlog, 7, 8);

        // The reader catches up: the engine goes on, every event arrives once, in order.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            follower.Drain();
            return follower.Seen.Count == 100;
        }, TimeSpan.FromSeconds(20)), $"{follower.Seen.Count} of 100 events");
        Assert.Equal(Range(1, 100), follower.Seen);
        Assert.Equal(0, follower.Missed);
    }

    [Fact]
    public void A_cut_off_reader_never_holds_the_engine_back_and_is_resynced_with_what_it_missed_counted()
    {
        var follower = new Follower(FallBehind.CutOff, cutOffAfter: 4);
        using var runner = Start(8, follower);
        for (int i = 1; i <= 100; i++) Deposit(runner, i);
        Assert.True(SpinWait.SpinUntil(() => runner.Engine.LastSequence == 100, TimeSpan.FromSeconds(10)), $"engine at {runner.Engine.LastSequence}");
        Assert.True(SpinWait.SpinUntil(() => runner.Events.Published == 100, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, runner.EventBuffers.Waits);
        AssertFree(runner, 8 - 1 - 4); // it holds the 4 batches it was given, no more (and the engine the one it writes into)

        // It reads what it held, and is then moved to the head: the 96 batches in between are counted, not read.
        follower.Drain();
        Assert.Equal(Range(1, 4), follower.Seen);
        Assert.Equal(96, follower.Missed);
        Assert.Equal(96, follower.Reader.Missed);
        AssertFree(runner, 8 - 1);

        // From there it follows again.
        for (int i = 101; i <= 103; i++) Deposit(runner, i);
        Assert.True(SpinWait.SpinUntil(() => runner.Events.Published == 103, TimeSpan.FromSeconds(10)));
        follower.Drain();
        Assert.Equal(Range(1, 4).Concat(Range(101, 103)), follower.Seen);
        Assert.Equal(96, follower.Missed);
    }

    [Fact]
    public void A_cut_off_reader_on_a_small_ring_holds_at_most_half_of_it()
    {
        var ring = new EventRing(16);
        var history = new EventReader("history", FallBehind.CutOff, cutOffAfter: 64);
        ring.Attach(history);
        Assert.Equal(8, history.CutOffAfter); // with 64 it could hold every buffer, and the engine would wait for it
    }

    [Fact]
    public void Every_reader_reads_the_engines_one_buffer_and_a_closed_reader_holds_nothing()
    {
        var first = new Follower();
        var second = new Follower();
        using var runner = Start(8, first, second);
        for (int i = 1; i <= 5; i++) Deposit(runner, i);
        Assert.True(SpinWait.SpinUntil(() => runner.Events.Published == 5, TimeSpan.FromSeconds(10)));

        first.Drain();
        AssertFree(runner, 8 - 1 - 5); // the second reader still holds all five (the engine one more)
        second.Drain();
        Assert.Equal(first.Buffers, second.Buffers); // the same buffers, not copies
        AssertFree(runner, 8 - 1);

        // A reader that closes gives back what it holds and is given nothing more: the engine never waits for it.
        for (int i = 6; i <= 8; i++) Deposit(runner, i);
        Assert.True(SpinWait.SpinUntil(() => runner.Events.Published == 8, TimeSpan.FromSeconds(10)));
        second.Reader.Close();
        for (int i = 9; i <= 100; i++) Deposit(runner, i);
        Assert.True(SpinWait.SpinUntil(() =>
        {
            first.Drain();
            return first.Seen.Count == 100;
        }, TimeSpan.FromSeconds(20)), $"{first.Seen.Count} of 100 events");
        Assert.Equal(Range(1, 100), first.Seen);
        Assert.Equal(Range(1, 5), second.Seen);
        AssertFree(runner, 8 - 1);
    }

    [Fact]
    public async Task A_following_thread_wakes_for_each_batch_and_ends_when_the_engine_stops()
    {
        var seen = new List<long>();
        var reader = new EventReader("follow");
        var follower = new ThreadFollower(reader);
        var runner = Start(8, follower);
        var thread = EventBatch.StartDispatcher("follow", () => reader.Follow(batch =>
        {
            for (int i = 0; i < batch.Count; i++)
            {
                if (MessageDecoder.DecodeAny(batch[i]) is BalanceChanged b) lock (seen) seen.Add(b.Header.Sequence);
            }
        }));
        for (int i = 1; i <= 50; i++) Deposit(runner, i);
        Assert.True(SpinWait.SpinUntil(() =>
        {
            lock (seen) return seen.Count == 50;
        }, TimeSpan.FromSeconds(10)));
        runner.Dispose();
        await thread.WaitAsync(TimeSpan.FromSeconds(10)); // the follower's loop ends when the ring completes
        Assert.Equal(Range(1, 50), seen);
        AssertFree(runner, 8 - 1);
    }

    private sealed class ThreadFollower(EventReader reader) : IEventFollower
    {
        public EventReader Reader => reader;

        public void OnEvents(FrameBuffer events) { }
    }
}

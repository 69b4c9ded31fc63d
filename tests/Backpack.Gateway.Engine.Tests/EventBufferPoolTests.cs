using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The outbound event ring (FrameBufferPool): the engine writes each batch once, dispatchers share
/// it instead of copying, and when a dispatcher holds the whole pool the engine waits for it (and
/// loses nothing); a consumer that copies (the history projection) never holds the engine back.
/// </summary>
public sealed class EventBufferPoolTests
{
    /// <summary>A dispatcher: shares every batch into its queue; reads them when told to.</summary>
    private sealed class Dispatcher : IEventConsumer
    {
        private readonly Queue<EventBatch> _queue = new();
        public readonly List<long> Seen = [];
        public bool Copy;

        public void OnEvents(FrameBuffer events)
        {
            var batch = Copy ? EventBatch.Copy(events) : EventBatch.Share(events);
            lock (_queue) _queue.Enqueue(batch);
        }

        public int Queued
        {
            get
            {
                lock (_queue) return _queue.Count;
            }
        }

        /// <summary>Reads and returns every queued batch.</summary>
        public void Drain()
        {
            while (true)
            {
                EventBatch batch;
                lock (_queue)
                {
                    if (!_queue.TryDequeue(out batch)) return;
                }
                for (int i = 0; i < batch.Count; i++)
                {
                    if (MessageDecoder.DecodeAny(batch[i]) is BalanceChanged b) lock (Seen) Seen.Add(b.Header.Sequence);
                }
                batch.Return();
            }
        }
    }

    private static EngineRunner Start(Dispatcher dispatcher, int buffers)
    {
        var runner = new EngineRunner(new MatchingEngine([TestMarkets.Simple()]), () => EngineHarness.StartTime,
            new EngineRunnerOptions { TickInterval = TimeSpan.Zero, MaxBatch = 1, EventBuffers = buffers });
        runner.AddConsumer(dispatcher);
        runner.Start();
        return runner;
    }

    private static void Deposit(EngineRunner runner, int i)
    {
        byte[] frame = ProtocolCodec.ToArray(new Deposit(new CommandHeader(0, 0, i), 1, 1_000_000));
        while (!runner.TrySubmit(frame)) Thread.Yield();
    }

    [Fact]
    public void A_dispatcher_holding_the_whole_pool_makes_the_engine_wait_and_nothing_is_lost()
    {
        var dispatcher = new Dispatcher();
        using var runner = Start(dispatcher, buffers: 8);
        for (int i = 1; i <= 100; i++) Deposit(runner, i);

        // One command a batch: the dispatcher holds 8 buffers (the pool), the engine waits for a ninth.
        Assert.True(SpinWait.SpinUntil(() => dispatcher.Queued == 7 || dispatcher.Queued == 8, TimeSpan.FromSeconds(10)), $"{dispatcher.Queued} queued");
        Thread.Sleep(300);
        Assert.InRange(runner.Engine.LastSequence, 7, 9);
        Assert.Equal(0, runner.EventBuffers.Free);
        Assert.True(runner.EventBuffers.Waits >= 1);

        // The dispatcher catches up: the engine goes on, every event arrives once, in order.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            dispatcher.Drain();
            lock (dispatcher.Seen) return dispatcher.Seen.Count == 100;
        }, TimeSpan.FromSeconds(20)), $"{dispatcher.Seen.Count} of 100 events");
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), dispatcher.Seen);
    }

    [Fact]
    public void A_consumer_that_copies_never_holds_the_engine_back()
    {
        var dispatcher = new Dispatcher { Copy = true };
        using var runner = Start(dispatcher, buffers: 8);
        for (int i = 1; i <= 100; i++) Deposit(runner, i);
        Assert.True(SpinWait.SpinUntil(() => runner.Engine.LastSequence == 100, TimeSpan.FromSeconds(10)), $"engine at {runner.Engine.LastSequence}");
        Assert.Equal(0, runner.EventBuffers.Waits);
        dispatcher.Drain();
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), dispatcher.Seen);
    }

    [Fact]
    public void A_shared_batch_reads_the_engines_bytes_and_a_buffer_of_no_pool_is_copied()
    {
        var pool = new FrameBufferPool(2);
        var pooled = pool.Rent();
        pooled.Write(new BalanceChanged(new EventHeader(7, 1), 0, 1, 5, 5, BalanceChangeReason.Deposit));
        var shared = EventBatch.Share(pooled);
        pooled.Release(); // the renter is done; the dispatcher still holds it
        Assert.Equal(1, pool.Free);
        Assert.Equal(7, ((BalanceChanged)MessageDecoder.DecodeAny(shared[0])!).Header.Sequence);
        shared.Return();
        Assert.Equal(2, pool.Free);
        Assert.Equal(0, pooled.Count); // cleared on its way back

        var plain = new FrameBuffer();
        plain.Write(new BalanceChanged(new EventHeader(8, 1), 0, 1, 5, 5, BalanceChangeReason.Deposit));
        var copy = EventBatch.Share(plain);
        plain.Clear();
        plain.Write(new BalanceChanged(new EventHeader(9, 1), 0, 1, 5, 5, BalanceChangeReason.Deposit));
        Assert.Equal(8, ((BalanceChanged)MessageDecoder.DecodeAny(copy[0])!).Header.Sequence);
        copy.Return();
    }
}

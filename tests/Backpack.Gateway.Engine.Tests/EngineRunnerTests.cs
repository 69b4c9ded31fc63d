using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Tests;

public class EngineRunnerTests
{
    private sealed class Collector : IEventConsumer
    {
        public readonly List<object> Events = [];
        public void OnEvents(FrameBuffer events)
        {
            lock (Events)
            {
                for (int i = 0; i < events.Count; i++) Events.Add(MessageDecoder.DecodeAny(events[i]));
            }
        }
    }

    [Fact]
    public void Commands_from_many_threads_are_sequenced_without_gaps_and_their_events_reach_the_consumer()
    {
        var engine = new MatchingEngine([TestMarkets.Simple()]);
        var collector = new Collector();
        long fakeNow = EngineHarness.StartTime;
        using var runner = new EngineRunner(engine, () => Interlocked.Read(ref fakeNow), new EngineRunnerOptions { TickInterval = TimeSpan.Zero, RingCapacity = 1 << 10 });
        runner.AddConsumer(collector);
        runner.Start();

        const int perThread = 2_000;
        var threads = Enumerable.Range(1, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                byte[] frame = ProtocolCodec.ToArray(new Deposit(new CommandHeader(0, 0, t * 1_000_000 + i), t, 1_000_000));
                while (!runner.TrySubmit(frame)) Thread.Yield(); // the ring is small: producers meet back-pressure
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        SpinWait.SpinUntil(() => engine.LastSequence == 4 * perThread, TimeSpan.FromSeconds(10));
        Assert.Equal(4 * perThread, engine.LastSequence);
        // The consumer gets a batch's events after the engine has moved on: wait for the last of them.
        Assert.True(SpinWait.SpinUntil(() => { lock (collector.Events) return collector.Events.OfType<BalanceChanged>().Count() == 4 * perThread; }, TimeSpan.FromSeconds(10)),
            "the consumer never got every event");
        lock (collector.Events)
        {
            var sequences = collector.Events.OfType<BalanceChanged>().Select(b => b.Header.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, 4 * perThread).Select(i => (long)i), sequences);
            // Each producer's own commands stay in the order it sent them.
            foreach (int t in Enumerable.Range(1, 4))
            {
                var mine = collector.Events.OfType<BalanceChanged>().Where(b => b.AccountId == t).Select(b => b.RequestId).ToList();
                Assert.Equal(mine.Order(), mine);
            }
        }
    }

    [Fact]
    public void The_sequencer_injects_ticks_from_its_clock()
    {
        var engine = new MatchingEngine([TestMarkets.Simple()]);
        var collector = new Collector();
        long now = EngineHarness.StartTime;
        using var runner = new EngineRunner(engine, () => Interlocked.Read(ref now), new EngineRunnerOptions { TickInterval = TimeSpan.FromSeconds(1) });
        runner.AddConsumer(collector);
        runner.Start();
        long[] TickTimes()
        {
            lock (collector.Events) return collector.Events.OfType<CommandAccepted>().Where(c => c.CommandType == MessageType.Tick).Select(c => c.Header.Time).ToArray();
        }
        Thread.Sleep(300);
        Assert.Empty(TickTimes()); // the fake clock has not reached the first tick (1 s)
        Interlocked.Add(ref now, 3_500_000); // 3.5 s later: one catch-up tick, stamped with the clock's time
        Assert.True(SpinWait.SpinUntil(() => TickTimes().Length >= 1, TimeSpan.FromSeconds(5)));
        Thread.Sleep(300);
        Assert.Equal([EngineHarness.StartTime + 3_500_000], TickTimes());
        Interlocked.Add(ref now, 1_000_000); // the next one a whole interval later
        Assert.True(SpinWait.SpinUntil(() => TickTimes().Length >= 2, TimeSpan.FromSeconds(5)));
        Assert.Equal([EngineHarness.StartTime + 3_500_000, EngineHarness.StartTime + 4_500_000], TickTimes());
    }
}

public class EngineInspectionTests
{
    [Fact]
    public async Task An_inspection_runs_on_the_engine_thread_after_the_commands_submitted_before_it()
    {
        var engine = new MatchingEngine([TestMarkets.Simple()]);
        using var runner = new EngineRunner(engine, () => EngineHarness.StartTime, new EngineRunnerOptions { TickInterval = TimeSpan.Zero });
        runner.Start();
        for (int i = 1; i <= 100; i++)
        {
            while (!runner.TrySubmit(ProtocolCodec.ToArray(new Deposit(new CommandHeader(0, 0, i), i, 1_000_000)))) Thread.Yield();
        }
        var (summary, thread) = await runner.InspectAsync(e => (e.Summarize(), Environment.CurrentManagedThreadId)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
        Assert.Equal((100, 100, 100_000_000L), (summary.Accounts, summary.Sequence, summary.Collateral));
        Assert.Equal(0, summary.CashDiscrepancy);
        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.InspectAsync<int>(_ => throw new InvalidOperationException("bad read")));
    }

    [Fact]
    public async Task An_inspection_after_the_engine_stopped_fails_instead_of_waiting_forever()
    {
        var runner = new EngineRunner(new MatchingEngine([TestMarkets.Simple()]), () => EngineHarness.StartTime);
        runner.Start();
        runner.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => runner.InspectAsync(e => e.LastSequence).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}

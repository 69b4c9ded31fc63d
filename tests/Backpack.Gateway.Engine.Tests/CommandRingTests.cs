using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>The inbound ring's claim, write, publish, and the one wait policy the front ends share.</summary>
public class CommandRingTests
{
    [Fact]
    public void A_full_ring_refuses_a_claim_at_once_and_a_read_slot_frees_one()
    {
        var ring = new CommandRing(4);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryClaim(out long sequence, out var slot));
            Assert.Equal(i, sequence);
            Assert.Equal(ProtocolCodec.MaxMessageSize, slot.Length);
            slot[0] = (byte)(10 + i);
            ring.Publish(sequence, 1);
        }
        Assert.Equal(0, ring.Free);
        Assert.False(ring.TryClaim(out _, out _));
        Assert.False(ring.TryWrite([1, 2, 3]));

        Assert.True(ring.TryPeek(out var first));
        Assert.Equal([(byte)10], first.ToArray());
        ring.Advance();
        Assert.Equal(1, ring.Free);
        Assert.True(ring.TryWrite([42]));
        for (int i = 1; i < 4; i++)
        {
            Assert.True(ring.TryPeek(out var frame));
            Assert.Equal([(byte)(10 + i)], frame.ToArray());
            ring.Advance();
        }
        Assert.True(ring.TryPeek(out var last));
        Assert.Equal([(byte)42], last.ToArray());
    }

    [Fact]
    public void The_consumer_stops_at_a_claimed_slot_until_it_is_published()
    {
        var ring = new CommandRing(8);
        Assert.True(ring.TryClaim(out long first, out _));
        Assert.True(ring.TryWrite([7]));          // claimed after, published before
        Assert.False(ring.TryPeek(out _));          // sequence 0 is not published yet
        ring.Publish(first, 0);                     // an empty slot (a producer whose encoding failed)
        Assert.True(ring.TryPeek(out var empty));
        Assert.True(empty.IsEmpty);
        ring.Advance();
        Assert.True(ring.TryPeek(out var next));
        Assert.Equal([(byte)7], next.ToArray());
    }

    private sealed class Collector : IEventConsumer
    {
        public readonly List<BalanceChanged> Balances = [];
        public void OnEvents(FrameBuffer events)
        {
            lock (Balances)
            {
                for (int i = 0; i < events.Count; i++)
                {
                    if (MessageDecoder.DecodeAny(events[i]) is BalanceChanged b) Balances.Add(b);
                }
            }
        }
    }

    [Fact]
    public async Task Commands_encoded_straight_into_a_small_ring_by_four_producers_are_all_taken_in_each_producers_order()
    {
        var engine = new MatchingEngine([TestMarkets.Simple()]);
        var collector = new Collector();
        long now = EngineHarness.StartTime;
        using var runner = new EngineRunner(engine, () => now, new EngineRunnerOptions { TickInterval = TimeSpan.Zero, RingCapacity = 8 });
        runner.AddConsumer(collector);
        runner.Start();
        ICommandSubmitter submitter = runner;
        const int perThread = 3_000;
        var threads = Enumerable.Range(1, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                var deposit = new Deposit(new CommandHeader(0, 0, t * 1_000_000 + i), t, 1_000_000);
                // The front ends' way: wait for room (no lock held), then claim, encode in the slot, publish.
                while (!CommandWait.Submit(submitter, deposit)) Thread.Yield(); // gave up after 2 ms: try again
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.True(SpinWait.SpinUntil(() => { lock (collector.Balances) return collector.Balances.Count == 4 * perThread; }, TimeSpan.FromSeconds(20)),
            "not every command's event arrived");
        lock (collector.Balances)
        {
            Assert.Equal(Enumerable.Range(1, 4 * perThread).Select(i => (long)i), collector.Balances.Select(b => b.Header.Sequence));
            foreach (int t in Enumerable.Range(1, 4))
            {
                var mine = collector.Balances.Where(b => b.AccountId == t).Select(b => b.RequestId).ToList();
                Assert.Equal(Enumerable.Range(0, perThread).Select(i => (long)(t * 1_000_000 + i)), mine);
            }
        }
        Assert.Equal(perThread * 1_000_000L, await runner.InspectAsync(e => e.GetAccount(1)!.Collateral));
    }

    private sealed class Gate(int fullFor) : ICommandSubmitter
    {
        public int Asked;
        public bool HasRoom => ++Asked > fullFor;
        public bool TrySubmit(ReadOnlySpan<byte> command) => HasRoom;
    }

    [Fact]
    public void The_wait_policy_waits_for_room_and_gives_up_when_the_ring_stays_full()
    {
        // Room at the third look, whether the thread was descheduled past the give-up time or not (a last look before refusing).
        var soon = new Gate(fullFor: 2);
        Assert.True(CommandWait.ForRoom(soon));
        Assert.Equal(3, soon.Asked);

        var never = new Gate(fullFor: int.MaxValue);
        Assert.False(CommandWait.ForRoom(never));
        Assert.False(CommandWait.Submit(never, new Deposit(new CommandHeader(0, 0, 1), 1, 1)));
    }
}

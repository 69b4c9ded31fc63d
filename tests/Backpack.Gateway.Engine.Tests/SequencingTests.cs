using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Tests;

public class SequencingTests
{
    [Fact]
    public void Every_event_carries_the_command_sequence_and_time()
    {
        var h = new EngineHarness();
        h.Time += 5;
        var events = h.Index(100);
        var mark = events.OfType<MarkPrice>().Single();
        Assert.Equal(new EventHeader(1, EngineHarness.StartTime + 5), mark.Header);
    }

    [Fact]
    public void A_command_out_of_sequence_is_rejected_and_does_not_advance()
    {
        var h = new EngineHarness();
        h.Index(100);
        var skipped = h.Send(new Tick(new CommandHeader(5, h.Time, 1)));
        Assert.Equal(RejectReason.OutOfSequence, skipped.OfType<CommandRejected>().Single().Reason);
        Assert.Equal(1, h.Engine.LastSequence);
        var replayed = h.Send(new Tick(new CommandHeader(1, h.Time, 1)));
        Assert.Equal(RejectReason.OutOfSequence, replayed.OfType<CommandRejected>().Single().Reason);
    }

    [Fact]
    public void A_malformed_frame_is_rejected_and_changes_nothing()
    {
        var h = new EngineHarness();
        h.Index(100);
        ulong before = h.Engine.ComputeStateHash();
        var garbage = h.SendFrame([0x01, 0x02, 0x03]);
        Assert.Equal(RejectReason.MalformedCommand, garbage.OfType<CommandRejected>().Single().Reason);

        // A well-shaped header whose body is broken consumes its sequence number but changes nothing else.
        byte[] frame = ProtocolCodec.ToArray(new NewOrder(new CommandHeader(2, h.Time, 9), 1, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 100, 1, 0, 0));
        frame[^1] = 0xc1;
        var broken = h.SendFrame(frame);
        var rejected = broken.OfType<CommandRejected>().Single();
        Assert.Equal((RejectReason.MalformedCommand, MessageType.NewOrder), (rejected.Reason, rejected.CommandType));
        Assert.Equal(2, h.Engine.LastSequence);
        Assert.Equal(before, h.Engine.ComputeStateHash());
    }

    [Fact]
    public void Engine_time_never_runs_backwards()
    {
        var h = new EngineHarness();
        h.Index(100);
        h.Time -= 1_000_000;
        var events = h.Tick();
        Assert.Equal(EngineHarness.StartTime, events.OfType<CommandAccepted>().Single().Header.Time);
    }

    [Fact]
    public void Every_command_gets_a_reply()
    {
        var h = new EngineHarness();
        Assert.NotEmpty(h.Index(100).OfType<CommandAccepted>());
        Assert.NotEmpty(h.Tick().OfType<CommandAccepted>());
        Assert.NotEmpty(h.Deposit(1, 1000).OfType<BalanceChanged>());
        Assert.NotEmpty(h.Withdraw(1, 1).OfType<BalanceChanged>());
        long orderId = h.Limit(1, Side.Buy, 95, 1).OfType<OrderAccepted>().Single().OrderId;
        Assert.NotEmpty(h.Cancel(1, orderId).OfType<OrderCanceled>());
        Assert.NotEmpty(h.Cancel(1, orderId).OfType<OrderCancelRejected>());
        Assert.NotEmpty(h.CancelAll(1).OfType<CommandAccepted>());
        Assert.Contains(h.Send(new RegisterBackstopProvider(h.NextHeader(), 1, 0, 0)), e => e is CommandAccepted or CommandRejected);
    }
}

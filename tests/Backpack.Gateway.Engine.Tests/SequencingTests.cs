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

public class QueryAccountTests
{
    [Fact]
    public void A_query_lists_open_orders_oldest_first_then_positions_then_the_account()
    {
        var h = new EngineHarness();
        h.Index(100);
        h.Deposit(1, 10_000);
        h.Deposit(2, 10_000);
        long first = h.Rest(1, Side.Buy, 95, 2, clientOrderId: 7);
        long second = h.Rest(1, Side.Sell, 105, 3);
        h.Rest(2, Side.Sell, 100, 4);
        h.Limit(1, Side.Buy, 100, 4); // long 4
        ulong before = h.Engine.ComputeStateHash();

        var events = h.Send(new Protocol.Commands.QueryAccount(h.NextHeader(), 1, 0));

        Assert.Equal([first, second], events.OfType<Protocol.Events.OrderSnapshot>().Select(o => o.OrderId));
        Assert.Equal(7, events.OfType<Protocol.Events.OrderSnapshot>().First().ClientOrderId);
        var position = Assert.Single(events.OfType<Protocol.Events.PositionSnapshot>());
        Assert.Equal((4L, 400 * EngineHarness.Usdc), (position.Quantity, position.EntryNotional));
        var account = events.OfType<Protocol.Events.AccountSnapshot>().Single();
        Assert.Equal((2, 1, false), (account.OpenOrders, account.Positions, account.Liquidating));
        Assert.Equal(before, h.Engine.ComputeStateHash()); // a query changes nothing
        Assert.Equal(RejectReason.UnknownAccount, h.Send(new Protocol.Commands.QueryAccount(h.NextHeader(), 99, 0)).OfType<Protocol.Events.CommandRejected>().Single().Reason);
    }
}

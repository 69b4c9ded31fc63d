using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Protocol.Tests;

public class CommandStampTests
{
    [Fact]
    public void The_sequencer_stamps_sequence_and_time_in_place()
    {
        byte[] frame = ProtocolCodec.ToArray(new NewOrder(new CommandHeader(0, 0, 5), 1, 2, 3, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 4, 5, OrderFlags.None, SelfTradePrevention.RejectTaker));
        Assert.True(CommandStamp.TryStamp(frame, 123_456_789, 1_760_000_000_000_123));
        var stamped = ProtocolCodec.Decode<NewOrder>(frame);
        Assert.Equal(new CommandHeader(123_456_789, 1_760_000_000_000_123, 5), stamped.Header);
        Assert.True(CommandStamp.TryRead(frame, out var type, out long sequence, out long time));
        Assert.Equal((MessageType.NewOrder, 123_456_789L, 1_760_000_000_000_123L), (type, sequence, time));
    }

    [Fact]
    public void Frames_that_are_not_commands_are_not_stamped()
    {
        byte[] evt = ProtocolCodec.ToArray(new MarkPrice(new EventHeader(1, 2), 1, 3, 4));
        Assert.False(CommandStamp.TryStamp(evt, 1, 1));
        Assert.False(CommandStamp.TryStamp([0x93, 0x01], 1, 1));
        Assert.False(CommandStamp.TryStamp([], 1, 1));
    }
}

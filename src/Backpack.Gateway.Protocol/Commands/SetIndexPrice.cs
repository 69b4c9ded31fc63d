using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>A new index price for a market from the price feed or a crash scenario.</summary>
/// <param name="MarketId">market</param>
/// <param name="Price">index price in ticks, &gt; 0</param>
public readonly record struct SetIndexPrice(
    CommandHeader Header,
    int MarketId,
    long Price) : IProtocolMessage<SetIndexPrice>
{
    public static MessageType Type => MessageType.SetIndexPrice;

    public static int FieldCount => 6;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(MarketId);
        w.WriteInt64(Price);
    }

    public static SetIndexPrice DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64());
}

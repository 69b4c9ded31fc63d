using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>The mark price of a market changed (or a new index arrived).</summary>
/// <param name="MarketId">market</param>
/// <param name="Price">mark price in ticks</param>
/// <param name="IndexPrice">index price in ticks</param>
public readonly record struct MarkPrice(
    EventHeader Header,
    int MarketId,
    long Price,
    long IndexPrice) : IProtocolMessage<MarkPrice>
{
    public static MessageType Type => MessageType.MarkPrice;

    public static int FieldCount => 6;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(MarketId);
        w.WriteInt64(Price);
        w.WriteInt64(IndexPrice);
    }

    public static MarkPrice DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64());
}

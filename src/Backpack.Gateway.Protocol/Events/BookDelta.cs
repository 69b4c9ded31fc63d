using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>The total resting quantity at one price level changed.</summary>
/// <param name="MarketId">market</param>
/// <param name="BookSequence">per-market depth sequence, +1 per delta: a gap means a missed delta</param>
/// <param name="Side">Buy = bid level, Sell = ask level</param>
/// <param name="Price">level price in ticks</param>
/// <param name="Quantity">total quantity now at the level; 0 = the level is gone</param>
public readonly record struct BookDelta(
    EventHeader Header,
    int MarketId,
    long BookSequence,
    Side Side,
    long Price,
    long Quantity) : IProtocolMessage<BookDelta>
{
    public static MessageType Type => MessageType.BookDelta;

    public static int FieldCount => 8;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(MarketId);
        w.WriteInt64(BookSequence);
        w.WriteByte((byte)Side);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
    }

    public static BookDelta DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadInt64(),
        r.ReadInt64());
}

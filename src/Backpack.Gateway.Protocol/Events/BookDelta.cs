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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 8 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, BookSequence);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        w.Advance(ref start, ref p);
    }

    public static BookDelta DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadInt64(),
        r.ReadInt64());
}

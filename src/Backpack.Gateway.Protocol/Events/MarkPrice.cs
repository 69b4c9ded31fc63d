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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 6 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, IndexPrice);
        w.Advance(ref start, ref p);
    }

    public static MarkPrice DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64());
}

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
        w.Advance(ref start, ref p);
    }

    public static SetIndexPrice DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64());
}

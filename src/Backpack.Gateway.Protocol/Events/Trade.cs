using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>A public trade on the book.</summary>
/// <param name="MarketId">market</param>
/// <param name="TradeId">trade id</param>
/// <param name="Price">price in ticks</param>
/// <param name="Quantity">quantity in lots</param>
/// <param name="TakerSide">side of the incoming order</param>
/// <param name="Origin">USER, or LIQUIDATION_AUTOCLOSE when a liquidation slice took liquidity</param>
public readonly record struct Trade(
    EventHeader Header,
    int MarketId,
    long TradeId,
    long Price,
    long Quantity,
    Side TakerSide,
    OrderOrigin Origin) : IProtocolMessage<Trade>
{
    public static MessageType Type => MessageType.Trade;

    public static int FieldCount => 9;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 9 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, TradeId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TakerSide);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Origin);
        w.Advance(ref start, ref p);
    }

    public static Trade DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadOrderOrigin());
}

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

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(MarketId);
        w.WriteInt64(TradeId);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteByte((byte)TakerSide);
        w.WriteByte((byte)Origin);
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

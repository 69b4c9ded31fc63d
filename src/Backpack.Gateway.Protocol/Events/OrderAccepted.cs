using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>An order entered the engine (it may fill at once; fills follow).</summary>
/// <param name="RequestId">request id of the NewOrder (0 for engine-made orders)</param>
/// <param name="AccountId">owner</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">engine order id, unique for the engine's life</param>
/// <param name="ClientOrderId">client order id</param>
/// <param name="Side">side</param>
/// <param name="OrderType">type</param>
/// <param name="TimeInForce">time in force</param>
/// <param name="Price">limit price in ticks (for Market: the band limit it may trade to)</param>
/// <param name="Quantity">quantity in lots</param>
/// <param name="Flags">flags</param>
/// <param name="SelfTradePrevention">self-trade prevention mode</param>
/// <param name="Origin">USER, or the liquidation stage that made it</param>
/// <param name="LiquidationId">liquidation this order belongs to; 0 = none</param>
public readonly record struct OrderAccepted(
    EventHeader Header,
    long RequestId,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId,
    Side Side,
    OrderType OrderType,
    TimeInForce TimeInForce,
    long Price,
    long Quantity,
    OrderFlags Flags,
    SelfTradePrevention SelfTradePrevention,
    OrderOrigin Origin,
    long LiquidationId) : IProtocolMessage<OrderAccepted>
{
    public static MessageType Type => MessageType.OrderAccepted;

    public static int FieldCount => 17;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt64(RequestId);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
        w.WriteInt64(OrderId);
        w.WriteInt64(ClientOrderId);
        w.WriteByte((byte)Side);
        w.WriteByte((byte)OrderType);
        w.WriteByte((byte)TimeInForce);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteByte((byte)Flags);
        w.WriteByte((byte)SelfTradePrevention);
        w.WriteByte((byte)Origin);
        w.WriteInt64(LiquidationId);
    }

    public static OrderAccepted DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadOrderType(),
        r.ReadTimeInForce(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadOrderFlags(),
        r.ReadSelfTradePrevention(),
        r.ReadOrderOrigin(),
        r.ReadInt64());
}

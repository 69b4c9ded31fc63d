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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 17 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RequestId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, OrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, ClientOrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)OrderType);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TimeInForce);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Flags);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)SelfTradePrevention);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Origin);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        w.Advance(ref start, ref p);
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

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// A conditional order is waiting for its trigger (Backpack's triggerPlaced, status TriggerPending): a
/// trigger order the account placed, or a stop-loss / take-profit leg armed by its parent's fill (placed
/// again, larger, when the parent fills more). It holds no margin until it fires.
/// </summary>
/// <param name="RequestId">request id of the NewTriggerOrder (0 for a leg armed by a fill)</param>
/// <param name="AccountId">owner</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">engine order id (the order keeps it when it fires)</param>
/// <param name="ClientOrderId">client order id</param>
/// <param name="Side">side</param>
/// <param name="OrderType">what enters the book when it fires</param>
/// <param name="TimeInForce">time in force once it fires</param>
/// <param name="Price">limit price in ticks; 0 for Market</param>
/// <param name="Quantity">quantity in lots</param>
/// <param name="Flags">flags</param>
/// <param name="SelfTradePrevention">self-trade prevention mode</param>
/// <param name="TriggerPrice">trigger price in ticks</param>
/// <param name="TriggerBy">the price that must cross it</param>
/// <param name="Kind">Trigger, StopLoss or TakeProfit</param>
/// <param name="ParentOrderId">the order whose fills armed this leg; 0 for a trigger order</param>
public readonly record struct TriggerPlaced(
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
    long TriggerPrice,
    TriggerSource TriggerBy,
    TriggerKind Kind,
    long ParentOrderId) : IProtocolMessage<TriggerPlaced>
{
    public static MessageType Type => MessageType.TriggerPlaced;

    public static int FieldCount => 19;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 19 * MessagePackPrimitives.MaxIntSize;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, TriggerPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TriggerBy);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Kind);
        p = ref MessagePackPrimitives.WriteInt64(ref p, ParentOrderId);
        w.Advance(ref start, ref p);
    }

    public static TriggerPlaced DecodeBody(ref MessagePackReader r) => new(
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
        r.ReadInt64(),
        r.ReadTriggerSource(),
        r.ReadTriggerKind(),
        r.ReadInt64());
}

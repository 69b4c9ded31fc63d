using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// One open order in reply to QueryAccount (and in the engine's order view a front end rebuilds from
/// after a restart): resting orders first, oldest first, then the conditional orders waiting for their
/// trigger (<see cref="Pending"/>). An order that fired keeps its trigger terms.
/// </summary>
/// <param name="RequestId">request id of the QueryAccount</param>
/// <param name="AccountId">owner</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">engine order id</param>
/// <param name="ClientOrderId">client order id</param>
/// <param name="Side">side</param>
/// <param name="OrderType">type</param>
/// <param name="TimeInForce">time in force</param>
/// <param name="Price">limit price in ticks (0 for a pending Market trigger order)</param>
/// <param name="Quantity">total quantity in lots</param>
/// <param name="LeavesQuantity">quantity still open</param>
/// <param name="CumulativeQuantity">quantity filled so far</param>
/// <param name="CumulativeQuote">notional filled so far, micro-USDC</param>
/// <param name="Flags">flags</param>
/// <param name="Origin">who placed it</param>
/// <param name="TriggerPrice">trigger price in ticks; 0 = an order placed without one</param>
/// <param name="TriggerBy">the trigger's price source</param>
/// <param name="TriggerKind">Trigger, StopLoss or TakeProfit</param>
/// <param name="ParentOrderId">for a stop-loss / take-profit leg, the order whose fills armed it; 0 otherwise</param>
/// <param name="Pending">true while it waits for its trigger (off the book)</param>
/// <param name="SelfTradePrevention">self-trade prevention</param>
/// <param name="CreatedAt">when the order was accepted (engine µs since the Unix epoch)</param>
public readonly record struct OrderSnapshot(
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
    long LeavesQuantity,
    long CumulativeQuantity,
    long CumulativeQuote,
    OrderFlags Flags,
    OrderOrigin Origin,
    long TriggerPrice,
    TriggerSource TriggerBy,
    TriggerKind TriggerKind,
    long ParentOrderId,
    bool Pending,
    SelfTradePrevention SelfTradePrevention,
    long CreatedAt) : IProtocolMessage<OrderSnapshot>
{
    public static MessageType Type => MessageType.OrderSnapshot;

    public static int FieldCount => 25;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 25 * MessagePackPrimitives.MaxIntSize;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, LeavesQuantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CumulativeQuantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CumulativeQuote);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Flags);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Origin);
        p = ref MessagePackPrimitives.WriteInt64(ref p, TriggerPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TriggerBy);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TriggerKind);
        p = ref MessagePackPrimitives.WriteInt64(ref p, ParentOrderId);
        p = ref MessagePackPrimitives.WriteBoolean(ref p, Pending);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)SelfTradePrevention);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CreatedAt);
        w.Advance(ref start, ref p);
    }

    public static OrderSnapshot DecodeBody(ref MessagePackReader r) => new(
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
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadOrderFlags(),
        r.ReadOrderOrigin(),
        r.ReadInt64(),
        r.ReadTriggerSource(),
        r.ReadTriggerKind(),
        r.ReadInt64(),
        r.ReadBoolean(),
        r.ReadSelfTradePrevention(),
        r.ReadInt64());
}

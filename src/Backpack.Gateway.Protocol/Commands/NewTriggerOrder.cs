using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>
/// Places an order with conditions: a trigger order (it waits, off the book and outside the margin
/// requirement, until its price source crosses <see cref="TriggerPrice"/>, then enters the book as the
/// order it describes), and/or a stop-loss and a take-profit that are armed on the order's fills
/// (reduce-only, opposite side, for the filled quantity; when one fires the other is canceled).
/// A zero trigger price means "not set".
/// </summary>
/// <param name="AccountId">account placing the order</param>
/// <param name="MarketId">market id</param>
/// <param name="ClientOrderId">client-chosen id, unique among the account's open and pending orders; 0 = none</param>
/// <param name="Side">Buy or Sell</param>
/// <param name="OrderType">Limit or Market (what enters the book when it fires)</param>
/// <param name="TimeInForce">GTC, IOC or FOK</param>
/// <param name="Price">limit price in ticks; 0 for Market</param>
/// <param name="Quantity">quantity in lots</param>
/// <param name="Flags">PostOnly, ReduceOnly</param>
/// <param name="SelfTradePrevention">self-trade prevention mode</param>
/// <param name="TriggerPrice">trigger price in ticks; 0 = the order goes to the book at once</param>
/// <param name="TriggerBy">the price that must cross the trigger: mark, last trade or index</param>
/// <param name="StopLossTriggerPrice">stop-loss trigger in ticks; 0 = none</param>
/// <param name="StopLossLimitPrice">stop-loss limit price in ticks; 0 = a market order</param>
/// <param name="StopLossTriggerBy">the stop-loss's price source</param>
/// <param name="TakeProfitTriggerPrice">take-profit trigger in ticks; 0 = none</param>
/// <param name="TakeProfitLimitPrice">take-profit limit price in ticks; 0 = a market order</param>
/// <param name="TakeProfitTriggerBy">the take-profit's price source</param>
public readonly record struct NewTriggerOrder(
    CommandHeader Header,
    int AccountId,
    int MarketId,
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
    long StopLossTriggerPrice,
    long StopLossLimitPrice,
    TriggerSource StopLossTriggerBy,
    long TakeProfitTriggerPrice,
    long TakeProfitLimitPrice,
    TriggerSource TakeProfitTriggerBy) : IProtocolMessage<NewTriggerOrder>
{
    public static MessageType Type => MessageType.NewTriggerOrder;

    public static int FieldCount => 22;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 22 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
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
        p = ref MessagePackPrimitives.WriteInt64(ref p, StopLossTriggerPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, StopLossLimitPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)StopLossTriggerBy);
        p = ref MessagePackPrimitives.WriteInt64(ref p, TakeProfitTriggerPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, TakeProfitLimitPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TakeProfitTriggerBy);
        w.Advance(ref start, ref p);
    }

    public static NewTriggerOrder DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
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
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadTriggerSource(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadTriggerSource());
}

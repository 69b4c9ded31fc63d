using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// A pending conditional order's price crossed its trigger: it now enters the book as an ordinary
/// order (its fills, rest or expiry follow in the same command), keeping its order id.
/// </summary>
/// <param name="AccountId">owner</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">order id</param>
/// <param name="ClientOrderId">client order id</param>
/// <param name="TriggerPrice">its trigger price in ticks</param>
/// <param name="TriggerBy">the price source that crossed</param>
/// <param name="FiredAt">the source price that crossed it, in ticks</param>
/// <param name="Kind">Trigger, StopLoss or TakeProfit</param>
public readonly record struct TriggerFired(
    EventHeader Header,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId,
    long TriggerPrice,
    TriggerSource TriggerBy,
    long FiredAt,
    TriggerKind Kind) : IProtocolMessage<TriggerFired>
{
    public static MessageType Type => MessageType.TriggerFired;

    public static int FieldCount => 11;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 11 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, OrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, ClientOrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, TriggerPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TriggerBy);
        p = ref MessagePackPrimitives.WriteInt64(ref p, FiredAt);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Kind);
        w.Advance(ref start, ref p);
    }

    public static TriggerFired DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadTriggerSource(),
        r.ReadInt64(),
        r.ReadTriggerKind());
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>An open order left the book without filling completely.</summary>
/// <param name="RequestId">request id of the cancel (0 when the engine canceled it)</param>
/// <param name="AccountId">owner</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">engine order id</param>
/// <param name="ClientOrderId">client order id</param>
/// <param name="Side">side</param>
/// <param name="Price">limit price in ticks</param>
/// <param name="CanceledQuantity">quantity that was still open</param>
/// <param name="CumulativeQuantity">quantity filled before the cancel</param>
/// <param name="Reason">why</param>
public readonly record struct OrderCanceled(
    EventHeader Header,
    long RequestId,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId,
    Side Side,
    long Price,
    long CanceledQuantity,
    long CumulativeQuantity,
    CancelReason Reason) : IProtocolMessage<OrderCanceled>
{
    public static MessageType Type => MessageType.OrderCanceled;

    public static int FieldCount => 13;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 13 * MessagePackPrimitives.MaxIntSize;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CanceledQuantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CumulativeQuantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Reason);
        w.Advance(ref start, ref p);
    }

    public static OrderCanceled DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadCancelReason());
}

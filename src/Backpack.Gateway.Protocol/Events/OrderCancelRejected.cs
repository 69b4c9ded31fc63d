using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>A CancelOrder or ReplaceOrder was refused; nothing changed.</summary>
/// <param name="RequestId">request id</param>
/// <param name="AccountId">account</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">order id as requested</param>
/// <param name="ClientOrderId">client order id as requested</param>
/// <param name="ResponseTo">Cancel or Replace</param>
/// <param name="Reason">why</param>
public readonly record struct OrderCancelRejected(
    EventHeader Header,
    long RequestId,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId,
    CancelRejectResponseTo ResponseTo,
    RejectReason Reason) : IProtocolMessage<OrderCancelRejected>
{
    public static MessageType Type => MessageType.OrderCancelRejected;

    public static int FieldCount => 10;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 10 * MessagePackPrimitives.MaxIntSize;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)ResponseTo);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Reason);
        w.Advance(ref start, ref p);
    }

    public static OrderCancelRejected DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadCancelRejectResponseTo(),
        r.ReadRejectReason());
}

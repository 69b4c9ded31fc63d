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
        w.WriteByte((byte)ResponseTo);
        w.WriteByte((byte)Reason);
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

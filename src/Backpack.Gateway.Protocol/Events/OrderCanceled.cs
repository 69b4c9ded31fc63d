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
        w.WriteInt64(Price);
        w.WriteInt64(CanceledQuantity);
        w.WriteInt64(CumulativeQuantity);
        w.WriteByte((byte)Reason);
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

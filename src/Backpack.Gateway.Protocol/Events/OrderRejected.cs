using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>A NewOrder was refused; nothing changed.</summary>
/// <param name="RequestId">request id of the NewOrder</param>
/// <param name="AccountId">account</param>
/// <param name="MarketId">market</param>
/// <param name="ClientOrderId">client order id</param>
/// <param name="Side">side</param>
/// <param name="Price">price in ticks as requested</param>
/// <param name="Quantity">quantity in lots as requested</param>
/// <param name="Reason">why</param>
public readonly record struct OrderRejected(
    EventHeader Header,
    long RequestId,
    int AccountId,
    int MarketId,
    long ClientOrderId,
    Side Side,
    long Price,
    long Quantity,
    RejectReason Reason) : IProtocolMessage<OrderRejected>
{
    public static MessageType Type => MessageType.OrderRejected;

    public static int FieldCount => 11;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt64(RequestId);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
        w.WriteInt64(ClientOrderId);
        w.WriteByte((byte)Side);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteByte((byte)Reason);
    }

    public static OrderRejected DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadRejectReason());
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>An open order changed price and/or quantity.</summary>
/// <param name="RequestId">request id of the replace (0 for an engine trim)</param>
/// <param name="AccountId">owner</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">engine order id (unchanged)</param>
/// <param name="ClientOrderId">client order id after the replace</param>
/// <param name="OriginalClientOrderId">client order id before the replace</param>
/// <param name="Price">limit price in ticks</param>
/// <param name="Quantity">total quantity in lots</param>
/// <param name="LeavesQuantity">quantity still open</param>
/// <param name="CumulativeQuantity">quantity filled so far</param>
/// <param name="PriorityKept">true if the order kept its place in the queue</param>
/// <param name="Reason">a request, or a reduce-only trim</param>
public readonly record struct OrderReplaced(
    EventHeader Header,
    long RequestId,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId,
    long OriginalClientOrderId,
    long Price,
    long Quantity,
    long LeavesQuantity,
    long CumulativeQuantity,
    bool PriorityKept,
    ReplaceReason Reason) : IProtocolMessage<OrderReplaced>
{
    public static MessageType Type => MessageType.OrderReplaced;

    public static int FieldCount => 15;

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
        w.WriteInt64(OriginalClientOrderId);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteInt64(LeavesQuantity);
        w.WriteInt64(CumulativeQuantity);
        w.WriteBoolean(PriorityKept);
        w.WriteByte((byte)Reason);
    }

    public static OrderReplaced DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadBoolean(),
        r.ReadReplaceReason());
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Cancels one open order, by engine order id or, when that is 0, by client order id.</summary>
/// <param name="AccountId">owner of the order</param>
/// <param name="MarketId">market of the order</param>
/// <param name="OrderId">engine order id; 0 = use ClientOrderId</param>
/// <param name="ClientOrderId">client order id of the order to cancel (when OrderId is 0)</param>
public readonly record struct CancelOrder(
    CommandHeader Header,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId) : IProtocolMessage<CancelOrder>
{
    public static MessageType Type => MessageType.CancelOrder;

    public static int FieldCount => 8;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
        w.WriteInt64(OrderId);
        w.WriteInt64(ClientOrderId);
    }

    public static CancelOrder DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64());
}

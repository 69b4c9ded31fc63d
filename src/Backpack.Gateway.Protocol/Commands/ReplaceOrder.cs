using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Changes price and/or quantity of an open order. Quantity down at the same price keeps time priority; a price change or a quantity increase re-queues it (and it may trade).</summary>
/// <param name="AccountId">owner of the order</param>
/// <param name="MarketId">market of the order</param>
/// <param name="OrderId">engine order id; 0 = use ClientOrderId</param>
/// <param name="ClientOrderId">current client order id of the order (when OrderId is 0)</param>
/// <param name="NewClientOrderId">client order id the order carries after the replace; 0 = keep</param>
/// <param name="Price">new limit price in ticks</param>
/// <param name="Quantity">new total quantity in lots, including what already filled (as FIX OrderQty)</param>
public readonly record struct ReplaceOrder(
    CommandHeader Header,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId,
    long NewClientOrderId,
    long Price,
    long Quantity) : IProtocolMessage<ReplaceOrder>
{
    public static MessageType Type => MessageType.ReplaceOrder;

    public static int FieldCount => 11;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
        w.WriteInt64(OrderId);
        w.WriteInt64(ClientOrderId);
        w.WriteInt64(NewClientOrderId);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
    }

    public static ReplaceOrder DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, NewClientOrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        w.Advance(ref start, ref p);
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

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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 11 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RequestId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, ClientOrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Reason);
        w.Advance(ref start, ref p);
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

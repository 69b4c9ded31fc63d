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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 15 * MessagePackPrimitives.MaxIntSize;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, OriginalClientOrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LeavesQuantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CumulativeQuantity);
        p = ref MessagePackPrimitives.WriteBoolean(ref p, PriorityKept);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Reason);
        w.Advance(ref start, ref p);
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

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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 8 * MessagePackPrimitives.MaxIntSize;

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
        w.Advance(ref start, ref p);
    }

    public static CancelOrder DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64());
}

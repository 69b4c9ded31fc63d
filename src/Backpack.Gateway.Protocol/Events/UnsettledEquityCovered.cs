using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>A deposit went to cover the account's unsettled (negative) equity, in part or in full.</summary>
/// <param name="AccountId">account</param>
/// <param name="LiquidationId">the liquidation that left the deficit; 0 = a deficit outside a liquidation</param>
/// <param name="Covered">micro-USDC of the deposit that paid the deficit off</param>
/// <param name="Remaining">micro-USDC still unsettled after it (0: settled)</param>
public readonly record struct UnsettledEquityCovered(
    EventHeader Header,
    int AccountId,
    long LiquidationId,
    long Covered,
    long Remaining) : IProtocolMessage<UnsettledEquityCovered>
{
    public static MessageType Type => MessageType.UnsettledEquityCovered;

    public static int FieldCount => 7;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 7 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Covered);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Remaining);
        w.Advance(ref start, ref p);
    }

    public static UnsettledEquityCovered DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

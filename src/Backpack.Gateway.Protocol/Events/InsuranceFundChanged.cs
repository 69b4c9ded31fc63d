using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>The insurance fund balance moved (a ledger entry).</summary>
/// <param name="LiquidationId">liquidation it belongs to; 0 = none</param>
/// <param name="Change">signed change in micro-USDC</param>
/// <param name="Balance">fund balance after</param>
/// <param name="Reason">ledger reason</param>
public readonly record struct InsuranceFundChanged(
    EventHeader Header,
    long LiquidationId,
    long Change,
    long Balance,
    InsuranceFundReason Reason) : IProtocolMessage<InsuranceFundChanged>
{
    public static MessageType Type => MessageType.InsuranceFundChanged;

    public static int FieldCount => 7;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 7 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Change);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Balance);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Reason);
        w.Advance(ref start, ref p);
    }

    public static InsuranceFundChanged DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInsuranceFundReason());
}

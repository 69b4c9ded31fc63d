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

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt64(LiquidationId);
        w.WriteInt64(Change);
        w.WriteInt64(Balance);
        w.WriteByte((byte)Reason);
    }

    public static InsuranceFundChanged DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInsuranceFundReason());
}

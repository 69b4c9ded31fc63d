using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>A liquidation finished.</summary>
/// <param name="AccountId">account</param>
/// <param name="LiquidationId">liquidation</param>
/// <param name="Outcome">Averted, Partial, Full or Bankrupt</param>
public readonly record struct LiquidationEnded(
    EventHeader Header,
    int AccountId,
    long LiquidationId,
    LiquidationOutcome Outcome) : IProtocolMessage<LiquidationEnded>
{
    public static MessageType Type => MessageType.LiquidationEnded;

    public static int FieldCount => 6;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt64(LiquidationId);
        w.WriteByte((byte)Outcome);
    }

    public static LiquidationEnded DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadLiquidationOutcome());
}

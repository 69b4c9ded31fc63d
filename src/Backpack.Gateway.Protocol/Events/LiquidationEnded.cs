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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 6 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Outcome);
        w.Advance(ref start, ref p);
    }

    public static LiquidationEnded DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadLiquidationOutcome());
}

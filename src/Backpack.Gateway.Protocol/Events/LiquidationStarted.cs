using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>The account reached maintenance (MMR &gt;= 1) and is now liquidating.</summary>
/// <param name="AccountId">account</param>
/// <param name="LiquidationId">id tying every step of this liquidation together</param>
/// <param name="MarginRatio">MM/E in parts per million</param>
/// <param name="MarginFraction">E / total notional in parts per million</param>
/// <param name="Equity">equity in micro-USDC</param>
/// <param name="MaintenanceMargin">maintenance margin in micro-USDC</param>
public readonly record struct LiquidationStarted(
    EventHeader Header,
    int AccountId,
    long LiquidationId,
    long MarginRatio,
    long MarginFraction,
    long Equity,
    long MaintenanceMargin) : IProtocolMessage<LiquidationStarted>
{
    public static MessageType Type => MessageType.LiquidationStarted;

    public static int FieldCount => 9;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 9 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarginRatio);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarginFraction);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Equity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MaintenanceMargin);
        w.Advance(ref start, ref p);
    }

    public static LiquidationStarted DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

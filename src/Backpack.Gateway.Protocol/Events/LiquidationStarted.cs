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

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt64(LiquidationId);
        w.WriteInt64(MarginRatio);
        w.WriteInt64(MarginFraction);
        w.WriteInt64(Equity);
        w.WriteInt64(MaintenanceMargin);
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

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>A step of a liquidation and the figures it was decided on (the audit trail), to the account.</summary>
/// <param name="AccountId">account</param>
/// <param name="LiquidationId">liquidation</param>
/// <param name="MarketId">market of the position concerned; 0 = every position (a take-over)</param>
/// <param name="Action">Triggered, Slice, AutoCloseOffer, or why the backstop took over</param>
/// <param name="MarkPrice">mark price in ticks of that market (0 for every market)</param>
/// <param name="IndexPrice">index price in ticks of that market (0 for every market)</param>
/// <param name="Equity">account equity in micro-USDC</param>
/// <param name="MaintenanceMargin">account maintenance margin in micro-USDC</param>
/// <param name="Notional">account notional at the marks in micro-USDC (MF = equity / notional)</param>
/// <param name="Urgency">0 (maintenance) to 1,000,000 (auto-close level or bankruptcy), ppm</param>
/// <param name="Limit">worst price the order may trade at, ticks (0 without an order)</param>
/// <param name="BandDepth">lots resting on the book up to the limit</param>
/// <param name="Quantity">lots sent</param>
/// <param name="BankruptcyPrice">the position's bankruptcy price in ticks (0 without a position concerned)</param>
public readonly record struct LiquidationStep(
    EventHeader Header,
    int AccountId,
    long LiquidationId,
    int MarketId,
    LiquidationAction Action,
    long MarkPrice,
    long IndexPrice,
    long Equity,
    long MaintenanceMargin,
    long Notional,
    long Urgency,
    long Limit,
    long BandDepth,
    long Quantity,
    long BankruptcyPrice) : IProtocolMessage<LiquidationStep>
{
    public static MessageType Type => MessageType.LiquidationStep;

    public static int FieldCount => 17;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 17 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Action);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarkPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, IndexPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Equity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MaintenanceMargin);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Notional);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Urgency);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Limit);
        p = ref MessagePackPrimitives.WriteInt64(ref p, BandDepth);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, BankruptcyPrice);
        w.Advance(ref start, ref p);
    }

    public static LiquidationStep DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadLiquidationAction(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

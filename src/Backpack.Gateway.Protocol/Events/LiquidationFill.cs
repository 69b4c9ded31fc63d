using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>One forced close of a liquidating account, at any stage (public liquidation event).</summary>
/// <param name="LiquidationId">liquidation</param>
/// <param name="AccountId">liquidated account</param>
/// <param name="MarketId">market</param>
/// <param name="Stage">Book, Backstop or Adl</param>
/// <param name="Side">side of the liquidated account's close</param>
/// <param name="Price">price in ticks</param>
/// <param name="Quantity">quantity in lots</param>
/// <param name="TradeId">trade id (off-book fills have one too)</param>
/// <param name="BankruptcyPrice">bankruptcy price of the position in ticks</param>
/// <param name="Fee">liquidation fee to the insurance fund, micro-USDC</param>
/// <param name="CounterpartyAccountId">taker of the position (book: 0 when several makers)</param>
public readonly record struct LiquidationFill(
    EventHeader Header,
    long LiquidationId,
    int AccountId,
    int MarketId,
    LiquidationStage Stage,
    Side Side,
    long Price,
    long Quantity,
    long TradeId,
    long BankruptcyPrice,
    long Fee,
    int CounterpartyAccountId) : IProtocolMessage<LiquidationFill>
{
    public static MessageType Type => MessageType.LiquidationFill;

    public static int FieldCount => 14;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 14 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Stage);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, TradeId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, BankruptcyPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Fee);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CounterpartyAccountId);
        w.Advance(ref start, ref p);
    }

    public static LiquidationFill DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadLiquidationStage(),
        r.ReadSide(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt32());
}

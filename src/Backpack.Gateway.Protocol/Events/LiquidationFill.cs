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

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt64(LiquidationId);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
        w.WriteByte((byte)Stage);
        w.WriteByte((byte)Side);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteInt64(TradeId);
        w.WriteInt64(BankruptcyPrice);
        w.WriteInt64(Fee);
        w.WriteInt32(CounterpartyAccountId);
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

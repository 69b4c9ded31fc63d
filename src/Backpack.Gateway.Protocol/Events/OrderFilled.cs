using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>One side of a fill (book trade, backstop take-over or ADL).</summary>
/// <param name="AccountId">owner</param>
/// <param name="MarketId">market</param>
/// <param name="OrderId">engine order id (0 for off-book backstop/ADL fills)</param>
/// <param name="ClientOrderId">client order id</param>
/// <param name="Side">side of this order</param>
/// <param name="TradeId">trade id, shared by both sides of the fill</param>
/// <param name="Price">fill price in ticks</param>
/// <param name="Quantity">fill quantity in lots</param>
/// <param name="LeavesQuantity">quantity still open after this fill</param>
/// <param name="CumulativeQuantity">quantity filled so far</param>
/// <param name="CumulativeQuote">notional filled so far in micro-USDC (average price = this / quantity)</param>
/// <param name="Fee">fee charged in micro-USDC (negative = rebate)</param>
/// <param name="Liquidity">maker or taker</param>
/// <param name="Origin">USER, LIQUIDATION_AUTOCLOSE, BACKSTOP_LIQUIDITY_PROVIDER or ADL_AUTOCLOSE</param>
/// <param name="LiquidationId">liquidation this fill belongs to; 0 = none</param>
public readonly record struct OrderFilled(
    EventHeader Header,
    int AccountId,
    int MarketId,
    long OrderId,
    long ClientOrderId,
    Side Side,
    long TradeId,
    long Price,
    long Quantity,
    long LeavesQuantity,
    long CumulativeQuantity,
    long CumulativeQuote,
    long Fee,
    Liquidity Liquidity,
    OrderOrigin Origin,
    long LiquidationId) : IProtocolMessage<OrderFilled>
{
    public static MessageType Type => MessageType.OrderFilled;

    public static int FieldCount => 18;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
        w.WriteInt64(OrderId);
        w.WriteInt64(ClientOrderId);
        w.WriteByte((byte)Side);
        w.WriteInt64(TradeId);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteInt64(LeavesQuantity);
        w.WriteInt64(CumulativeQuantity);
        w.WriteInt64(CumulativeQuote);
        w.WriteInt64(Fee);
        w.WriteByte((byte)Liquidity);
        w.WriteByte((byte)Origin);
        w.WriteInt64(LiquidationId);
    }

    public static OrderFilled DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadLiquidity(),
        r.ReadOrderOrigin(),
        r.ReadInt64());
}

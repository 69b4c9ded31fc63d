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
/// <param name="Stage">the liquidation's stage for a fill with a <paramref name="LiquidationId"/>: Book (a liquidation
/// order on the book), Backstop (taken over by a provider or the insurance fund) or Adl; None otherwise</param>
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
    long LiquidationId,
    LiquidationStage Stage) : IProtocolMessage<OrderFilled>
{
    public static MessageType Type => MessageType.OrderFilled;

    public static int FieldCount => 19;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 19 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, OrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, ClientOrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, TradeId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LeavesQuantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CumulativeQuantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CumulativeQuote);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Fee);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Liquidity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Origin);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Stage);
        w.Advance(ref start, ref p);
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
        r.ReadInt64(),
        r.ReadLiquidationStage());
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>An account's position in a market after a command changed it (one per account and market per command).</summary>
/// <param name="AccountId">account</param>
/// <param name="MarketId">market</param>
/// <param name="Quantity">net position in lots (negative = short)</param>
/// <param name="EntryNotional">cost of the open position in micro-USDC (entry price = this / |quantity|)</param>
/// <param name="RealizedPnl">realized PnL in this market since the account opened, micro-USDC</param>
/// <param name="MarkPrice">mark price in ticks</param>
/// <param name="Collateral">account collateral after the change, micro-USDC</param>
/// <param name="AdlQuintile">ADL queue quintile 1 to 5 (5 = deleveraged first); 0 = no position or not ranked yet</param>
/// <param name="LiquidationId">the liquidation whose forced fill changed this position in this command: the liquidated
/// account's own position (any stage), or the position of the backstop provider or ADL counterparty that took it over
/// (the last such fill if several); 0 = none (a book counterparty of a liquidation order gets 0)</param>
public readonly record struct PositionChanged(
    EventHeader Header,
    int AccountId,
    int MarketId,
    long Quantity,
    long EntryNotional,
    long RealizedPnl,
    long MarkPrice,
    long Collateral,
    int AdlQuintile,
    long LiquidationId) : IProtocolMessage<PositionChanged>
{
    public static MessageType Type => MessageType.PositionChanged;

    public static int FieldCount => 12;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 12 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, EntryNotional);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RealizedPnl);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarkPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Collateral);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AdlQuintile);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        w.Advance(ref start, ref p);
    }

    public static PositionChanged DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt64());
}

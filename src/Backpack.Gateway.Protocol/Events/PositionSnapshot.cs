using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>One position, in reply to QueryAccount.</summary>
/// <param name="RequestId">request id of the QueryAccount</param>
/// <param name="AccountId">account</param>
/// <param name="MarketId">market</param>
/// <param name="Quantity">net position in lots (negative = short)</param>
/// <param name="EntryNotional">cost of the open position in micro-USDC</param>
/// <param name="RealizedPnl">realized PnL in this market, micro-USDC</param>
/// <param name="MarkPrice">mark price in ticks</param>
/// <param name="AdlQuintile">ADL queue quintile 1 to 5 (5 = deleveraged first); 0 = none</param>
/// <param name="AdlRank">place in the ADL queue at the last ranking (1 = first); 0 = not ranked</param>
/// <param name="AdlQueueLength">positions in that queue</param>
/// <param name="AdlNotionalAhead">micro-USDC of the positions ranked before it</param>
/// <param name="AdlNotional">micro-USDC of this position at the mark of that ranking</param>
/// <param name="AdlScore">its ADL score at that ranking, parts per million</param>
public readonly record struct PositionSnapshot(
    EventHeader Header,
    long RequestId,
    int AccountId,
    int MarketId,
    long Quantity,
    long EntryNotional,
    long RealizedPnl,
    long MarkPrice,
    int AdlQuintile,
    int AdlRank,
    int AdlQueueLength,
    long AdlNotionalAhead,
    long AdlNotional,
    long AdlScore) : IProtocolMessage<PositionSnapshot>
{
    public static MessageType Type => MessageType.PositionSnapshot;

    public static int FieldCount => 16;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 16 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RequestId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, EntryNotional);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RealizedPnl);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarkPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AdlQuintile);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AdlRank);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AdlQueueLength);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AdlNotionalAhead);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AdlNotional);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AdlScore);
        w.Advance(ref start, ref p);
    }

    public static PositionSnapshot DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

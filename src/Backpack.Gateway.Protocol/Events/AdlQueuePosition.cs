using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// A position's place in its market side's auto-deleveraging queue, to its account, when the ranking
/// is refreshed (every tick) and the place, the queue's length, the notional ahead or the position's
/// own notional moved since the account was last told.
/// </summary>
/// <param name="AccountId">account</param>
/// <param name="MarketId">market</param>
/// <param name="Rank">place in the queue, 1 = deleveraged first; 0 = out of the queue (no position any more, or under liquidation)</param>
/// <param name="QueueLength">positions in the queue on this side of the market</param>
/// <param name="NotionalAhead">micro-USDC at the mark of the positions ranked before this one (what ADL would close first)</param>
/// <param name="Notional">micro-USDC at the mark of this position</param>
/// <param name="Score">the ADL score in parts per million (PnL% x effective leverage in profit, PnL% / it otherwise)</param>
public readonly record struct AdlQueuePosition(
    EventHeader Header,
    int AccountId,
    int MarketId,
    int Rank,
    int QueueLength,
    long NotionalAhead,
    long Notional,
    long Score) : IProtocolMessage<AdlQueuePosition>
{
    public static MessageType Type => MessageType.AdlQueuePosition;

    public static int FieldCount => 10;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 10 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Rank);
        p = ref MessagePackPrimitives.WriteInt64(ref p, QueueLength);
        p = ref MessagePackPrimitives.WriteInt64(ref p, NotionalAhead);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Notional);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Score);
        w.Advance(ref start, ref p);
    }

    public static AdlQueuePosition DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

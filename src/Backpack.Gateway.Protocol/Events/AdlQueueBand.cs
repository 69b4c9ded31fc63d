using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// One score band of a market side's auto-deleveraging queue (public, anonymous), when the ranking is
/// refreshed (every tick) and the band's count or notional moved. The bands are fixed
/// (<see cref="AdlBands"/>); band 0 holds the highest scores, deleveraged first.
/// </summary>
/// <param name="MarketId">market</param>
/// <param name="Side">the positions' side: Buy = longs (deleveraged against a liquidated short), Sell = shorts</param>
/// <param name="Band">the score band, 0 = highest scores</param>
/// <param name="Positions">positions in the band</param>
/// <param name="Notional">micro-USDC at the mark of the positions in the band</param>
public readonly record struct AdlQueueBand(
    EventHeader Header,
    int MarketId,
    Side Side,
    AdlBand Band,
    int Positions,
    long Notional) : IProtocolMessage<AdlQueueBand>
{
    public static MessageType Type => MessageType.AdlQueueBand;

    public static int FieldCount => 8;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 8 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Band);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Positions);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Notional);
        w.Advance(ref start, ref p);
    }

    public static AdlQueueBand DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadSide(),
        r.ReadAdlBand(),
        r.ReadInt32(),
        r.ReadInt64());
}

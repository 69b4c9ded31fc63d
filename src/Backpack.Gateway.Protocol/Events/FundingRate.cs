using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// A market's funding rate: the estimate for the interval under way (after every premium sample), or
/// the rate just settled at the end of an interval (then the payments of that interval follow).
/// </summary>
/// <param name="MarketId">market</param>
/// <param name="Rate">funding rate in parts per billion of notional; positive = longs pay shorts</param>
/// <param name="IntervalEnd">engine time (microseconds) at which the interval ends: the next funding time for an estimate, the time just settled otherwise</param>
/// <param name="IntervalMicros">the market's funding interval in microseconds</param>
/// <param name="Settled">true = the rate paid at IntervalEnd; false = an estimate</param>
public readonly record struct FundingRate(
    EventHeader Header,
    int MarketId,
    long Rate,
    long IntervalEnd,
    long IntervalMicros,
    bool Settled) : IProtocolMessage<FundingRate>
{
    public static MessageType Type => MessageType.FundingRate;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, Rate);
        p = ref MessagePackPrimitives.WriteInt64(ref p, IntervalEnd);
        p = ref MessagePackPrimitives.WriteInt64(ref p, IntervalMicros);
        p = ref MessagePackPrimitives.WriteBoolean(ref p, Settled);
        w.Advance(ref start, ref p);
    }

    public static FundingRate DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadBoolean());
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>
/// An account's funding payment for one position at a funding time: rate x notional at the mark, paid
/// by longs to shorts when the rate is positive. What payers pay is rounded up and what receivers get
/// rounded down; the difference goes to the insurance fund.
/// </summary>
/// <param name="AccountId">account</param>
/// <param name="MarketId">market</param>
/// <param name="Rate">the interval's funding rate in parts per billion</param>
/// <param name="Quantity">the position in lots (negative = short)</param>
/// <param name="MarkPrice">mark price in ticks at the funding time</param>
/// <param name="Amount">micro-USDC, positive = received, negative = paid</param>
/// <param name="Collateral">the account's collateral after the payment, micro-USDC</param>
/// <param name="IntervalEnd">the funding time, engine microseconds</param>
public readonly record struct FundingPayment(
    EventHeader Header,
    int AccountId,
    int MarketId,
    long Rate,
    long Quantity,
    long MarkPrice,
    long Amount,
    long Collateral,
    long IntervalEnd) : IProtocolMessage<FundingPayment>
{
    public static MessageType Type => MessageType.FundingPayment;

    public static int FieldCount => 11;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 11 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Rate);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarkPrice);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Amount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Collateral);
        p = ref MessagePackPrimitives.WriteInt64(ref p, IntervalEnd);
        w.Advance(ref start, ref p);
    }

    public static FundingPayment DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

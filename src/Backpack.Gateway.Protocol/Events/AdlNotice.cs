using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>An auto-deleveraging close, sent to each side.</summary>
/// <param name="AccountId">account told</param>
/// <param name="LiquidationId">liquidation</param>
/// <param name="MarketId">market</param>
/// <param name="Role">Liquidated or Counterparty</param>
/// <param name="Side">side of this account's close</param>
/// <param name="Price">price in ticks (the bankruptcy price)</param>
/// <param name="Quantity">quantity in lots</param>
/// <param name="CounterpartyAccountId">the other side</param>
/// <param name="Rank">the counterparty's place in the ranked ADL queue (1 = first)</param>
/// <param name="Score">the counterparty's ADL score in parts per million (PnL% x effective leverage in profit, PnL% / it otherwise)</param>
public readonly record struct AdlNotice(
    EventHeader Header,
    int AccountId,
    long LiquidationId,
    int MarketId,
    AdlRole Role,
    Side Side,
    long Price,
    long Quantity,
    int CounterpartyAccountId,
    int Rank,
    long Score) : IProtocolMessage<AdlNotice>
{
    public static MessageType Type => MessageType.AdlNotice;

    public static int FieldCount => 13;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 13 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, LiquidationId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Role);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, CounterpartyAccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Rank);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Score);
        w.Advance(ref start, ref p);
    }

    public static AdlNotice DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadAdlRole(),
        r.ReadSide(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64());
}

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
public readonly record struct AdlNotice(
    EventHeader Header,
    int AccountId,
    long LiquidationId,
    int MarketId,
    AdlRole Role,
    Side Side,
    long Price,
    long Quantity,
    int CounterpartyAccountId) : IProtocolMessage<AdlNotice>
{
    public static MessageType Type => MessageType.AdlNotice;

    public static int FieldCount => 11;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt64(LiquidationId);
        w.WriteInt32(MarketId);
        w.WriteByte((byte)Role);
        w.WriteByte((byte)Side);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteInt32(CounterpartyAccountId);
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
        r.ReadInt32());
}

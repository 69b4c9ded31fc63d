using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Places an order for an account.</summary>
/// <param name="AccountId">account placing the order</param>
/// <param name="MarketId">market id (1-based, from the market configuration)</param>
/// <param name="ClientOrderId">client-chosen id, unique among the account's open orders; 0 = none</param>
/// <param name="Side">Buy or Sell</param>
/// <param name="OrderType">Limit or Market</param>
/// <param name="TimeInForce">GTC, IOC or FOK (Market orders are always IOC)</param>
/// <param name="Price">limit price in ticks; 0 for Market</param>
/// <param name="Quantity">quantity in lots (stepSize units)</param>
/// <param name="Flags">PostOnly, ReduceOnly</param>
/// <param name="SelfTradePrevention">what happens if it would match an order of the same account</param>
public readonly record struct NewOrder(
    CommandHeader Header,
    int AccountId,
    int MarketId,
    long ClientOrderId,
    Side Side,
    OrderType OrderType,
    TimeInForce TimeInForce,
    long Price,
    long Quantity,
    OrderFlags Flags,
    SelfTradePrevention SelfTradePrevention) : IProtocolMessage<NewOrder>
{
    public static MessageType Type => MessageType.NewOrder;

    public static int FieldCount => 14;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
        w.WriteInt64(ClientOrderId);
        w.WriteByte((byte)Side);
        w.WriteByte((byte)OrderType);
        w.WriteByte((byte)TimeInForce);
        w.WriteInt64(Price);
        w.WriteInt64(Quantity);
        w.WriteByte((byte)Flags);
        w.WriteByte((byte)SelfTradePrevention);
    }

    public static NewOrder DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadSide(),
        r.ReadOrderType(),
        r.ReadTimeInForce(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadOrderFlags(),
        r.ReadSelfTradePrevention());
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Places an order for an account.</summary>
/// <param name="AccountId">account placing the order</param>
/// <param name="MarketId">market id (1-based, from the market configuration)</param>
/// <param name="ClientOrderId">client-chosen id, unique among the account's open orders; 0 = none</param>
/// <param name="Side">Buy or Sell</param>
/// <param name="OrderType">Limit or Market</param>
/// <param name="TimeInForce">GTC, IOC or FOK (a Market order sent as GTC is treated as IOC)</param>
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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 14 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, ClientOrderId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Side);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)OrderType);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)TimeInForce);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Price);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Quantity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Flags);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)SelfTradePrevention);
        w.Advance(ref start, ref p);
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

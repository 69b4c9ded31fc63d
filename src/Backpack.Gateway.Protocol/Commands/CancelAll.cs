using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Cancels every open order of an account, in one market or all.</summary>
/// <param name="AccountId">owner of the orders</param>
/// <param name="MarketId">market; 0 = every market</param>
public readonly record struct CancelAll(
    CommandHeader Header,
    int AccountId,
    int MarketId) : IProtocolMessage<CancelAll>
{
    public static MessageType Type => MessageType.CancelAll;

    public static int FieldCount => 6;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt32(MarketId);
    }

    public static CancelAll DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32());
}

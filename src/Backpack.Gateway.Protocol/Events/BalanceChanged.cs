using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>Collateral moved in or out of an account.</summary>
/// <param name="RequestId">request id of the deposit/withdrawal</param>
/// <param name="AccountId">account</param>
/// <param name="Change">signed change in micro-USDC</param>
/// <param name="Balance">collateral after the change</param>
/// <param name="Reason">why</param>
public readonly record struct BalanceChanged(
    EventHeader Header,
    long RequestId,
    int AccountId,
    long Change,
    long Balance,
    BalanceChangeReason Reason) : IProtocolMessage<BalanceChanged>
{
    public static MessageType Type => MessageType.BalanceChanged;

    public static int FieldCount => 8;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt64(RequestId);
        w.WriteInt32(AccountId);
        w.WriteInt64(Change);
        w.WriteInt64(Balance);
        w.WriteByte((byte)Reason);
    }

    public static BalanceChanged DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadBalanceChangeReason());
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Debits collateral; only what is free of initial margin can leave.</summary>
/// <param name="AccountId">account to debit</param>
/// <param name="Amount">amount in micro-USDC, &gt; 0</param>
public readonly record struct Withdraw(
    CommandHeader Header,
    int AccountId,
    long Amount) : IProtocolMessage<Withdraw>
{
    public static MessageType Type => MessageType.Withdraw;

    public static int FieldCount => 6;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt64(Amount);
    }

    public static Withdraw DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64());
}

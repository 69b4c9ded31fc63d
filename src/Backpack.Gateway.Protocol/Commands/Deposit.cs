using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Credits collateral (USDC) to an account; the first deposit opens the account.</summary>
/// <param name="AccountId">account to credit</param>
/// <param name="Amount">amount in micro-USDC (1e-6), &gt; 0</param>
public readonly record struct Deposit(
    CommandHeader Header,
    int AccountId,
    long Amount) : IProtocolMessage<Deposit>
{
    public static MessageType Type => MessageType.Deposit;

    public static int FieldCount => 6;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt64(Amount);
    }

    public static Deposit DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64());
}

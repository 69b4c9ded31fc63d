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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 6 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Amount);
        w.Advance(ref start, ref p);
    }

    public static Withdraw DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64());
}

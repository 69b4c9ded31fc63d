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

    public static Deposit DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64());
}

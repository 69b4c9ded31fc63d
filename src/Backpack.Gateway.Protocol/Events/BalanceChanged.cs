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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 8 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RequestId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Change);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Balance);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Reason);
        w.Advance(ref start, ref p);
    }

    public static BalanceChanged DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadBalanceChangeReason());
}

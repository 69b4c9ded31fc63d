using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Registers (or, with both capacities 0, removes) a backstop liquidity provider account.</summary>
/// <param name="AccountId">provider account</param>
/// <param name="NotionalPerMinute">notional it takes over per rolling minute, micro-USDC</param>
/// <param name="NotionalPerHour">notional it takes over per rolling hour, micro-USDC</param>
public readonly record struct RegisterBackstopProvider(
    CommandHeader Header,
    int AccountId,
    long NotionalPerMinute,
    long NotionalPerHour) : IProtocolMessage<RegisterBackstopProvider>
{
    public static MessageType Type => MessageType.RegisterBackstopProvider;

    public static int FieldCount => 7;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 7 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, NotionalPerMinute);
        p = ref MessagePackPrimitives.WriteInt64(ref p, NotionalPerHour);
        w.Advance(ref start, ref p);
    }

    public static RegisterBackstopProvider DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64());
}

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

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt64(NotionalPerMinute);
        w.WriteInt64(NotionalPerHour);
    }

    public static RegisterBackstopProvider DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64());
}

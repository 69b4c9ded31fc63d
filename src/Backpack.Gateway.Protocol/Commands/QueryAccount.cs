using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>Asks for a snapshot of an account: its open orders, positions and margin figures (changes nothing).</summary>
/// <param name="AccountId">account</param>
/// <param name="MarketId">market; 0 = every market</param>
public readonly record struct QueryAccount(
    CommandHeader Header,
    int AccountId,
    int MarketId) : IProtocolMessage<QueryAccount>
{
    public static MessageType Type => MessageType.QueryAccount;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarketId);
        w.Advance(ref start, ref p);
    }

    public static QueryAccount DecodeBody(ref MessagePackReader r) => new(
        CommandHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt32());
}

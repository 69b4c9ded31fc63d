using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>Stage 0, information only: the account's maintenance margin ratio reached the margin-call level.</summary>
/// <param name="AccountId">account</param>
/// <param name="MarginRatio">maintenance margin ratio MM/E in parts per million</param>
/// <param name="Equity">equity in micro-USDC</param>
/// <param name="MaintenanceMargin">maintenance margin in micro-USDC</param>
public readonly record struct MarginCall(
    EventHeader Header,
    int AccountId,
    long MarginRatio,
    long Equity,
    long MaintenanceMargin) : IProtocolMessage<MarginCall>
{
    public static MessageType Type => MessageType.MarginCall;

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
        p = ref MessagePackPrimitives.WriteInt64(ref p, MarginRatio);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Equity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MaintenanceMargin);
        w.Advance(ref start, ref p);
    }

    public static MarginCall DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

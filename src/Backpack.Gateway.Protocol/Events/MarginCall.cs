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

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt32(AccountId);
        w.WriteInt64(MarginRatio);
        w.WriteInt64(Equity);
        w.WriteInt64(MaintenanceMargin);
    }

    public static MarginCall DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64());
}

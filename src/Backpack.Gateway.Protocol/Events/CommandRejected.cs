using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>Reply to a command that was refused without a more specific reply; nothing changed.</summary>
/// <param name="RequestId">request id (0 if the frame could not be read)</param>
/// <param name="CommandType">type of the command (0 if unknown)</param>
/// <param name="AccountId">account concerned; 0 = none</param>
/// <param name="Reason">why</param>
public readonly record struct CommandRejected(
    EventHeader Header,
    long RequestId,
    MessageType CommandType,
    int AccountId,
    RejectReason Reason) : IProtocolMessage<CommandRejected>
{
    public static MessageType Type => MessageType.CommandRejected;

    public static int FieldCount => 7;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt64(RequestId);
        w.WriteByte((byte)CommandType);
        w.WriteInt32(AccountId);
        w.WriteByte((byte)Reason);
    }

    public static CommandRejected DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadMessageTypeId(),
        r.ReadInt32(),
        r.ReadRejectReason());
}

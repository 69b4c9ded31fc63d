using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>Reply to a command that has no more specific reply (Tick, SetIndexPrice, RegisterBackstopProvider, CancelAll).</summary>
/// <param name="RequestId">request id</param>
/// <param name="CommandType">type of the command</param>
/// <param name="AccountId">account concerned; 0 = none</param>
/// <param name="Count">what the command affected (CancelAll: orders canceled), else 0</param>
public readonly record struct CommandAccepted(
    EventHeader Header,
    long RequestId,
    MessageType CommandType,
    int AccountId,
    long Count) : IProtocolMessage<CommandAccepted>
{
    public static MessageType Type => MessageType.CommandAccepted;

    public static int FieldCount => 7;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
        w.WriteInt64(RequestId);
        w.WriteByte((byte)CommandType);
        w.WriteInt32(AccountId);
        w.WriteInt64(Count);
    }

    public static CommandAccepted DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadMessageTypeId(),
        r.ReadInt32(),
        r.ReadInt64());
}

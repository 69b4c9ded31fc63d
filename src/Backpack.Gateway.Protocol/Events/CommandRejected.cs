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

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 7 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RequestId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)CommandType);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Reason);
        w.Advance(ref start, ref p);
    }

    public static CommandRejected DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadMessageTypeId(),
        r.ReadInt32(),
        r.ReadRejectReason());
}

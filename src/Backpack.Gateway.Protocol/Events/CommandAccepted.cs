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
        p = ref MessagePackPrimitives.WriteInt64(ref p, Count);
        w.Advance(ref start, ref p);
    }

    public static CommandAccepted DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadMessageTypeId(),
        r.ReadInt32(),
        r.ReadInt64());
}

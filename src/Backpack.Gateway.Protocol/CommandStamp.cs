using System.Buffers.Binary;
using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol;

/// <summary>
/// Reads and overwrites the sequence number and time of an encoded command in place. Every command
/// starts [array header, type id (positive fixint), int64 sequence, int64 time, ...]; the two header
/// fields are written as 0xd3 plus 8 big-endian bytes, so their offsets are fixed once the array
/// header's size is known.
/// </summary>
public static class CommandStamp
{
    /// <summary>Sets the sequence and time of an encoded command. False if the frame is not shaped like a command.</summary>
    public static bool TryStamp(Span<byte> frame, long sequence, long time)
    {
        int at = SequenceOffset(frame);
        if (at < 0) return false;
        BinaryPrimitives.WriteInt64BigEndian(frame.Slice(at + 1), sequence);
        BinaryPrimitives.WriteInt64BigEndian(frame.Slice(at + 10), time);
        return true;
    }

    /// <summary>Reads the sequence and time of an encoded command without decoding the rest.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out MessageType type, out long sequence, out long time)
    {
        int at = SequenceOffset(frame);
        if (at < 0)
        {
            type = MessageType.None;
            sequence = time = 0;
            return false;
        }
        type = (MessageType)frame[at - 1];
        sequence = BinaryPrimitives.ReadInt64BigEndian(frame.Slice(at + 1));
        time = BinaryPrimitives.ReadInt64BigEndian(frame.Slice(at + 10));
        return true;
    }

    private static int SequenceOffset(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty) return -1;
        int header = frame[0] switch
        {
            >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray => 1,
            MessagePackCode.Array16 => 3,
            MessagePackCode.Array32 => 5,
            _ => -1,
        };
        if (header < 0 || frame.Length < header + 1 + 18) return -1;
        byte type = frame[header];
        if (!MessageTypes.IsCommand((MessageType)type)) return -1;
        int at = header + 1;
        if (frame[at] != MessagePackCode.Int64 || frame[at + 9] != MessagePackCode.Int64) return -1;
        return at;
    }
}

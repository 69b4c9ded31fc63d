using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol;

/// <summary>
/// The first fields of every command, after the type id. <see cref="Sequence"/> and
/// <see cref="Time"/> are always written as 9-byte int 64 so the sequencer can stamp them in place
/// (<see cref="CommandStamp"/>); front ends leave them 0.
/// </summary>
/// <param name="Sequence">engine sequence number, stamped by the sequencer (1, 2, 3 ...)</param>
/// <param name="Time">engine time in microseconds since the Unix epoch, stamped by the sequencer</param>
/// <param name="RequestId">chosen by the sender and echoed in the reply events (front ends put their connection id in it)</param>
public readonly record struct CommandHeader(long Sequence, long Time, long RequestId)
{
    /// <summary>Elements the header adds to a command's array.</summary>
    public const int FieldCount = 3;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(3 * MessagePackPrimitives.MaxIntSize);
        w.Advance(ref start, ref Write(ref start));
    }

    /// <summary>Cursor-style encode (see <see cref="MessagePackPrimitives"/>): at most 27 bytes.</summary>
    public ref byte Write(ref byte dst)
    {
        ref byte p = ref MessagePackPrimitives.WriteInt64Fixed(ref dst, Sequence);
        p = ref MessagePackPrimitives.WriteInt64Fixed(ref p, Time);
        return ref MessagePackPrimitives.WriteInt64(ref p, RequestId);
    }

    public static CommandHeader Decode(ref MessagePackReader r) => new(r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
}

/// <summary>The first fields of every event, after the type id.</summary>
/// <param name="Sequence">sequence number of the command that produced the event</param>
/// <param name="Time">engine time (the command's time) in microseconds since the Unix epoch</param>
public readonly record struct EventHeader(long Sequence, long Time)
{
    public const int FieldCount = 2;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(2 * MessagePackPrimitives.MaxIntSize);
        w.Advance(ref start, ref Write(ref start));
    }

    /// <summary>Cursor-style encode (see <see cref="MessagePackPrimitives"/>): at most 18 bytes.</summary>
    public ref byte Write(ref byte dst)
    {
        ref byte p = ref MessagePackPrimitives.WriteInt64(ref dst, Sequence);
        return ref MessagePackPrimitives.WriteInt64(ref p, Time);
    }

    public static EventHeader Decode(ref MessagePackReader r) => new(r.ReadInt64(), r.ReadInt64());

    /// <summary>Reads the header of an encoded event without decoding the rest.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out EventHeader header)
    {
        var r = new MessagePackReader(frame);
        r.ReadArrayHeader();
        r.ReadInt64();
        header = Decode(ref r);
        return !r.HasError;
    }
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>The engine clock: drives time-based work (liquidation slices, stale-mark checks). Its time is the header time.</summary>
public readonly record struct Tick(
    CommandHeader Header) : IProtocolMessage<Tick>
{
    public static MessageType Type => MessageType.Tick;

    public static int FieldCount => 4;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 4 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        w.Advance(ref start, ref p);
    }

    public static Tick DecodeBody(ref MessagePackReader r) => new(CommandHeader.Decode(ref r));
}

using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Commands;

/// <summary>The engine clock: drives time-based work (liquidation slices, stale-mark checks). Its time is the header time.</summary>
public readonly record struct Tick(
    CommandHeader Header) : IProtocolMessage<Tick>
{
    public static MessageType Type => MessageType.Tick;

    public static int FieldCount => 4;

    public void Encode(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(FieldCount);
        w.WriteByte((byte)Type);
        Header.Encode(ref w);
    }

    public static Tick DecodeBody(ref MessagePackReader r) => new(CommandHeader.Decode(ref r));
}

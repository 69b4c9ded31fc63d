using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol;

/// <summary>
/// A message of the shared binary protocol: a MessagePack array whose first element is the type
/// id, then the header, then the fields in a fixed order (docs/protocol.md).
/// </summary>
public interface IProtocolMessage<TSelf> where TSelf : struct, IProtocolMessage<TSelf>
{
    static abstract MessageType Type { get; }

    /// <summary>Elements of the array: the type id, the header fields and the message fields.</summary>
    static abstract int FieldCount { get; }

    /// <summary>Writes the whole message (array header, type id, header, fields).</summary>
    void Encode(ref MessagePackWriter writer);

    /// <summary>Reads the header and fields; the array header and type id are already read.</summary>
    static abstract TSelf DecodeBody(ref MessagePackReader reader);
}

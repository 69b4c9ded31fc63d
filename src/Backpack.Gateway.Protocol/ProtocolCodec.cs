using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol;

/// <summary>Encodes and decodes whole protocol frames (one message per frame).</summary>
public static class ProtocolCodec
{
    /// <summary>Largest encoded size of any message (every field at its widest); a safe buffer size.</summary>
    public const int MaxMessageSize = 256;

    /// <summary>Encodes into <paramref name="destination"/> and returns the bytes written.</summary>
    public static int Encode<T>(in T message, Span<byte> destination) where T : struct, IProtocolMessage<T>
    {
        var w = new MessagePackWriter(destination);
        message.Encode(ref w);
        return w.Position;
    }

    public static byte[] ToArray<T>(in T message) where T : struct, IProtocolMessage<T>
    {
        Span<byte> buffer = stackalloc byte[MaxMessageSize];
        return buffer[..Encode(message, buffer)].ToArray();
    }

    /// <summary>
    /// Reads the array header and type id of a frame without decoding the rest. Fails on a frame
    /// that is not an array, or whose type id is not a message this protocol defines.
    /// </summary>
    public static bool TryReadType(ReadOnlySpan<byte> frame, out MessageType type, out DecodeError error)
    {
        var r = new MessagePackReader(frame);
        type = ReadType(ref r, out _, out _);
        error = r.Error;
        return !r.HasError;
    }

    /// <summary>
    /// Decodes a whole frame as a <typeparamref name="T"/>. On failure <paramref name="message"/> is
    /// default and <paramref name="error"/> says what and where; a frame is never half-read. Extra
    /// trailing fields (from a newer sender) are skipped; bytes after the array are an error.
    /// </summary>
    public static bool TryDecode<T>(ReadOnlySpan<byte> frame, out T message, out DecodeError error) where T : struct, IProtocolMessage<T>
    {
        var r = new MessagePackReader(frame);
        MessageType type = ReadType(ref r, out int count, out int typeOffset);
        if (!r.HasError && type != T.Type)
        {
            r.Fail(DecodeErrorKind.UnexpectedType, typeOffset, "message type " + T.Type, found: (byte)type);
        }
        if (!r.HasError && count < T.FieldCount)
        {
            r.Fail(DecodeErrorKind.MissingFields, 0, T.Type.ToString(), count);
        }
        T value = r.HasError ? default : T.DecodeBody(ref r);
        for (int extra = count - T.FieldCount; extra > 0 && !r.HasError; extra--)
        {
            r.Skip();
        }
        if (!r.HasError && !r.End)
        {
            r.Fail(DecodeErrorKind.TrailingBytes, r.Position, null, r.Remaining);
        }
        if (r.HasError)
        {
            message = default;
            error = r.Error;
            return false;
        }
        message = value;
        error = default;
        return true;
    }

    /// <summary>Decodes or throws <see cref="ProtocolDecodeException"/> (for tests and cold paths).</summary>
    public static T Decode<T>(ReadOnlySpan<byte> frame) where T : struct, IProtocolMessage<T> =>
        TryDecode(frame, out T message, out var error) ? message : throw new ProtocolDecodeException(error);

    private static MessageType ReadType(ref MessagePackReader r, out int count, out int at)
    {
        at = 0;
        count = r.ReadArrayHeader();
        if (r.HasError) return MessageType.None;
        if (count == 0)
        {
            r.Fail(DecodeErrorKind.MissingFields, 0, "message", 0);
            return MessageType.None;
        }
        at = r.Position;
        long id = r.ReadInt64();
        if (r.HasError) return MessageType.None;
        if (!MessageTypes.IsDefined(id))
        {
            r.Fail(DecodeErrorKind.UnknownMessageType, at, null, id);
            return MessageType.None;
        }
        return (MessageType)id;
    }
}

/// <summary>A frame that could not be decoded, with the reader's error.</summary>
public sealed class ProtocolDecodeException(DecodeError error) : Exception(error.ToString())
{
    public DecodeError Error { get; } = error;
}

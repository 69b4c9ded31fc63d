namespace Backpack.Gateway.Protocol.MessagePack;

/// <summary>Why a frame could not be decoded.</summary>
public enum DecodeErrorKind : byte
{
    None = 0,
    /// <summary>The frame ends before the value (or a length it announced) is complete.</summary>
    Truncated,
    /// <summary>The first byte of a value is not of the format the field needs.</summary>
    UnexpectedType,
    /// <summary>An integer does not fit the field, or an enum value is not defined.</summary>
    OutOfRange,
    /// <summary>The message type id is not one this protocol defines.</summary>
    UnknownMessageType,
    /// <summary>The message array has fewer elements than the message's fields.</summary>
    MissingFields,
    /// <summary>Bytes remain after the message's array ended.</summary>
    TrailingBytes,
    /// <summary>A string is not valid UTF-8.</summary>
    InvalidUtf8,
    /// <summary>Nesting deeper than the reader allows (protects Skip against hostile input).</summary>
    TooDeep,
}

/// <summary>
/// The first thing that went wrong while reading a frame: what, where (byte offset into the frame)
/// and, for type errors, what was expected. A reader keeps only the first error: later reads after
/// an error return defaults and never overwrite it, so the message names the real cause.
/// </summary>
public readonly record struct DecodeError(DecodeErrorKind Kind, int Offset, string? Expected = null, byte Found = 0, long Value = 0)
{
    public bool IsError => Kind != DecodeErrorKind.None;

    public override string ToString() => Kind switch
    {
        DecodeErrorKind.None => "no error",
        DecodeErrorKind.Truncated => $"truncated frame: {Expected} at offset {Offset} runs past the end",
        DecodeErrorKind.UnexpectedType => $"wrong type at offset {Offset}: expected {Expected}, found {MessagePackCode.Describe(Found)} (0x{Found:x2})",
        DecodeErrorKind.OutOfRange => $"value {Value} at offset {Offset} is out of range for {Expected}",
        DecodeErrorKind.UnknownMessageType => $"unknown message type id {Value} at offset {Offset}",
        DecodeErrorKind.MissingFields => $"message {Expected} has {Value} elements at offset {Offset}, fewer than its fields",
        DecodeErrorKind.TrailingBytes => $"{Value} trailing bytes after the message, at offset {Offset}",
        DecodeErrorKind.InvalidUtf8 => $"invalid UTF-8 in string at offset {Offset}",
        DecodeErrorKind.TooDeep => $"nesting too deep at offset {Offset}",
        _ => Kind.ToString(),
    };
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Backpack.Gateway.Protocol.MessagePack;

/// <summary>The kind of the next value, from its first byte.</summary>
public enum MessagePackType : byte
{
    Unknown = 0,
    Integer,
    Nil,
    Boolean,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}

/// <summary>
/// Reads MessagePack values from a span without allocating. Errors are sticky instead of thrown: the
/// first problem (truncation, wrong type, out-of-range value, a length that points past the end) is
/// recorded in <see cref="Error"/> with its offset, and every later read returns a default value
/// without moving. A decoder reads all its fields and then checks <see cref="HasError"/> once, so a
/// bad frame never yields a half-read message and never throws from deep inside.
/// </summary>
public ref struct MessagePackReader
{
    private const int MaxDepth = 64;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _span;
    private int _pos;
    private DecodeError _error;

    public MessagePackReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _pos = 0;
        _error = default;
    }

    public readonly int Position => _pos;
    public readonly int Remaining => _span.Length - _pos;
    public readonly bool End => _pos >= _span.Length;
    public readonly bool HasError => _error.Kind != DecodeErrorKind.None;
    public readonly DecodeError Error => _error;

    /// <summary>Records an error found by the caller (an enum out of range, say) unless one is already recorded.</summary>
    public void Fail(DecodeErrorKind kind, int offset, string? expected = null, long value = 0, byte found = 0)
    {
        if (_error.Kind == DecodeErrorKind.None)
        {
            _error = new DecodeError(kind, offset, expected, found, value);
        }
        _pos = _span.Length;
    }

    /// <summary>The type of the next value; <see cref="MessagePackType.Unknown"/> at the end or after an error.</summary>
    public readonly MessagePackType NextType
    {
        get
        {
            if (HasError || _pos >= _span.Length) return MessagePackType.Unknown;
            byte c = _span[_pos];
            return c switch
            {
                <= MessagePackCode.MaxPositiveFixInt or >= MessagePackCode.MinNegativeFixInt => MessagePackType.Integer,
                <= MessagePackCode.MaxFixMap => MessagePackType.Map,
                <= MessagePackCode.MaxFixArray => MessagePackType.Array,
                <= MessagePackCode.MaxFixStr => MessagePackType.String,
                MessagePackCode.Nil => MessagePackType.Nil,
                MessagePackCode.False or MessagePackCode.True => MessagePackType.Boolean,
                MessagePackCode.Bin8 or MessagePackCode.Bin16 or MessagePackCode.Bin32 => MessagePackType.Binary,
                MessagePackCode.Float32 or MessagePackCode.Float64 => MessagePackType.Float,
                >= MessagePackCode.UInt8 and <= MessagePackCode.Int64 => MessagePackType.Integer,
                MessagePackCode.Ext8 or MessagePackCode.Ext16 or MessagePackCode.Ext32 => MessagePackType.Extension,
                >= MessagePackCode.FixExt1 and <= MessagePackCode.FixExt16 => MessagePackType.Extension,
                MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32 => MessagePackType.String,
                MessagePackCode.Array16 or MessagePackCode.Array32 => MessagePackType.Array,
                MessagePackCode.Map16 or MessagePackCode.Map32 => MessagePackType.Map,
                _ => MessagePackType.Unknown,
            };
        }
    }

    /// <summary>Reads a nil if the next value is one.</summary>
    public bool TryReadNil()
    {
        if (!HasError && _pos < _span.Length && _span[_pos] == MessagePackCode.Nil)
        {
            _pos++;
            return true;
        }
        return false;
    }

    public bool ReadBoolean()
    {
        if (!TryPeek(out byte c, "bool")) return false;
        if (c == MessagePackCode.True) { _pos++; return true; }
        if (c == MessagePackCode.False) { _pos++; return false; }
        FailType("bool", c);
        return false;
    }

    /// <summary>Reads any MessagePack integer that fits a signed 64-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadInt64()
    {
        int pos = _pos;
        if ((uint)pos < (uint)_span.Length)
        {
            byte c = _span[pos];
            if (c <= MessagePackCode.MaxPositiveFixInt)
            {
                _pos = pos + 1;
                return c;
            }
            if (c >= MessagePackCode.MinNegativeFixInt)
            {
                _pos = pos + 1;
                return unchecked((sbyte)c);
            }
        }
        return ReadInt64Slow();
    }

    private long ReadInt64Slow()
    {
        // Fast path: with 9 bytes left any integer format fits, so only the format byte is checked.
        // (After an error the position is at the end, so this path is never taken then.)
        int pos = _pos;
        if (_span.Length - pos >= 9)
        {
            ref byte src = ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), pos);
            ref byte data = ref Unsafe.Add(ref src, 1);
            switch (src)
            {
                case MessagePackCode.UInt8: _pos = pos + 2; return data;
                case MessagePackCode.UInt16: _pos = pos + 3; return MessagePackPrimitives.BigEndian(Unsafe.ReadUnaligned<ushort>(ref data));
                case MessagePackCode.UInt32: _pos = pos + 5; return MessagePackPrimitives.BigEndian(Unsafe.ReadUnaligned<uint>(ref data));
                case MessagePackCode.Int8: _pos = pos + 2; return unchecked((sbyte)data);
                case MessagePackCode.Int16: _pos = pos + 3; return unchecked((short)MessagePackPrimitives.BigEndian(Unsafe.ReadUnaligned<ushort>(ref data)));
                case MessagePackCode.Int32: _pos = pos + 5; return unchecked((int)MessagePackPrimitives.BigEndian(Unsafe.ReadUnaligned<uint>(ref data)));
                case MessagePackCode.Int64: _pos = pos + 9; return unchecked((long)MessagePackPrimitives.BigEndian(Unsafe.ReadUnaligned<ulong>(ref data)));
            }
        }
        return ReadInt64Careful();
    }

    /// <summary>Every format, with a length check per format (near the end of the frame, and for errors).</summary>
    private long ReadInt64Careful()
    {
        if (!TryPeek(out byte c, "integer")) return 0;
        int start = _pos;
        switch (c)
        {
            case MessagePackCode.UInt8: return Take(2, "uint 8") ? _span[start + 1] : 0;
            case MessagePackCode.UInt16: return Take(3, "uint 16") ? BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(start + 1)) : 0;
            case MessagePackCode.UInt32: return Take(5, "uint 32") ? BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(start + 1)) : 0;
            case MessagePackCode.UInt64:
                if (!Take(9, "uint 64")) return 0;
                ulong u = BinaryPrimitives.ReadUInt64BigEndian(_span.Slice(start + 1));
                if (u > long.MaxValue)
                {
                    _pos = start;
                    Fail(DecodeErrorKind.OutOfRange, start, "int 64", unchecked((long)u));
                    return 0;
                }
                return (long)u;
            case MessagePackCode.Int8: return Take(2, "int 8") ? unchecked((sbyte)_span[start + 1]) : 0;
            case MessagePackCode.Int16: return Take(3, "int 16") ? BinaryPrimitives.ReadInt16BigEndian(_span.Slice(start + 1)) : 0;
            case MessagePackCode.Int32: return Take(5, "int 32") ? BinaryPrimitives.ReadInt32BigEndian(_span.Slice(start + 1)) : 0;
            case MessagePackCode.Int64: return Take(9, "int 64") ? BinaryPrimitives.ReadInt64BigEndian(_span.Slice(start + 1)) : 0;
            default:
                if (c <= MessagePackCode.MaxPositiveFixInt || c >= MessagePackCode.MinNegativeFixInt)
                {
                    _pos++;
                    return c <= MessagePackCode.MaxPositiveFixInt ? c : unchecked((sbyte)c);
                }
                FailType("integer", c);
                return 0;
        }
    }

    /// <summary>Reads any MessagePack integer that is not negative, up to 2^64-1.</summary>
    public ulong ReadUInt64()
    {
        if (!TryPeek(out byte c, "unsigned integer")) return 0;
        if (c == MessagePackCode.UInt64)
        {
            int start = _pos;
            return Take(9, "uint 64") ? BinaryPrimitives.ReadUInt64BigEndian(_span.Slice(start + 1)) : 0;
        }
        int at = _pos;
        long v = ReadInt64();
        if (v < 0)
        {
            Fail(DecodeErrorKind.OutOfRange, at, "unsigned integer", v);
            return 0;
        }
        return (ulong)v;
    }

    /// <summary>Reads an integer and checks it fits in [min, max]; <paramref name="what"/> names the field in the error.</summary>
    public long ReadInt64InRange(long min, long max, string what)
    {
        int at = _pos;
        long v = ReadInt64();
        if (v < min || v > max)
        {
            Fail(DecodeErrorKind.OutOfRange, at, what, v);
            return 0;
        }
        return v;
    }

    public int ReadInt32() => (int)ReadInt64InRange(int.MinValue, int.MaxValue, "int 32");

    /// <summary>Reads an enum stored as a small integer, checking that it is one of the defined values [min, max].</summary>
    public byte ReadEnum(byte min, byte max, string what) => (byte)ReadInt64InRange(min, max, what);

    public double ReadDouble()
    {
        if (!TryPeek(out byte c, "float")) return 0;
        int start = _pos;
        switch (c)
        {
            case MessagePackCode.Float64: return Take(9, "float 64") ? BinaryPrimitives.ReadDoubleBigEndian(_span.Slice(start + 1)) : 0;
            case MessagePackCode.Float32: return Take(5, "float 32") ? BinaryPrimitives.ReadSingleBigEndian(_span.Slice(start + 1)) : 0;
            default:
                if (NextType == MessagePackType.Integer) return ReadInt64();
                FailType("float", c);
                return 0;
        }
    }

    public int ReadArrayHeader()
    {
        if (!TryPeek(out byte c, "array")) return 0;
        int start = _pos;
        long count;
        if (c >= MessagePackCode.MinFixArray && c <= MessagePackCode.MaxFixArray)
        {
            _pos++;
            count = c & 0x0f;
        }
        else if (c == MessagePackCode.Array16)
        {
            if (!Take(3, "array 16 header")) return 0;
            count = BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(start + 1));
        }
        else if (c == MessagePackCode.Array32)
        {
            if (!Take(5, "array 32 header")) return 0;
            count = BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(start + 1));
        }
        else
        {
            FailType("array", c);
            return 0;
        }
        // Every element takes at least one byte: a count beyond the bytes left points past the end.
        if (count > Remaining)
        {
            _pos = start;
            Fail(DecodeErrorKind.Truncated, start, "array of " + count + " elements");
            return 0;
        }
        return (int)count;
    }

    public int ReadMapHeader()
    {
        if (!TryPeek(out byte c, "map")) return 0;
        int start = _pos;
        long count;
        if (c >= MessagePackCode.MinFixMap && c <= MessagePackCode.MaxFixMap)
        {
            _pos++;
            count = c & 0x0f;
        }
        else if (c == MessagePackCode.Map16)
        {
            if (!Take(3, "map 16 header")) return 0;
            count = BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(start + 1));
        }
        else if (c == MessagePackCode.Map32)
        {
            if (!Take(5, "map 32 header")) return 0;
            count = BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(start + 1));
        }
        else
        {
            FailType("map", c);
            return 0;
        }
        if (count * 2 > Remaining)
        {
            _pos = start;
            Fail(DecodeErrorKind.Truncated, start, "map of " + count + " entries");
            return 0;
        }
        return (int)count;
    }

    /// <summary>Reads a str value and returns its UTF-8 bytes (a slice of the input; no copy).</summary>
    public ReadOnlySpan<byte> ReadStringUtf8()
    {
        if (!TryPeek(out byte c, "str")) return default;
        int start = _pos;
        int headerSize;
        long length;
        if (c >= MessagePackCode.MinFixStr && c <= MessagePackCode.MaxFixStr)
        {
            headerSize = 1;
            length = c & 0x1f;
        }
        else if (!TryReadLengthHeader(c, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32, "str", out headerSize, out length))
        {
            return default;
        }
        return TakeBody(start, headerSize, length, "str");
    }

    /// <summary>Reads a str value into a new string (allocates: for cold paths).</summary>
    public string? ReadString()
    {
        if (TryReadNil()) return null;
        int start = _pos;
        var utf8 = ReadStringUtf8();
        if (HasError) return null;
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            _pos = start;
            Fail(DecodeErrorKind.InvalidUtf8, start, "str");
            return null;
        }
    }

    /// <summary>Reads a bin value and returns its bytes (a slice of the input; no copy).</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        if (!TryPeek(out byte c, "bin")) return default;
        int start = _pos;
        if (!TryReadLengthHeader(c, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32, "bin", out int headerSize, out long length))
        {
            return default;
        }
        return TakeBody(start, headerSize, length, "bin");
    }

    /// <summary>Reads an ext header and returns its type and data (a slice of the input).</summary>
    public ReadOnlySpan<byte> ReadExtension(out sbyte type)
    {
        type = 0;
        if (!TryPeek(out byte c, "ext")) return default;
        int start = _pos;
        int headerSize;
        long length;
        switch (c)
        {
            case MessagePackCode.FixExt1: headerSize = 2; length = 1; break;
            case MessagePackCode.FixExt2: headerSize = 2; length = 2; break;
            case MessagePackCode.FixExt4: headerSize = 2; length = 4; break;
            case MessagePackCode.FixExt8: headerSize = 2; length = 8; break;
            case MessagePackCode.FixExt16: headerSize = 2; length = 16; break;
            case MessagePackCode.Ext8:
            case MessagePackCode.Ext16:
            case MessagePackCode.Ext32:
                if (!TryReadLengthHeader(c, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32, "ext", out headerSize, out length)) return default;
                headerSize += 1;
                break;
            default:
                FailType("ext", c);
                return default;
        }
        if (Remaining < headerSize)
        {
            Fail(DecodeErrorKind.Truncated, start, "ext header");
            return default;
        }
        type = unchecked((sbyte)_span[start + headerSize - 1]);
        return TakeBody(start, headerSize, length, "ext");
    }

    /// <summary>Reads a timestamp extension (type -1) in any of its three forms.</summary>
    public DateTimeOffset ReadTimestamp()
    {
        int start = _pos;
        var data = ReadExtension(out sbyte type);
        if (HasError) return default;
        long seconds;
        uint nanos;
        if (type != MessagePackCode.TimestampExtType)
        {
            Fail(DecodeErrorKind.UnexpectedType, start, "timestamp ext (-1)", found: (byte)type);
            return default;
        }
        switch (data.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                nanos = 0;
                break;
            case 8:
                ulong v = BinaryPrimitives.ReadUInt64BigEndian(data);
                nanos = (uint)(v >> 34);
                seconds = (long)(v & 0x3_ffff_ffffUL);
                break;
            case 12:
                nanos = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data[4..]);
                break;
            default:
                Fail(DecodeErrorKind.OutOfRange, start, "timestamp length", data.Length);
                return default;
        }
        const long minSeconds = -62135596800; // 0001-01-01
        const long maxSeconds = 253402300799; // 9999-12-31T23:59:59
        if (nanos > 999_999_999 || seconds < minSeconds || seconds > maxSeconds)
        {
            Fail(DecodeErrorKind.OutOfRange, start, "timestamp", seconds);
            return default;
        }
        return DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanos / 100);
    }

    /// <summary>Skips one whole value (with everything nested in it).</summary>
    public void Skip() => Skip(0);

    private void Skip(int depth)
    {
        if (depth > MaxDepth)
        {
            Fail(DecodeErrorKind.TooDeep, _pos);
            return;
        }
        switch (NextType)
        {
            case MessagePackType.Integer: ReadInt64OrUInt64(); break;
            case MessagePackType.Nil: _pos++; break;
            case MessagePackType.Boolean: _pos++; break;
            case MessagePackType.Float: ReadDouble(); break;
            case MessagePackType.String: ReadStringUtf8(); break;
            case MessagePackType.Binary: ReadBinary(); break;
            case MessagePackType.Extension: ReadExtension(out _); break;
            case MessagePackType.Array:
                for (int n = ReadArrayHeader(); n > 0 && !HasError; n--) Skip(depth + 1);
                break;
            case MessagePackType.Map:
                for (int n = ReadMapHeader() * 2; n > 0 && !HasError; n--) Skip(depth + 1);
                break;
            default:
                if (TryPeek(out byte c, "a value")) FailType("a value", c);
                break;
        }
    }

    private void ReadInt64OrUInt64()
    {
        if (_span[_pos] == MessagePackCode.UInt64) ReadUInt64();
        else ReadInt64();
    }

    private bool TryReadLengthHeader(byte c, byte code8, byte code16, byte code32, string what, out int headerSize, out long length)
    {
        int start = _pos;
        headerSize = 0;
        length = 0;
        if (c == code8)
        {
            headerSize = 2;
            if (Remaining < 2) { Fail(DecodeErrorKind.Truncated, start, what + " 8 header"); return false; }
            length = _span[start + 1];
        }
        else if (c == code16)
        {
            headerSize = 3;
            if (Remaining < 3) { Fail(DecodeErrorKind.Truncated, start, what + " 16 header"); return false; }
            length = BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(start + 1));
        }
        else if (c == code32)
        {
            headerSize = 5;
            if (Remaining < 5) { Fail(DecodeErrorKind.Truncated, start, what + " 32 header"); return false; }
            length = BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(start + 1));
        }
        else
        {
            FailType(what, c);
            return false;
        }
        return true;
    }

    private ReadOnlySpan<byte> TakeBody(int start, int headerSize, long length, string what)
    {
        if (headerSize + length > _span.Length - start)
        {
            Fail(DecodeErrorKind.Truncated, start, what + " of " + length + " bytes");
            return default;
        }
        _pos = start + headerSize + (int)length;
        return _span.Slice(start + headerSize, (int)length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryPeek(out byte code, string expected)
    {
        if (HasError)
        {
            code = 0;
            return false;
        }
        if (_pos >= _span.Length)
        {
            Fail(DecodeErrorKind.Truncated, _pos, expected);
            code = 0;
            return false;
        }
        code = _span[_pos];
        return true;
    }

    private bool Take(int size, string what)
    {
        if (Remaining < size)
        {
            Fail(DecodeErrorKind.Truncated, _pos, what);
            return false;
        }
        _pos += size;
        return true;
    }

    private void FailType(string expected, byte found) => Fail(DecodeErrorKind.UnexpectedType, _pos, expected, 0, found);
}

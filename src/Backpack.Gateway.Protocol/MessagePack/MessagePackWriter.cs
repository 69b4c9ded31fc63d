using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Backpack.Gateway.Protocol.MessagePack;

/// <summary>
/// Writes MessagePack values into a span, or into an <see cref="IBufferWriter{T}"/> that it asks for
/// more room as it goes. Integers always take the smallest format the specification allows
/// (positive values use the fixint/uint family, negative values the negative fixint/int family),
/// except <see cref="WriteInt64Fixed"/>, which always takes 9 bytes so a sequencer can patch it in
/// place. Allocation-free: strings are encoded straight into the destination.
/// </summary>
public ref struct MessagePackWriter
{
    private readonly IBufferWriter<byte>? _output;
    private Span<byte> _span;
    private int _pos;
    private long _flushed;

    /// <summary>Writes into <paramref name="destination"/>; running out of room throws.</summary>
    public MessagePackWriter(Span<byte> destination)
    {
        _output = null;
        _span = destination;
        _pos = 0;
        _flushed = 0;
    }

    /// <summary>Writes into <paramref name="output"/>; call <see cref="Flush"/> when done.</summary>
    public MessagePackWriter(IBufferWriter<byte> output, int sizeHint = 256)
    {
        _output = output;
        _span = output.GetSpan(sizeHint);
        _pos = 0;
        _flushed = 0;
    }

    /// <summary>Bytes written so far (including those already flushed to an <see cref="IBufferWriter{T}"/>).</summary>
    public readonly long BytesWritten => _flushed + _pos;

    /// <summary>Bytes written into the current span (the count for the span constructor).</summary>
    public readonly int Position => _pos;

    /// <summary>Commits what was written to the <see cref="IBufferWriter{T}"/>; no-op over a plain span.</summary>
    public void Flush()
    {
        if (_output is null || _pos == 0) return;
        _output.Advance(_pos);
        _flushed += _pos;
        _span = _output.GetSpan();
        _pos = 0;
    }

    public void WriteNil() => ReserveSpan(1)[0] = MessagePackCode.Nil;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBoolean(bool value)
    {
        Ensure(1) = value ? MessagePackCode.True : MessagePackCode.False;
        _pos++;
    }

    public void WriteInt32(int value) => WriteInt64(value);

    public void WriteByte(byte value) => WriteUInt64(value);

    /// <summary>Writes a signed integer in the smallest format that holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(long value)
    {
        if ((ulong)value <= MessagePackCode.MaxPositiveFixInt || (value >= -32 && value < 0))
        {
            Ensure(1) = unchecked((byte)value);
            _pos++;
        }
        else
        {
            WriteWide(value);
        }
    }

    /// <summary>Writes an unsigned integer in the smallest format that holds it.</summary>
    public void WriteUInt64(ulong value)
    {
        if (value <= long.MaxValue)
        {
            WriteInt64((long)value);
            return;
        }
        ref byte dst = ref Ensure(9);
        dst = MessagePackCode.UInt64;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, 1), MessagePackPrimitives.BigEndian(value));
        _pos += 9;
    }

    private void WriteWide(long value)
    {
        // Ask for the exact size so an exactly-sized destination span still works.
        int size = value > 0
            ? (value <= byte.MaxValue ? 2 : value <= ushort.MaxValue ? 3 : value <= uint.MaxValue ? 5 : 9)
            : (value >= sbyte.MinValue ? 2 : value >= short.MinValue ? 3 : value >= int.MinValue ? 5 : 9);
        ref byte start = ref Ensure(size);
        Advance(ref start, ref MessagePackPrimitives.WriteInt64(ref start, value));
    }

    /// <summary>
    /// Always writes int 64 (0xd3 and 8 bytes). Every MessagePack reader accepts it; the sequencer
    /// uses it for the command header fields it overwrites in place.
    /// </summary>
    public void WriteInt64Fixed(long value)
    {
        ref byte start = ref Ensure(9);
        Advance(ref start, ref MessagePackPrimitives.WriteInt64Fixed(ref start, value));
    }

    /// <summary>
    /// Makes room for <paramref name="maxBytes"/> and returns a reference to the first free byte, for
    /// writing with <see cref="MessagePackPrimitives"/>; finish with <see cref="Advance(ref byte, ref byte)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref byte Reserve(int maxBytes) => ref Ensure(maxBytes);

    /// <summary>Moves past what was written from <paramref name="start"/> (from <see cref="Reserve"/>) up to <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(ref byte start, ref byte end) => _pos += (int)Unsafe.ByteOffset(ref start, ref end);

    public void WriteDouble(double value)
    {
        var s = ReserveSpan(9);
        s[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(s[1..], value);
    }

    public void WriteSingle(float value)
    {
        var s = ReserveSpan(5);
        s[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(s[1..], value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteArrayHeader(int count)
    {
        if ((uint)count <= 15)
        {
            Ensure(1) = (byte)(MessagePackCode.MinFixArray | count);
            _pos++;
        }
        else
        {
            WriteLengthHeader((uint)count, 0, MessagePackCode.Array16, MessagePackCode.Array32, count);
        }
    }

    public void WriteMapHeader(int count)
    {
        if ((uint)count <= 15)
        {
            ReserveSpan(1)[0] = (byte)(MessagePackCode.MinFixMap | count);
        }
        else
        {
            WriteLengthHeader((uint)count, 0, MessagePackCode.Map16, MessagePackCode.Map32, count);
        }
    }

    /// <summary>Writes a str header for <paramref name="byteCount"/> bytes of UTF-8.</summary>
    public void WriteStringHeader(int byteCount)
    {
        if ((uint)byteCount <= 31)
        {
            ReserveSpan(1)[0] = (byte)(MessagePackCode.MinFixStr | byteCount);
        }
        else
        {
            WriteLengthHeader((uint)byteCount, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32, byteCount);
        }
    }

    /// <summary>Writes a string already encoded as UTF-8.</summary>
    public void WriteStringUtf8(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        utf8.CopyTo(ReserveSpan(utf8.Length));
    }

    /// <summary>Writes a string, encoding it to UTF-8 straight into the destination.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        int byteCount = value.Length <= 31 && Ascii.IsValid(value) ? value.Length : Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(byteCount);
        Encoding.UTF8.GetBytes(value, ReserveSpan(byteCount));
    }

    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        WriteLengthHeader((uint)bytes.Length, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32, bytes.Length);
        bytes.CopyTo(ReserveSpan(bytes.Length));
    }

    /// <summary>Writes an ext header; the caller writes <paramref name="length"/> data bytes after it.</summary>
    public void WriteExtHeader(sbyte type, int length)
    {
        byte fixCode = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => 0,
        };
        if (fixCode != 0)
        {
            var s = ReserveSpan(2);
            s[0] = fixCode;
            s[1] = unchecked((byte)type);
            return;
        }
        WriteLengthHeader((uint)length, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32, length);
        ReserveSpan(1)[0] = unchecked((byte)type);
    }

    /// <summary>Writes raw bytes (the data of an ext value, or a pre-encoded value).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(ReserveSpan(bytes.Length));

    /// <summary>
    /// Writes the specification's timestamp extension (type -1) in its smallest form:
    /// timestamp 32 (seconds only, unsigned 32-bit), timestamp 64 (34-bit seconds, 30-bit nanoseconds)
    /// or timestamp 96 (signed 64-bit seconds).
    /// </summary>
    public void WriteTimestamp(long seconds, uint nanoseconds)
    {
        if (nanoseconds > 999_999_999) ThrowHelper.ArgumentOutOfRange(nameof(nanoseconds));
        if ((seconds >> 34) == 0)
        {
            ulong data64 = ((ulong)nanoseconds << 34) | (ulong)seconds;
            if ((data64 & 0xffffffff00000000UL) == 0)
            {
                WriteExtHeader(MessagePackCode.TimestampExtType, 4);
                BinaryPrimitives.WriteUInt32BigEndian(ReserveSpan(4), (uint)data64);
            }
            else
            {
                WriteExtHeader(MessagePackCode.TimestampExtType, 8);
                BinaryPrimitives.WriteUInt64BigEndian(ReserveSpan(8), data64);
            }
        }
        else
        {
            WriteExtHeader(MessagePackCode.TimestampExtType, 12);
            var s = ReserveSpan(12);
            BinaryPrimitives.WriteUInt32BigEndian(s, nanoseconds);
            BinaryPrimitives.WriteInt64BigEndian(s[4..], seconds);
        }
    }

    public void WriteTimestamp(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rem);
        if (rem < 0)
        {
            seconds--;
            rem += TimeSpan.TicksPerSecond;
        }
        WriteTimestamp(seconds, (uint)(rem * 100));
    }

    private void WriteLengthHeader(uint length, byte code8, byte code16, byte code32, int originalLength)
    {
        if (originalLength < 0) ThrowHelper.ArgumentOutOfRange("length");
        if (code8 != 0 && length <= byte.MaxValue)
        {
            var s = ReserveSpan(2);
            s[0] = code8;
            s[1] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            var s = ReserveSpan(3);
            s[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)length);
        }
        else
        {
            var s = ReserveSpan(5);
            s[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], length);
        }
    }

    /// <summary>
    /// Makes sure <paramref name="count"/> bytes are free at the write position and returns a
    /// reference to the first (the caller writes, then advances _pos by what it wrote).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte Ensure(int count)
    {
        if ((uint)(_pos + count) > (uint)_span.Length) Grow(count);
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _pos);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> ReserveSpan(int count)
    {
        int pos = _pos;
        if ((uint)(pos + count) > (uint)_span.Length)
        {
            Grow(count);
            pos = _pos;
        }
        _pos = pos + count;
        return _span.Slice(pos, count);
    }

    private void Grow(int count)
    {
        if (_output is null) ThrowHelper.DestinationTooSmall(_span.Length, _pos + count);
        if (_pos > 0)
        {
            _output.Advance(_pos);
            _flushed += _pos;
            _pos = 0;
        }
        _span = _output.GetSpan(Math.Max(count, 256));
        if (_span.Length < count) ThrowHelper.DestinationTooSmall(_span.Length, count);
    }
}

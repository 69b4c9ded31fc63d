using System.Runtime.CompilerServices;

namespace Backpack.Gateway.Fix.Codec;

/// <summary>
/// Writes one FIX message into a span: the body (from 35= on) first, starting a fixed header room
/// into the span; <see cref="Finish"/> then writes 8=...|9=len| right in front of the body and
/// the CheckSum after it, so nothing is copied. No allocation.
/// </summary>
public ref struct FixWriter
{
    /// <summary>Room kept before the body for "8=FIX.4.4|9=nnnnnn|".</summary>
    public const int HeaderRoom = 32;

    private readonly Span<byte> _buffer;
    private int _pos;

    public FixWriter(Span<byte> buffer, ReadOnlySpan<byte> msgType)
    {
        _buffer = buffer;
        _pos = HeaderRoom;
        Field(FixTags.MsgType, msgType);
    }

    public void Field(int tag, ReadOnlySpan<byte> value)
    {
        Tag(tag);
        value.CopyTo(_buffer[_pos..]);
        _pos += value.Length;
        _buffer[_pos++] = FixValues.Soh;
    }

    public void Field(int tag, string value)
    {
        Tag(tag);
        foreach (char c in value) _buffer[_pos++] = c < 128 ? (byte)c : (byte)'?';
        _buffer[_pos++] = FixValues.Soh;
    }

    public void Field(int tag, long value)
    {
        Tag(tag);
        _pos += FixValues.WriteLong(_buffer[_pos..], value);
        _buffer[_pos++] = FixValues.Soh;
    }

    public void Field(int tag, char value)
    {
        Tag(tag);
        _buffer[_pos++] = (byte)value;
        _buffer[_pos++] = FixValues.Soh;
    }

    public void Field(int tag, bool value) => Field(tag, value ? 'Y' : 'N');

    /// <summary>An identifier made of a letter and numbers joined by '-' (e.g. an ExecID "E1234-1-56"), without a string.</summary>
    public void Id(int tag, char prefix, long first, long second = -1, long third = -1)
    {
        Tag(tag);
        _buffer[_pos++] = (byte)prefix;
        _pos += FixValues.WriteLong(_buffer[_pos..], first);
        foreach (long part in (ReadOnlySpan<long>)[second, third])
        {
            if (part < 0) continue;
            _buffer[_pos++] = (byte)'-';
            _pos += FixValues.WriteLong(_buffer[_pos..], part);
        }
        _buffer[_pos++] = FixValues.Soh;
    }

    /// <summary>A decimal given as units of 10^-scale.</summary>
    public void Scaled(int tag, long units, int scale)
    {
        Tag(tag);
        _pos += FixValues.WriteScaled(_buffer[_pos..], units, scale);
        _buffer[_pos++] = FixValues.Soh;
    }

    public void Timestamp(int tag, long unixMicros)
    {
        Tag(tag);
        _pos += FixValues.WriteTimestamp(_buffer[_pos..], unixMicros);
        _buffer[_pos++] = FixValues.Soh;
    }

    public void Date(int tag, long unixMicros)
    {
        Tag(tag);
        _pos += FixValues.WriteDate(_buffer[_pos..], unixMicros);
        _buffer[_pos++] = FixValues.Soh;
    }

    /// <summary>Completes the message; returns where it starts in the span and its length.</summary>
    public (int Start, int Length) Finish(ReadOnlySpan<byte> beginString)
    {
        int bodyLength = _pos - HeaderRoom;
        Span<byte> header = stackalloc byte[HeaderRoom];
        int h = 0;
        header[h++] = (byte)'8';
        header[h++] = (byte)'=';
        beginString.CopyTo(header[h..]);
        h += beginString.Length;
        header[h++] = FixValues.Soh;
        header[h++] = (byte)'9';
        header[h++] = (byte)'=';
        h += FixValues.WriteLong(header[h..], bodyLength);
        header[h++] = FixValues.Soh;
        int start = HeaderRoom - h;
        header[..h].CopyTo(_buffer[start..]);
        int checksum = FixValues.CheckSum(_buffer[start.._pos]);
        _buffer[_pos++] = (byte)'1';
        _buffer[_pos++] = (byte)'0';
        _buffer[_pos++] = (byte)'=';
        _buffer[_pos++] = (byte)('0' + checksum / 100);
        _buffer[_pos++] = (byte)('0' + checksum / 10 % 10);
        _buffer[_pos++] = (byte)('0' + checksum % 10);
        _buffer[_pos++] = FixValues.Soh;
        return (start, _pos - start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Tag(int tag)
    {
        _pos += FixValues.WriteLong(_buffer[_pos..], tag);
        _buffer[_pos++] = (byte)'=';
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Backpack.Gateway.Fix.Codec;

/// <summary>One tag=value field of a parsed message: where its value sits in the message bytes.</summary>
public readonly record struct FixField(int Tag, int Start, int Length);

/// <summary>
/// A parsed FIX message: its bytes and the (tag, value offset, value length) of every field in
/// the order received. Reusable (call <see cref="Parse"/> again); values are read as spans of
/// the message bytes, so reading a field allocates nothing.
/// </summary>
public sealed class FixMessage
{
    private const int IndexedTags = 10_000;
    private FixField[] _fields = new FixField[64];
    private byte[] _bytes = [];
    private int _offset;
    // First field index of each tag below IndexedTags for the current parse (valid when _parseOf[tag] == _parse).
    private readonly int[] _firstOf = new int[IndexedTags];
    private readonly int[] _parseOf = new int[IndexedTags];
    private int _parse;

    /// <summary>The whole message, 8= to the checksum's SOH.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(_offset, Length);

    public int Length { get; private set; }

    public int FieldCount { get; private set; }

    /// <summary>Position of the first field whose tag was not a positive number, or -1 when all were.</summary>
    public int BadTagField { get; private set; } = -1;

    public FixField Field(int index) => _fields[index];

    public ReadOnlySpan<byte> Value(int index)
    {
        var f = _fields[index];
        return _bytes.AsSpan(_offset + f.Start, f.Length);
    }

    public ReadOnlySpan<byte> MsgType => FieldCount > 2 ? Value(2) : default;

    public bool IsMsgType(string type)
    {
        var t = MsgType;
        if (t.Length != type.Length) return false;
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] != type[i]) return false;
        }
        return true;
    }

    /// <summary>
    /// Splits a framed message (see <see cref="FixFramer"/>) into fields. The bytes are referenced,
    /// not copied: keep the buffer unchanged while the message is in use.
    /// A field whose tag is not a positive number is kept with the number written (0 or negative), or 0
    /// when it is not a number (the validator rejects it).
    /// </summary>
    public void Parse(byte[] buffer, int offset, int length)
    {
        _bytes = buffer;
        _offset = offset;
        Length = length;
        FieldCount = 0;
        BadTagField = -1;
        if (++_parse == int.MaxValue)
        {
            Array.Clear(_parseOf);
            _parse = 1;
        }
        var span = buffer.AsSpan(offset, length);
        int pos = 0; // start of the current field
        long dataLength = -1;
        int dataTag = 0;
        // One pass over the message finds every SOH 16 bytes at a time; each SOH ends a field
        // unless it lies inside a DATA field, whose length was announced by the field before it.
        ref byte start = ref MemoryMarshal.GetReference(span);
        var soh = Vector128.Create(FixValues.Soh);
        for (int block = 0; block < span.Length; block += 16)
        {
            uint mask;
            if (block + 16 <= span.Length)
            {
                mask = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)block), soh).ExtractMostSignificantBits();
            }
            else
            {
                mask = 0;
                for (int i = block; i < span.Length; i++) mask |= span[i] == FixValues.Soh ? 1u << (i - block) : 0;
            }
            while (mask != 0)
            {
                int end = block + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                if (end < pos) continue; // inside a DATA field already taken
                int tag = ReadTag(span, pos, end, out int eq);
                if (eq > 0 && dataLength >= 0 && tag == dataTag)
                {
                    long dataEnd = eq + 1 + dataLength;
                    if (dataEnd < span.Length && dataEnd >= end && span[(int)dataEnd] == FixValues.Soh) end = (int)dataEnd;
                }
                dataLength = -1;
                AddField(span, pos, end, tag, eq, ref dataLength, ref dataTag);
                pos = end + 1;
            }
        }
        // A last field without its SOH (only in a message that was not framed).
        if (pos < span.Length) AddField(span, pos, span.Length, ReadTag(span, pos, span.Length, out int lastEq), lastEq, ref dataLength, ref dataTag);
    }

    /// <summary>The tag of the field at [<paramref name="pos"/>, <paramref name="end"/>): its digits up to '=' (eq is the '=' position, -1 when none follows the digits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadTag(ReadOnlySpan<byte> span, int pos, int end, out int eq)
    {
        int tag = 0;
        eq = -1;
        for (int i = pos; i < end; i++)
        {
            uint d = (uint)(span[i] - '0');
            if (d <= 9 && tag < 100_000_000)
            {
                tag = tag * 10 + (int)d;
                continue;
            }
            if (span[i] == (byte)'=' && i > pos) eq = i;
            break;
        }
        return tag;
    }

    private void AddField(ReadOnlySpan<byte> span, int pos, int end, int tag, int eq, ref long dataLength, ref int dataTag)
    {
        int valueStart;
        if (eq < 0 || tag <= 0)
        {
            // Kept with the number written when it is one (0, negatives: the Reject names it), else 0.
            int at = span[pos..end].IndexOf((byte)'=');
            tag = at > 0 && FixValues.TryParseInt(span.Slice(pos, at), out int written) && written <= 0 ? written : 0;
            if (BadTagField < 0) BadTagField = FieldCount;
            valueStart = at >= 0 ? pos + at + 1 : end;
        }
        else
        {
            valueStart = eq + 1;
        }
        if (FieldCount == _fields.Length) Array.Resize(ref _fields, FieldCount * 2);
        if ((uint)tag < IndexedTags && _parseOf[tag] != _parse)
        {
            _parseOf[tag] = _parse;
            _firstOf[tag] = FieldCount;
        }
        _fields[FieldCount++] = new FixField(tag, valueStart, end - valueStart);
        if (DataFieldOf(tag) is int data and > 0 && FixValues.TryParseLong(span[valueStart..end], out long n) && n >= 0)
        {
            dataLength = n;
            dataTag = data;
        }
    }

    /// <summary>The DATA field a length field announces (RawDataLength 95 -> RawData 96 ...), or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DataFieldOf(int lengthTag) => (uint)lengthTag < (uint)DataFields.Length ? DataFields[lengthTag] : 0;

    // Length tag -> DATA tag for the FIX 4.4 DATA fields: 90->91, 93->89, 95->96, 212->213, 348->349,
    // 350->351, 352->353, 354->355, 356->357, 358->359, 360->361, 362->363, 364->365, 445->446, 618->619, 621->622.
    private static readonly short[] DataFields = BuildDataFields();

    private static short[] BuildDataFields()
    {
        var table = new short[622];
        foreach (var (length, data) in new (short, short)[]
        {
            (90, 91), (93, 89), (95, 96), (212, 213), (348, 349), (350, 351), (352, 353), (354, 355), (356, 357),
            (358, 359), (360, 361), (362, 363), (364, 365), (445, 446), (618, 619), (621, 622),
        })
        {
            table[length] = data;
        }
        return table;
    }

    /// <summary>Index of the first field with <paramref name="tag"/>, or -1.</summary>
    public int IndexOf(int tag)
    {
        if ((uint)tag < IndexedTags) return _parseOf[tag] == _parse ? _firstOf[tag] : -1;
        for (int i = 0; i < FieldCount; i++)
        {
            if (_fields[i].Tag == tag) return i;
        }
        return -1;
    }

    public bool TryGet(int tag, out ReadOnlySpan<byte> value)
    {
        int i = IndexOf(tag);
        value = i >= 0 ? Value(i) : default;
        return i >= 0;
    }

    public bool Has(int tag) => IndexOf(tag) >= 0;

    public bool TryGetLong(int tag, out long value)
    {
        value = 0;
        return TryGet(tag, out var text) && FixValues.TryParseLong(text, out value);
    }

    public bool TryGetInt(int tag, out int value)
    {
        value = 0;
        return TryGet(tag, out var text) && FixValues.TryParseInt(text, out value);
    }

    /// <summary>A single-character field's value (0 when absent or longer).</summary>
    public char GetChar(int tag) => TryGet(tag, out var v) && v.Length == 1 ? (char)v[0] : '\0';

    public bool GetBool(int tag) => GetChar(tag) == 'Y';

    /// <summary>A field as a string (allocates: for cold paths and logs).</summary>
    public string? GetString(int tag) => TryGet(tag, out var v) ? Encoding.ASCII.GetString(v) : null;

    /// <summary>The message with SOH shown as '|' (for logs and test failures).</summary>
    public override string ToString() => Encoding.ASCII.GetString(Bytes).Replace('\u0001', '|');
}

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
    /// not copied: keep the buffer unchanged while the message is in use, or call <see cref="Copy"/>.
    /// A field whose tag is not a positive number is kept with tag 0 (the validator rejects it).
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
        int pos = 0;
        long dataLength = -1;
        int dataTag = 0;
        while (pos < span.Length)
        {
            int eq = span[pos..].IndexOf((byte)'=');
            int soh = span[pos..].IndexOf(FixValues.Soh);
            if (soh < 0) soh = span.Length - pos;
            // A DATA field follows its length field and may hold SOH: take exactly that many bytes.
            if (dataLength >= 0 && eq > 0 && FixValues.TryParseInt(span.Slice(pos, eq), out int maybeData) && maybeData == dataTag
                && pos + eq + 1 + dataLength < span.Length && span[(int)(pos + eq + 1 + dataLength)] == FixValues.Soh)
            {
                soh = eq + 1 + (int)dataLength;
            }
            dataLength = -1;
            int tag;
            int valueStart;
            if (eq < 0 || eq > soh || !FixValues.TryParseInt(span.Slice(pos, eq), out tag) || tag <= 0)
            {
                tag = 0;
                if (BadTagField < 0) BadTagField = FieldCount;
                valueStart = eq >= 0 && eq < soh ? pos + eq + 1 : pos + soh;
            }
            else
            {
                valueStart = pos + eq + 1;
            }
            if (FieldCount == _fields.Length) Array.Resize(ref _fields, FieldCount * 2);
            if ((uint)tag < IndexedTags && _parseOf[tag] != _parse)
            {
                _parseOf[tag] = _parse;
                _firstOf[tag] = FieldCount;
            }
            _fields[FieldCount++] = new FixField(tag, valueStart, pos + soh - valueStart);
            if (DataFieldOf(tag) is int data and > 0 && FixValues.TryParseLong(span.Slice(valueStart, pos + soh - valueStart), out long n) && n >= 0)
            {
                dataLength = n;
                dataTag = data;
            }
            pos += soh + 1;
        }
    }

    /// <summary>The DATA field a length field announces (RawDataLength 95 -> RawData 96 ...), or 0.</summary>
    private static int DataFieldOf(int lengthTag) => lengthTag switch
    {
        90 => 91, 93 => 89, 95 => 96, 212 => 213, 348 => 349, 350 => 351, 352 => 353, 354 => 355, 356 => 357,
        358 => 359, 360 => 361, 362 => 363, 364 => 365, 445 => 446, 618 => 619, 621 => 622,
        _ => 0,
    };

    /// <summary>A copy that owns its bytes (for messages kept aside, like those waiting for a gap to fill).</summary>
    public FixMessage Copy()
    {
        var copy = new FixMessage();
        byte[] bytes = Bytes.ToArray();
        copy.Parse(bytes, 0, bytes.Length);
        return copy;
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

using System.Runtime.CompilerServices;

namespace Backpack.Gateway.Fix.Codec;

/// <summary>
/// Reading and writing FIX field values as ASCII without strings: integers, fixed-point decimals
/// (a long of units at a given scale, exact, never through double) and UTCTimestamps.
/// </summary>
public static class FixValues
{
    public const byte Soh = 0x01;

    /// <summary>Parses an optionally signed decimal integer; false on anything else or overflow.</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        bool negative = text[0] == (byte)'-';
        int i = negative ? 1 : 0;
        if (i == text.Length) return false;
        ulong v = 0;
        for (; i < text.Length; i++)
        {
            uint d = (uint)(text[i] - '0');
            if (d > 9) return false;
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        if (negative ? v > (ulong)long.MaxValue + 1 : v > long.MaxValue) return false;
        value = negative ? unchecked(-(long)v) : (long)v;
        return true;
    }

    public static bool TryParseInt(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (!TryParseLong(text, out long v) || v < int.MinValue || v > int.MaxValue) return false;
        value = (int)v;
        return true;
    }

    /// <summary>
    /// Parses "123.45" into units of 10^-<paramref name="scale"/> (12345 at scale 2). More
    /// decimals than the scale are allowed only if they are zeros; false otherwise.
    /// </summary>
    public static bool TryParseScaled(ReadOnlySpan<byte> text, int scale, out long units)
    {
        units = 0;
        if (text.IsEmpty) return false;
        bool negative = text[0] == (byte)'-';
        int i = negative ? 1 : 0;
        long whole = 0;
        int digits = 0;
        for (; i < text.Length && text[i] != (byte)'.'; i++, digits++)
        {
            uint d = (uint)(text[i] - '0');
            if (d > 9 || whole > (long.MaxValue - d) / 10) return false;
            whole = whole * 10 + d;
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (i < text.Length)
        {
            i++; // the point
            for (; i < text.Length; i++)
            {
                uint d = (uint)(text[i] - '0');
                if (d > 9) return false;
                if (fractionDigits < scale)
                {
                    fraction = fraction * 10 + d;
                    fractionDigits++;
                }
                else if (d != 0)
                {
                    return false; // finer than the scale
                }
                digits++;
            }
        }
        if (digits == 0) return false;
        for (; fractionDigits < scale; fractionDigits++) fraction *= 10;
        long factor = Pow10(scale);
        if (whole > (long.MaxValue - fraction) / factor) return false;
        units = whole * factor + fraction;
        if (negative) units = -units;
        return true;
    }

    /// <summary>Writes an integer; returns the bytes written.</summary>
    public static int WriteLong(Span<byte> destination, long value)
    {
        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }
        int pos = 0;
        ulong v;
        if (value < 0)
        {
            destination[pos++] = (byte)'-';
            v = (ulong)(-(value + 1)) + 1;
        }
        else
        {
            v = (ulong)value;
        }
        int digits = CountDigits(v);
        for (int i = pos + digits - 1; i >= pos; i--)
        {
            destination[i] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        return pos + digits;
    }

    /// <summary>Writes units of 10^-scale as a decimal without trailing zeros (12340 at scale 3 = "12.34").</summary>
    public static int WriteScaled(Span<byte> destination, long units, int scale)
    {
        if (scale == 0) return WriteLong(destination, units);
        long factor = Pow10(scale);
        int pos = 0;
        if (units < 0)
        {
            destination[pos++] = (byte)'-';
            units = -units;
        }
        long whole = units / factor;
        long fraction = units % factor;
        pos += WriteLong(destination[pos..], whole);
        if (fraction == 0) return pos;
        int fractionDigits = scale;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            fractionDigits--;
        }
        destination[pos++] = (byte)'.';
        for (int i = pos + fractionDigits - 1; i >= pos; i--)
        {
            destination[i] = (byte)('0' + (int)(fraction % 10));
            fraction /= 10;
        }
        return pos + fractionDigits;
    }

    /// <summary>Writes a UTCTimestamp with milliseconds, YYYYMMDD-HH:MM:SS.sss (21 bytes), from microseconds since the Unix epoch.</summary>
    public static int WriteTimestamp(Span<byte> destination, long unixMicros)
    {
        var t = new DateTime(DateTime.UnixEpoch.Ticks + unixMicros * 10, DateTimeKind.Utc);
        Write4(destination, t.Year);
        Write2(destination[4..], t.Month);
        Write2(destination[6..], t.Day);
        destination[8] = (byte)'-';
        Write2(destination[9..], t.Hour);
        destination[11] = (byte)':';
        Write2(destination[12..], t.Minute);
        destination[14] = (byte)':';
        Write2(destination[15..], t.Second);
        destination[17] = (byte)'.';
        int ms = t.Millisecond;
        destination[18] = (byte)('0' + ms / 100);
        destination[19] = (byte)('0' + ms / 10 % 10);
        destination[20] = (byte)('0' + ms % 10);
        return 21;
    }

    /// <summary>Writes a LocalMktDate / UTCDateOnly YYYYMMDD (8 bytes).</summary>
    public static int WriteDate(Span<byte> destination, long unixMicros)
    {
        var t = new DateTime(DateTime.UnixEpoch.Ticks + unixMicros * 10, DateTimeKind.Utc);
        Write4(destination, t.Year);
        Write2(destination[4..], t.Month);
        Write2(destination[6..], t.Day);
        return 8;
    }

    /// <summary>Parses YYYYMMDD-HH:MM:SS with optional .sss, .ssssss or .sssssssss, into microseconds since the Unix epoch.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> text, out long unixMicros)
    {
        unixMicros = 0;
        if (text.Length < 17 || text[8] != (byte)'-' || text[11] != (byte)':' || text[14] != (byte)':') return false;
        if (!Digits(text[..4], out int year) || !Digits(text[4..6], out int month) || !Digits(text[6..8], out int day)
            || !Digits(text[9..11], out int hour) || !Digits(text[12..14], out int minute) || !Digits(text[15..17], out int second))
        {
            return false;
        }
        long fractionMicros = 0;
        if (text.Length > 17)
        {
            var fraction = text[18..];
            if (text[17] != (byte)'.' || fraction.Length is not (3 or 6 or 9) || !Digits(fraction, out int f)) return false;
            fractionMicros = fraction.Length switch { 3 => f * 1000L, 6 => f, _ => f / 1000 };
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 1 : year, month) || year == 0
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        var date = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        unixMicros = (date.Ticks - DateTime.UnixEpoch.Ticks) / 10 + fractionMicros;
        return true;
    }

    /// <summary>Sum of the bytes modulo 256 (FIX CheckSum).</summary>
    public static int CheckSum(ReadOnlySpan<byte> bytes)
    {
        uint sum = 0;
        foreach (byte b in bytes) sum += b;
        return (int)(sum & 0xff);
    }

    public static long Pow10(int n)
    {
        long r = 1;
        for (int i = 0; i < n; i++) r *= 10;
        return r;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (byte b in text)
        {
            uint d = (uint)(b - '0');
            if (d > 9) return false;
            value = value * 10 + (int)d;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write2(Span<byte> d, int v)
    {
        d[0] = (byte)('0' + v / 10);
        d[1] = (byte)('0' + v % 10);
    }

    private static void Write4(Span<byte> d, int v)
    {
        d[0] = (byte)('0' + v / 1000);
        d[1] = (byte)('0' + v / 100 % 10);
        d[2] = (byte)('0' + v / 10 % 10);
        d[3] = (byte)('0' + v % 10);
    }

    private static int CountDigits(ulong v)
    {
        int n = 1;
        while (v >= 10)
        {
            v /= 10;
            n++;
        }
        return n;
    }
}

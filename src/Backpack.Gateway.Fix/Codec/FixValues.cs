using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using Backpack.Gateway.Protocol.Text;

namespace Backpack.Gateway.Fix.Codec;

/// <summary>
/// Reading and writing FIX field values as ASCII without strings: integers, fixed-point decimals
/// (a long of units at a given scale, exact, never through double; shared with the WebSocket
/// front end through <see cref="DecimalText"/>) and UTCTimestamps.
/// </summary>
public static class FixValues
{
    public const byte Soh = 0x01;

    public static bool TryParseLong(ReadOnlySpan<byte> text, out long value) => DecimalText.TryParseLong(text, out value);

    public static bool TryParseInt(ReadOnlySpan<byte> text, out int value) => DecimalText.TryParseInt(text, out value);

    /// <inheritdoc cref="DecimalText.TryParseScaled"/>
    public static bool TryParseScaled(ReadOnlySpan<byte> text, int scale, out long units) => DecimalText.TryParseScaled(text, scale, out units);

    public static int WriteLong(Span<byte> destination, long value) => DecimalText.WriteLong(destination, value);

    /// <inheritdoc cref="DecimalText.WriteScaled"/>
    public static int WriteScaled(Span<byte> destination, long units, int scale) => DecimalText.WriteScaled(destination, units, scale);

    /// <summary>Writes a UTCTimestamp with milliseconds, YYYYMMDD-HH:MM:SS.sss (21 bytes), from microseconds since the Unix epoch.</summary>
    public static int WriteTimestamp(Span<byte> destination, long unixMicros)
    {
        long days = Math.DivRem(unixMicros, MicrosPerDay, out long micros);
        if (micros < 0)
        {
            days--;
            micros += MicrosPerDay;
        }
        WriteCivilDate(destination, days);
        destination[8] = (byte)'-';
        long seconds = micros / 1_000_000;
        Write2(destination[9..], (int)(seconds / 3600));
        destination[11] = (byte)':';
        Write2(destination[12..], (int)(seconds / 60 % 60));
        destination[14] = (byte)':';
        Write2(destination[15..], (int)(seconds % 60));
        destination[17] = (byte)'.';
        int ms = (int)(micros / 1000 % 1000);
        destination[18] = (byte)('0' + ms / 100);
        destination[19] = (byte)('0' + ms / 10 % 10);
        destination[20] = (byte)('0' + ms % 10);
        return 21;
    }

    /// <summary>Writes a LocalMktDate / UTCDateOnly YYYYMMDD (8 bytes).</summary>
    public static int WriteDate(Span<byte> destination, long unixMicros)
    {
        long days = Math.DivRem(unixMicros, MicrosPerDay, out long micros);
        if (micros < 0) days--;
        WriteCivilDate(destination, days);
        return 8;
    }

    /// <summary>Parses YYYYMMDD-HH:MM:SS with optional .sss, .ssssss or .sssssssss, into microseconds since the Unix epoch.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> text, out long unixMicros)
    {
        unixMicros = 0;
        if (text.Length < 17 || text[8] != (byte)'-' || text[11] != (byte)':' || text[14] != (byte)':') return false;
        int year = Two(text, 0) * 100 + Two(text, 2), month = Two(text, 4), day = Two(text, 6);
        int hour = Two(text, 9), minute = Two(text, 12), second = Two(text, 15);
        if ((year | month | day | hour | minute | second) < 0) return false;
        long fractionMicros = 0;
        if (text.Length > 17)
        {
            var fraction = text[18..];
            if (text[17] != (byte)'.' || fraction.Length is not (3 or 6 or 9) || !Digits(fraction, out int f)) return false;
            fractionMicros = fraction.Length switch { 3 => f * 1000L, 6 => f, _ => f / 1000 };
        }
        if (year == 0 || month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        // A leap second (60) is read as 59, as the reference engines do.
        long seconds = DaysFromCivil(year, month, day) * 86_400L + hour * 3600 + minute * 60 + Math.Min(second, 59);
        unixMicros = seconds * 1_000_000 + fractionMicros;
        return true;
    }

    private const long MicrosPerDay = 86_400_000_000;

    private static int DaysInMonth(int year, int month) =>
        month == 2 ? (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28) : 30 + ((month + (month >> 3)) & 1);

    /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (the era arithmetic of the civil calendar).</summary>
    private static long DaysFromCivil(int year, int month, int day)
    {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /// <summary>Writes YYYYMMDD of a day number since 1970-01-01 (inverse of <see cref="DaysFromCivil"/>).</summary>
    private static void WriteCivilDate(Span<byte> destination, long days)
    {
        long z = days + 719_468;
        long era = (z >= 0 ? z : z - 146_096) / 146_097;
        int dayOfEra = (int)(z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int)(yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        Write4(destination, year);
        Write2(destination[4..], month);
        Write2(destination[6..], day);
    }

    /// <summary>Sum of the bytes modulo 256 (FIX CheckSum).</summary>
    public static int CheckSum(ReadOnlySpan<byte> bytes)
    {
        ulong sum = 0;
        int i = 0;
        if (Sse2.IsSupported && bytes.Length >= 16)
        {
            // PSADBW against zero sums each 8-byte half into a 64-bit lane.
            ref byte start = ref MemoryMarshal.GetReference(bytes);
            var total = Vector128<ulong>.Zero;
            for (; i <= bytes.Length - 16; i += 16)
            {
                var block = Vector128.LoadUnsafe(ref start, (nuint)i);
                total += Sse2.SumAbsoluteDifferences(block, Vector128<byte>.Zero).AsUInt64();
            }
            sum = total.GetElement(0) + total.GetElement(1);
        }
        for (; i < bytes.Length; i++) sum += bytes[i];
        return (int)(sum & 0xff);
    }

    public static long Pow10(int n) => DecimalText.Pow10(n);

    /// <summary>The two-digit number at <paramref name="at"/>, or a negative number when either byte is not a digit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Two(ReadOnlySpan<byte> text, int at)
    {
        uint tens = (uint)(text[at] - '0'), ones = (uint)(text[at + 1] - '0');
        return tens <= 9 && ones <= 9 ? (int)(tens * 10 + ones) : -1_000_000;
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
}

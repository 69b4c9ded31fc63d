using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Backpack.Gateway.Protocol.Text;

/// <summary>
/// Decimal numbers as ASCII/UTF-8 text without strings, for the front ends' edges (FIX field
/// values, JSON prices): integers and fixed-point decimals (a long of units at a given scale,
/// exact, never through <see cref="double"/>).
/// </summary>
public static class DecimalText
{
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
        if (!value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture)) ThrowTooSmall();
        return written;
    }

    [DoesNotReturn]
    private static void ThrowTooSmall() => throw new ArgumentException("The destination is too small for the value");

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
        (long whole, long fraction) = Math.DivRem(units, factor);
        pos += WriteLong(destination[pos..], whole);
        if (fraction == 0) return pos;
        destination[pos++] = (byte)'.';
        // All the scale's digits, leading zeros included, then drop the trailing zeros.
        int end = pos + scale;
        for (int i = end - 1; i >= pos; i--)
        {
            (fraction, long digit) = Math.DivRem(fraction, 10);
            destination[i] = (byte)('0' + (int)digit);
        }
        while (destination[end - 1] == (byte)'0') end--;
        return end;
    }

    public static long Pow10(int n) => n < PowersOf10.Length ? PowersOf10[n] : throw new ArgumentOutOfRangeException(nameof(n));

    private static ReadOnlySpan<long> PowersOf10 =>
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ];

}

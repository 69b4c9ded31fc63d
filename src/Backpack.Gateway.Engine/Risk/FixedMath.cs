using System.Runtime.CompilerServices;

namespace Backpack.Gateway.Engine.Risk;

/// <summary>
/// Integer arithmetic for money and ratios. Products of a notional (up to ~1e15 micro-USDC) and a
/// ratio in parts per million overflow 64 bits, so <see cref="MulDivFloor"/> and
/// <see cref="MulDivCeil"/> take a 64-bit fast path when the product fits and fall back to 128-bit
/// otherwise. Each caller names its rounding direction: always the venue's favour.
/// </summary>
public static class FixedMath
{
    public const long PartsPerMillion = 1_000_000;
    public const long PartsPerBillion = 1_000_000_000;

    /// <summary>floor(a x b / c) for c &gt; 0, exact for any a, b whose quotient fits a long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MulDivFloor(long a, long b, long c)
    {
        long hi = Math.BigMul(a, b, out long lo);
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0))
        {
            long q = lo / c;
            return (lo % c != 0 && lo < 0) ? q - 1 : q;
        }
        return WideDiv((Int128)a * b, c, ceiling: false);
    }

    /// <summary>ceil(a x b / c) for c &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MulDivCeil(long a, long b, long c)
    {
        long hi = Math.BigMul(a, b, out long lo);
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0))
        {
            long q = lo / c;
            return (lo % c != 0 && lo > 0) ? q + 1 : q;
        }
        return WideDiv((Int128)a * b, c, ceiling: true);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long WideDiv(Int128 product, long c, bool ceiling)
    {
        Int128 q = Int128.DivRem(product, c).Quotient;
        Int128 r = product - q * c;
        if (r != 0)
        {
            if (ceiling && product > 0) q += 1;
            else if (!ceiling && product < 0) q -= 1;
        }
        return checked((long)q);
    }

    /// <summary>
    /// True if a x b &gt;= c x d, for non-negative operands; 64-bit when both products fit, 128-bit otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ProductAtLeast(long a, long b, long c, long d)
    {
        long hiLeft = Math.BigMul(a, b, out long left);
        long hiRight = Math.BigMul(c, d, out long right);
        if (hiLeft == 0 && hiRight == 0 && left >= 0 && right >= 0) return left >= right;
        return (Int128)a * b >= (Int128)c * d;
    }

    /// <summary>floor(a / b) for b &gt; 0.</summary>
    public static long DivFloor(long a, long b)
    {
        long q = a / b;
        return (a % b != 0 && a < 0) ? q - 1 : q;
    }

    /// <summary>ceil(a / b) for b &gt; 0.</summary>
    public static long DivCeil(long a, long b)
    {
        long q = a / b;
        return (a % b != 0 && a > 0) ? q + 1 : q;
    }

    /// <summary>ceil(sqrt(n)) for n &gt;= 0, exact (double estimate corrected with integer checks).</summary>
    public static long SqrtCeil(long n)
    {
        if (n <= 0) return 0;
        long r = (long)Math.Sqrt(n);
        while (r > 0 && (Int128)r * r > n) r--;
        while ((Int128)r * r < n) r++;
        return r;
    }
}

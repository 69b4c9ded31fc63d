using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Gateway.TestSupport;

/// <summary>
/// Generators over the whole range of <see cref="long"/>. FsCheck's default generator is bound by
/// its size parameter (a few hundred at most), so a property over "every long" would only see one-
/// and two-byte encodings. These draw a random 64-bit pattern shifted right by a random amount, so
/// every magnitude from 0 to 2^63 is as likely as any other, and mix in the values next to every
/// power of two and of ten, where MessagePack's encodings and decimal text change length.
/// </summary>
public static class WideNumbers
{
    /// <summary>2^k - 1, 2^k, 2^k + 1 and 10^k - 1, 10^k, 10^k + 1, both signs, and the extremes.</summary>
    public static IReadOnlyList<long> Boundaries { get; } = MakeBoundaries();

    public static Gen<long> Longs { get; } = Gen.Frequency(
        (3, Gen.Elements(Boundaries.ToArray())),
        (7, from high in Gen.Choose(int.MinValue, int.MaxValue)
            from low in Gen.Choose(int.MinValue, int.MaxValue)
            from shift in Gen.Choose(0, 63)
            select ((long)high << 32 | (uint)low) >> shift));

    public static Arbitrary<long> LongArbitrary { get; } = Arb.From(Longs);

    private static long[] MakeBoundaries()
    {
        var values = new SortedSet<long> { 0, long.MaxValue, long.MinValue, long.MinValue + 1, long.MaxValue - 1 };
        void Around(long v)
        {
            foreach (long x in new[] { v - 1, v, v + 1 })
            {
                values.Add(x);
                if (x != long.MinValue) values.Add(-x);
            }
        }
        for (int k = 0; k < 63; k++) Around(1L << k);
        long ten = 1;
        for (int k = 0; k <= 18; k++, ten *= 10) Around(ten);
        return values.ToArray();
    }
}

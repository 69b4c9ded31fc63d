using System.Globalization;

namespace Backpack.Gateway.Protocol.Markets;

/// <summary>
/// Cash is a <see cref="long"/> count of micro-USDC (1e-6), the collateral's smallest unit.
/// Conversion to and from decimal text is exact, never through <see cref="double"/>.
/// </summary>
public static class Usdc
{
    public const long MicrosPerUnit = 1_000_000;

    public static decimal ToDecimal(long micros) => micros / 1_000_000m;

    /// <summary>Converts an amount of USDC to micro-USDC; false if it has more than 6 decimals or is out of range.</summary>
    public static bool TryFromDecimal(decimal amount, out long micros)
    {
        micros = 0;
        decimal scaled = amount * MicrosPerUnit;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue || scaled < long.MinValue) return false;
        micros = (long)scaled;
        return true;
    }

    /// <summary>Formats micro-USDC as plain decimal text without trailing zeros ("12.5", "-0.000001").</summary>
    public static string Format(long micros) => ToDecimal(micros).ToString("0.######", CultureInfo.InvariantCulture);
}

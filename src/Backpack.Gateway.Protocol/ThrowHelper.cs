using System.Diagnostics.CodeAnalysis;

namespace Backpack.Gateway.Protocol;

/// <summary>Throws from out-of-line methods so the hot callers stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void DestinationTooSmall(int available, int needed) =>
        throw new InvalidOperationException($"MessagePack destination too small: {available} bytes, {needed} needed.");

    [DoesNotReturn]
    public static void ArgumentOutOfRange(string name) => throw new ArgumentOutOfRangeException(name);
}

using System.Text;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// The logon signature of the WebSocket API, as Backpack defines it: Ed25519 over
/// <c>instruction=subscribe&amp;timestamp=&lt;ms&gt;&amp;window=&lt;ms&gt;</c>, sent in a SUBSCRIBE as
/// <c>[apiKey, signature, timestamp, window]</c> (base64 key and signature, decimal strings).
/// </summary>
public static class SubscribeSignature
{
    /// <summary>The bytes that are signed.</summary>
    public static byte[] Instruction(long timestampMs, int windowMs) =>
        Encoding.ASCII.GetBytes(FormattableString.Invariant($"instruction=subscribe&timestamp={timestampMs}&window={windowMs}"));

    /// <summary>The signature array for a SUBSCRIBE, signed with a 32-byte Ed25519 private key (client side).</summary>
    public static string[] Create(ReadOnlySpan<byte> privateKey, long timestampMs, int windowMs = 5000) =>
    [
        Convert.ToBase64String(Ed25519.PublicKeyOf(privateKey)),
        Convert.ToBase64String(Ed25519.Sign(privateKey, Instruction(timestampMs, windowMs))),
        timestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        windowMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];
}

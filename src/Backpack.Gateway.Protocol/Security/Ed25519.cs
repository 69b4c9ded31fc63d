using System.Collections.Concurrent;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Backpack.Gateway.Protocol.Security;

/// <summary>
/// Ed25519 signatures (RFC 8032) through NSec.Cryptography, which carries libsodium: .NET has no
/// Ed25519 class. One verifier for FIX Logons, WebSocket subscriptions and signed REST requests;
/// keys are 32 bytes (Backpack sends the public key base64-encoded as the API key), signatures 64.
/// libsodium refuses what implementations disagree on: public keys of small order or not in
/// canonical encoding, and signatures whose S is not reduced (malleable copies of a valid one).
/// Measured against the OpenSSL P/Invoke path this replaced: docs/security.md.
/// </summary>
public static class Ed25519
{
    public const int KeySize = 32;
    public const int SignatureSize = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    // Parsed API keys, by their base64 text (callers pass configured keys only, so the cache stays
    // as small as the configuration); null for text that is not a usable key.
    private static readonly ConcurrentDictionary<string, PublicKey?> PublicKeys = new(StringComparer.Ordinal);

    /// <summary>True if the signature is a valid Ed25519 signature of the message under the public key.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeySize || signature.Length != SignatureSize) return false;
        return PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) && key is not null
            && Algorithm.Verify(key, message, signature);
    }

    /// <summary>True when <paramref name="text"/> is base64 of exactly <see cref="KeySize"/> bytes (an API key or a private seed).</summary>
    public static bool IsBase64Key(string? text)
    {
        Span<byte> buffer = stackalloc byte[KeySize + 16];
        return text is not null && Convert.TryFromBase64String(text, buffer, out int n) && n == KeySize;
    }

    /// <summary>
    /// Verifies against a base64 public key (an API key), keeping the parsed key for later calls.
    /// False for a key that is not base64 of 32 bytes or not a valid public key.
    /// </summary>
    public static bool VerifyWithApiKey(string apiKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize) return false;
        var key = PublicKeys.GetOrAdd(apiKey, static text =>
        {
            Span<byte> raw = stackalloc byte[KeySize + 16];
            if (!Convert.TryFromBase64String(text, raw, out int n) || n != KeySize) return null;
            return PublicKey.TryImport(Algorithm, raw[..KeySize], KeyBlobFormat.RawPublicKey, out var parsed) ? parsed : null;
        });
        return key is not null && Algorithm.Verify(key, message, signature);
    }

    /// <summary>
    /// Verifies a signature sent as base64 text (ASCII bytes), as the front ends receive it: the FIX
    /// Logon's RawData(96), the WebSocket subscription's signature, the REST X-Signature header.
    /// False if the text is not base64 of exactly 64 bytes or the signature does not verify under the API key.
    /// </summary>
    public static bool VerifyBase64Signature(string apiKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signatureBase64)
    {
        Span<byte> signature = stackalloc byte[SignatureSize + 8];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(signatureBase64, signature, out _, out int length) != System.Buffers.OperationStatus.Done
            || length != SignatureSize)
        {
            return false;
        }
        return VerifyWithApiKey(apiKey, message, signature[..length]);
    }

    /// <summary>Signs a message with a 32-byte private key (the seed).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        using var key = ImportPrivate(privateKey);
        return Algorithm.Sign(key, message);
    }

    /// <summary>The public key of a 32-byte private key.</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        using var key = ImportPrivate(privateKey);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>A new random private key.</summary>
    public static byte[] NewPrivateKey() => RandomNumberGenerator.GetBytes(KeySize);

    private static Key ImportPrivate(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize) throw new ArgumentException("an Ed25519 private key is 32 bytes", nameof(privateKey));
        return Key.Import(Algorithm, privateKey, KeyBlobFormat.RawPrivateKey);
    }
}

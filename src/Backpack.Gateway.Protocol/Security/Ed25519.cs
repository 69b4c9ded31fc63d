using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Backpack.Gateway.Protocol.Security;

/// <summary>
/// Ed25519 signatures through the system's OpenSSL libcrypto (which .NET itself loads on Linux):
/// .NET has no Ed25519 class. Used to authenticate FIX Logons and WebSocket subscriptions; keys
/// are 32 bytes (Backpack sends the public key base64-encoded as the API key), signatures 64.
/// </summary>
public static class Ed25519
{
    public const int KeySize = 32;
    public const int SignatureSize = 64;
    private const int EvpPkeyEd25519 = 1087; // NID_ED25519
    private const string Crypto = "libcrypto";

    private static readonly ConcurrentDictionary<string, IntPtr> PublicKeys = new(StringComparer.Ordinal);

    static Ed25519()
    {
        NativeLibrary.SetDllImportResolver(typeof(Ed25519).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Crypto) return IntPtr.Zero;
        foreach (string candidate in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so", "libcrypto.dylib", "libcrypto-3-x64.dll" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out IntPtr handle)) return handle;
        }
        return IntPtr.Zero;
    }

    /// <summary>True if the signature is a valid Ed25519 signature of the message under the public key.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeySize || signature.Length != SignatureSize) return false;
        IntPtr key = NewRawKey(publicKey, isPrivate: false);
        try
        {
            return VerifyWith(key, message, signature);
        }
        finally
        {
            EVP_PKEY_free(key);
        }
    }

    /// <summary>True when <paramref name="text"/> is base64 of exactly <see cref="KeySize"/> bytes (an API key or a private seed).</summary>
    public static bool IsBase64Key(string? text)
    {
        Span<byte> buffer = stackalloc byte[KeySize + 16];
        return text is not null && Convert.TryFromBase64String(text, buffer, out int n) && n == KeySize;
    }

    /// <summary>
    /// Verifies against a base64 public key (an API key), keeping the parsed key for later calls
    /// (callers pass only configured keys, so the cache stays as small as the configuration).
    /// False for a key that is not base64 of 32 bytes.
    /// </summary>
    public static bool VerifyWithApiKey(string apiKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize) return false;
        if (!PublicKeys.TryGetValue(apiKey, out IntPtr key))
        {
            byte[] raw;
            try
            {
                raw = Convert.FromBase64String(apiKey);
            }
            catch (FormatException)
            {
                return false;
            }
            if (raw.Length != KeySize) return false;
            IntPtr created = NewRawKey(raw, isPrivate: false);
            if (PublicKeys.TryAdd(apiKey, created))
            {
                key = created;
            }
            else
            {
                EVP_PKEY_free(created); // another thread parsed the same key first
                key = PublicKeys[apiKey];
            }
        }
        return VerifyWith(key, message, signature);
    }

    /// <summary>
    /// Verifies a signature sent as base64 text (ASCII bytes), as both front ends receive it: the FIX
    /// Logon's RawData(96) and the WebSocket subscription's signature. False if the text is not
    /// base64 of exactly 64 bytes or the signature does not verify under the API key.
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
        if (privateKey.Length != KeySize) throw new ArgumentException("an Ed25519 private key is 32 bytes", nameof(privateKey));
        IntPtr key = NewRawKey(privateKey, isPrivate: true);
        IntPtr ctx = EVP_MD_CTX_new();
        try
        {
            if (EVP_DigestSignInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key) != 1) throw Failure("EVP_DigestSignInit");
            var signature = new byte[SignatureSize];
            nuint length = SignatureSize;
            byte[] data = NonEmpty(message);
            if (EVP_DigestSign(ctx, signature, ref length, data, (nuint)message.Length) != 1 || length != SignatureSize) throw Failure("EVP_DigestSign");
            return signature;
        }
        finally
        {
            EVP_MD_CTX_free(ctx);
            EVP_PKEY_free(key);
        }
    }

    /// <summary>The public key of a 32-byte private key.</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize) throw new ArgumentException("an Ed25519 private key is 32 bytes", nameof(privateKey));
        IntPtr key = NewRawKey(privateKey, isPrivate: true);
        try
        {
            var publicKey = new byte[KeySize];
            nuint length = KeySize;
            if (EVP_PKEY_get_raw_public_key(key, publicKey, ref length) != 1 || length != KeySize) throw Failure("EVP_PKEY_get_raw_public_key");
            return publicKey;
        }
        finally
        {
            EVP_PKEY_free(key);
        }
    }

    /// <summary>A new random private key.</summary>
    public static byte[] NewPrivateKey() => RandomNumberGenerator.GetBytes(KeySize);

    private static bool VerifyWith(IntPtr key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        IntPtr ctx = EVP_MD_CTX_new();
        try
        {
            if (EVP_DigestVerifyInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key) != 1) return false;
            return EVP_DigestVerify(ctx, signature.ToArray(), SignatureSize, NonEmpty(message), (nuint)message.Length) == 1;
        }
        finally
        {
            EVP_MD_CTX_free(ctx);
        }
    }

    private static IntPtr NewRawKey(ReadOnlySpan<byte> raw, bool isPrivate)
    {
        byte[] bytes = raw.ToArray();
        IntPtr key = isPrivate
            ? EVP_PKEY_new_raw_private_key(EvpPkeyEd25519, IntPtr.Zero, bytes, (nuint)bytes.Length)
            : EVP_PKEY_new_raw_public_key(EvpPkeyEd25519, IntPtr.Zero, bytes, (nuint)bytes.Length);
        if (key == IntPtr.Zero) throw Failure(isPrivate ? "EVP_PKEY_new_raw_private_key" : "EVP_PKEY_new_raw_public_key");
        return key;
    }

    // OpenSSL reads nothing when the length is 0, but some versions reject a null pointer.
    private static byte[] NonEmpty(ReadOnlySpan<byte> data) => data.IsEmpty ? new byte[1] : data.ToArray();

    private static CryptographicException Failure(string call) => new($"OpenSSL {call} failed");

    [DllImport(Crypto)] private static extern IntPtr EVP_PKEY_new_raw_public_key(int type, IntPtr engine, byte[] key, nuint keyLength);
    [DllImport(Crypto)] private static extern IntPtr EVP_PKEY_new_raw_private_key(int type, IntPtr engine, byte[] key, nuint keyLength);
    [DllImport(Crypto)] private static extern int EVP_PKEY_get_raw_public_key(IntPtr key, byte[] publicKey, ref nuint length);
    [DllImport(Crypto)] private static extern void EVP_PKEY_free(IntPtr key);
    [DllImport(Crypto)] private static extern IntPtr EVP_MD_CTX_new();
    [DllImport(Crypto)] private static extern void EVP_MD_CTX_free(IntPtr ctx);
    [DllImport(Crypto)] private static extern int EVP_DigestVerifyInit(IntPtr ctx, IntPtr keyContext, IntPtr digest, IntPtr engine, IntPtr key);
    [DllImport(Crypto)] private static extern int EVP_DigestVerify(IntPtr ctx, byte[] signature, nuint signatureLength, byte[] data, nuint dataLength);
    [DllImport(Crypto)] private static extern int EVP_DigestSignInit(IntPtr ctx, IntPtr keyContext, IntPtr digest, IntPtr engine, IntPtr key);
    [DllImport(Crypto)] private static extern int EVP_DigestSign(IntPtr ctx, byte[] signature, ref nuint signatureLength, byte[] data, nuint dataLength);
}

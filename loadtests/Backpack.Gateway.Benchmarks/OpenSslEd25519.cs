using System.Reflection;
using System.Runtime.InteropServices;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// The reference the signature benchmark measures NSec against: Ed25519 verification through the
/// system's OpenSSL libcrypto by P/Invoke, as the gateway did before it moved to NSec (verify only;
/// never used by the product).
/// </summary>
internal static class OpenSslEd25519
{
    private const int EvpPkeyEd25519 = 1087; // NID_ED25519
    private const string Crypto = "libcrypto";

    static OpenSslEd25519()
    {
        NativeLibrary.SetDllImportResolver(typeof(OpenSslEd25519).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Crypto) return IntPtr.Zero;
        foreach (string candidate in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out IntPtr handle)) return handle;
        }
        return IntPtr.Zero;
    }

    /// <summary>Parses a raw public key once (the gateway cached parsed keys the same way).</summary>
    public static IntPtr ParsePublicKey(byte[] raw) => EVP_PKEY_new_raw_public_key(EvpPkeyEd25519, IntPtr.Zero, raw, (nuint)raw.Length);

    public static bool Verify(IntPtr key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        IntPtr ctx = EVP_MD_CTX_new();
        try
        {
            if (EVP_DigestVerifyInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key) != 1) return false;
            return EVP_DigestVerify(ctx, signature.ToArray(), (nuint)signature.Length, message.ToArray(), (nuint)message.Length) == 1;
        }
        finally
        {
            EVP_MD_CTX_free(ctx);
        }
    }

    [DllImport(Crypto)] private static extern IntPtr EVP_PKEY_new_raw_public_key(int type, IntPtr engine, byte[] key, nuint keyLength);
    [DllImport(Crypto)] private static extern IntPtr EVP_MD_CTX_new();
    [DllImport(Crypto)] private static extern void EVP_MD_CTX_free(IntPtr ctx);
    [DllImport(Crypto)] private static extern int EVP_DigestVerifyInit(IntPtr ctx, IntPtr keyContext, IntPtr digest, IntPtr engine, IntPtr key);
    [DllImport(Crypto)] private static extern int EVP_DigestVerify(IntPtr ctx, byte[] signature, nuint signatureLength, byte[] data, nuint dataLength);
}

using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Backpack.Gateway.Protocol.Security;

/// <summary>
/// Loads the configured server certificate (or makes the demo one), and decides whether a
/// client's certificate is acceptable: one rule for the FIX TLS listener and for Kestrel.
/// </summary>
public static class TlsCertificates
{
    /// <summary>How long a demo certificate is valid.</summary>
    public static readonly TimeSpan DemoValidity = TimeSpan.FromDays(365);

    /// <summary>The server certificate of <paramref name="options"/> (relative paths from <paramref name="baseDirectory"/>).</summary>
    public static X509Certificate2 Load(TlsOptions options, string? baseDirectory = null)
    {
        string Full(string path) => Path.GetFullPath(path, baseDirectory ?? Directory.GetCurrentDirectory());
        if (options.Certificate.Length == 0) return LoadOrCreateDemo(Full(options.DemoCertificate));
        string file = Full(options.Certificate);
        string extension = Path.GetExtension(file).ToLowerInvariant();
        if (extension is ".pem" or ".crt" or ".cer")
        {
            var pem = X509Certificate2.CreateFromPemFile(file, options.KeyFile.Length > 0 ? Full(options.KeyFile) : null);
            if (!pem.HasPrivateKey) throw new InvalidOperationException($"Tls:Certificate '{options.Certificate}' has no private key (set Tls:KeyFile)");
            return pem;
        }
        return X509CertificateLoader.LoadPkcs12FromFile(file, options.Password.Length > 0 ? options.Password : null);
    }

    /// <summary>
    /// The demo certificate at <paramref name="path"/>, made first if it is missing or ends within a
    /// day: self-signed, ECDSA P-256, for localhost, 127.0.0.1 and ::1. Its public part is written
    /// beside it (same name, .crt, PEM) for clients to trust. Written to a temporary file and
    /// renamed, so two processes starting at once both end up with a whole certificate.
    /// </summary>
    public static X509Certificate2 LoadOrCreateDemo(string path)
    {
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (existing.NotAfter > DateTime.Now.AddDays(1)) return existing;
            existing.Dispose();
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Backpack.Gateway demo", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        var now = DateTimeOffset.UtcNow;
        using var made = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(DemoValidity));
        string temporary = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temporary, made.Export(X509ContentType.Pkcs12));
        File.WriteAllText(temporary + ".crt", made.ExportCertificatePem() + "\n");
        File.Move(temporary + ".crt", Path.ChangeExtension(path, ".crt"), overwrite: true);
        File.Move(temporary, path, overwrite: true);
        return X509CertificateLoader.LoadPkcs12FromFile(path, null);
    }

    /// <summary>Where the demo certificate's public part is (for clients: openssl -CAfile, a QuickFIX CA file).</summary>
    public static string DemoCertificatePem(string pfxPath) => Path.ChangeExtension(pfxPath, ".crt");

    /// <summary>
    /// A check of the client's certificate by <paramref name="options"/>: none asked (always
    /// accepted), optional (no certificate is fine, a bad one is not) or required; a certificate
    /// must chain to <see cref="TlsOptions.ClientCertificateAuthority"/> when set, otherwise to the
    /// system's trust store.
    /// </summary>
    public static Func<X509Certificate2?, X509Chain?, SslPolicyErrors, bool> ClientValidator(TlsOptions options, string? baseDirectory = null)
    {
        X509Certificate2? authority = options.ClientCertificateAuthority.Length == 0 ? null
            : X509CertificateLoader.LoadCertificateFromFile(Path.GetFullPath(options.ClientCertificateAuthority, baseDirectory ?? Directory.GetCurrentDirectory()));
        var mode = options.ClientCertificates;
        return (certificate, chain, errors) =>
        {
            if (mode == ClientCertificates.None) return true;
            if (certificate is null) return mode == ClientCertificates.Optional;
            if (authority is null) return errors == SslPolicyErrors.None;
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(authority);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return custom.Build(certificate);
        };
    }

    /// <summary>The SslStream server options for the FIX TLS listener.</summary>
    public static SslServerAuthenticationOptions ServerOptions(X509Certificate2 certificate, TlsOptions options, string? baseDirectory = null)
    {
        var validate = ClientValidator(options, baseDirectory);
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, null),
            ClientCertificateRequired = options.ClientCertificates != ClientCertificates.None,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                validate(certificate as X509Certificate2 ?? (certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())), chain, errors & ~SslPolicyErrors.RemoteCertificateNotAvailable),
        };
    }
}

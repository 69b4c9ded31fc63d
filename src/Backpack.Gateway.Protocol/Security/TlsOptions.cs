namespace Backpack.Gateway.Protocol.Security;

/// <summary>Whether a TLS client must show a certificate.</summary>
public enum ClientCertificates
{
    /// <summary>Not asked for.</summary>
    None,

    /// <summary>Asked for; a client without one is let in, one with a certificate that does not validate is refused.</summary>
    Optional,

    /// <summary>A client without a valid certificate is refused during the handshake.</summary>
    Required,
}

/// <summary>
/// The venue's TLS certificate and client-certificate rule (section Tls), used by the FIX TLS
/// listener (Fix:TlsListen) and by HTTPS/WSS on Kestrel (WebSocket:HttpsListen).
/// </summary>
public sealed class TlsOptions
{
    /// <summary>The server certificate: a PKCS#12 file (.pfx, .p12) or a PEM file (.pem, .crt); empty = the demo certificate.</summary>
    public string Certificate { get; set; } = "";

    /// <summary>The PEM private key of a PEM <see cref="Certificate"/> that does not hold its key.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Password of a PKCS#12 certificate.</summary>
    public string Password { get; set; } = "";

    /// <summary>
    /// Where the self-signed demo certificate is kept when <see cref="Certificate"/> is empty: made at
    /// the first start that needs it (and again when it expires), with its public part beside it as
    /// a PEM file of the same name ending in .crt for clients to trust.
    /// </summary>
    public string DemoCertificate { get; set; } = "data/tls/demo-certificate.pfx";

    public ClientCertificates ClientCertificates { get; set; } = ClientCertificates.None;

    /// <summary>PEM file of the certificate authority client certificates must chain to; empty = the system's trust store.</summary>
    public string ClientCertificateAuthority { get; set; } = "";

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Certificate.Length > 0 && !File.Exists(Certificate)) errors.Add($"Tls:Certificate: no file '{Certificate}'");
        if (KeyFile.Length > 0 && !File.Exists(KeyFile)) errors.Add($"Tls:KeyFile: no file '{KeyFile}'");
        if (Certificate.Length == 0 && DemoCertificate.Length == 0) errors.Add("Tls:DemoCertificate is required when Tls:Certificate is empty");
        if (ClientCertificateAuthority.Length > 0 && !File.Exists(ClientCertificateAuthority)) errors.Add($"Tls:ClientCertificateAuthority: no file '{ClientCertificateAuthority}'");
        return errors;
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Backpack.Gateway.TestSupport;

/// <summary>A client's check that trusts exactly one certificate (as a client given the demo's .crt would), for the host name it was made for.</summary>
public static class TlsTrust
{
    public static RemoteCertificateValidationCallback Only(X509Certificate2 trusted) => (_, presented, _, errors) =>
    {
        if (presented is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
    };
}

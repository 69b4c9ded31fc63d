using System.Security.Cryptography.X509Certificates;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// The server certificate of the TLS listeners (FIX over TLS, HTTPS/WSS), loaded once when the host
/// is built (or, without Tls:Certificate, the demo certificate made at first start); null when no
/// TLS listener is configured.
/// </summary>
public sealed record VenueCertificate(X509Certificate2? Certificate, TlsOptions Options)
{
    public static VenueCertificate For(Configuration.GatewaySettings settings) =>
        new(settings.UsesTls ? TlsCertificates.Load(settings.Tls) : null, settings.Tls);
}

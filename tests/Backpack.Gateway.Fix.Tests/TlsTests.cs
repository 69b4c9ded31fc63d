using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// FIX over TLS on its own listener beside the plain one: the demo certificate made at first use,
/// a client trusting only that certificate, a third-party TLS client (openssl s_client), client
/// certificates required and checked against a configured authority, and a handshake that fails
/// costing nothing to other connections.
/// </summary>
public sealed class TlsTests() : TemporaryFolderTest("bptls-")
{
    private string DemoPath => Path.Combine(Folder, "demo-certificate.pfx");

    private (FixTestHost Host, X509Certificate2 Server) Host(TlsOptions? options = null)
    {
        options ??= new TlsOptions();
        options.DemoCertificate = DemoPath;
        var certificate = TlsCertificates.Load(options);
        return (new FixTestHost(tls: TlsCertificates.ServerOptions(certificate, options)), certificate);
    }

    /// <summary>Trusts exactly <paramref name="server"/> (as a client given the demo's .crt would), for host name localhost.</summary>
    private static SslClientAuthenticationOptions Trusting(X509Certificate2 server, X509Certificate2? clientCertificate = null) => new()
    {
        TargetHost = "localhost",
        ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
        RemoteCertificateValidationCallback = TlsTrust.Only(server),
    };

    [Fact]
    public async Task A_client_logs_on_and_trades_over_tls_while_the_plain_listener_still_serves()
    {
        var (host, server) = Host();
        await using var _ = host;
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 10_000);
        Assert.True(File.Exists(DemoPath));
        Assert.Contains("BEGIN CERTIFICATE", File.ReadAllText(TlsCertificates.DemoCertificatePem(DemoPath)));

        using var tls = new FixTestClient(host.Acceptor.TlsEndPoint!, FixTestHost.ClientA, FixTestHost.PrivateKeyA, Trusting(server));
        Assert.Equal("A", tls.Logon().GetString(FixTags.MsgType));
        tls.Send("D", FixTestClient.LimitOrder("over-tls", '1', "1", "170"));
        var ack = tls.Expect("8");
        Assert.Equal(["0", "over-tls"], [ack.GetString(FixTags.ExecType)!, ack.GetString(FixTags.ClOrdID)!]);

        using var plain = host.Client(FixTestHost.ClientB);
        Assert.Equal("A", plain.Logon().GetString(FixTags.MsgType));
        Assert.NotEqual(host.EndPoint.Port, host.Acceptor.TlsEndPoint!.Port);

        // The same demo certificate is used again at the next start, not made anew.
        var again = TlsCertificates.LoadOrCreateDemo(DemoPath);
        Assert.Equal(server.Thumbprint, again.Thumbprint);
    }

    [Fact]
    public async Task Openssl_s_client_verifies_the_demo_certificate_and_gets_the_logon_answer()
    {
        var (host, _) = Host();
        await using var __ = host;
        byte[] logon = FixTestClient.Builder(FixTestHost.ClientA, FixTestHost.PrivateKeyA).BuildLogon();
        var start = new ProcessStartInfo("openssl",
            ["s_client", "-connect", "127.0.0.1:" + host.Acceptor.TlsEndPoint!.Port, "-servername", "localhost", "-verify_hostname", "localhost",
             "-CAfile", TlsCertificates.DemoCertificatePem(DemoPath), "-verify_return_error", "-quiet", "-no_ign_eof"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var openssl = Process.Start(start)!;
        var stderr = openssl.StandardError.ReadToEndAsync();
        await openssl.StandardInput.BaseStream.WriteAsync(logon);
        await openssl.StandardInput.BaseStream.FlushAsync();
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\u000110=", StringComparison.Ordinal))
        {
            int n = await openssl.StandardOutput.BaseStream.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            received.Write(buffer, 0, n);
        }
        openssl.StandardInput.Close();
        if (!openssl.WaitForExit(10_000)) openssl.Kill();
        string answer = Encoding.ASCII.GetString(received.ToArray());
        Assert.True(answer.Contains("\u000135=A\u0001", StringComparison.Ordinal), "openssl s_client got: " + answer.Replace('\u0001', '|') + " / " + await stderr);
        Assert.Contains("\u0001141=Y\u0001", answer);
    }

    [Fact]
    public async Task Required_client_certificates_let_in_one_issued_by_the_authority_and_refuse_the_others_without_harm()
    {
        // A private authority and a client certificate it issued, and one self-signed impostor.
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test clients CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Directory.CreateDirectory(Folder);
        string caFile = Path.Combine(Folder, "clients-ca.crt");
        File.WriteAllText(caFile, ca.ExportCertificatePem());
        var issued = ClientCertificate("CN=CLIENT_A", key => new CertificateRequest("CN=CLIENT_A", key, HashAlgorithmName.SHA256).Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]));
        var impostor = ClientCertificate("CN=CLIENT_A", key => new CertificateRequest("CN=CLIENT_A", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10)));

        var (host, server) = Host(new TlsOptions { ClientCertificates = ClientCertificates.Required, ClientCertificateAuthority = caFile });
        await using var _ = host;
        var endpoint = host.Acceptor.TlsEndPoint!;

        Assert.ThrowsAny<Exception>(() => new FixTestClient(endpoint, FixTestHost.ClientA, FixTestHost.PrivateKeyA, Trusting(server)).Logon());
        Assert.ThrowsAny<Exception>(() => new FixTestClient(endpoint, FixTestHost.ClientA, FixTestHost.PrivateKeyA, Trusting(server, impostor)).Logon());
        Assert.True(SpinWait.SpinUntil(() => host.Acceptor.TlsFailures >= 2, TimeSpan.FromSeconds(5)), "failures counted: " + host.Acceptor.TlsFailures);

        using var client = new FixTestClient(endpoint, FixTestHost.ClientA, FixTestHost.PrivateKeyA, Trusting(server, issued));
        Assert.Equal("A", client.Logon().GetString(FixTags.MsgType));
        // Plain bytes on the TLS port are a failed handshake (never a FIX answer), and the logged-on client goes on.
        long failures = host.Acceptor.TlsFailures;
        using (var raw = new System.Net.Sockets.TcpClient())
        {
            raw.Connect(endpoint);
            raw.ReceiveTimeout = 5000;
            raw.GetStream().Write(FixTestClient.Builder(FixTestHost.ClientB, FixTestHost.PrivateKeyB).BuildLogon());
            var answer = new MemoryStream();
            try
            {
                var buffer = new byte[1024];
                for (int n; (n = raw.GetStream().Read(buffer)) > 0;) answer.Write(buffer, 0, n);
            }
            catch (IOException)
            {
            }
            Assert.DoesNotContain("35=", Encoding.ASCII.GetString(answer.ToArray()));
        }
        Assert.True(SpinWait.SpinUntil(() => host.Acceptor.TlsFailures > failures, TimeSpan.FromSeconds(5)));
        client.Send("1", (FixTags.TestReqID, "still-here"));
        Assert.Equal("still-here", client.Expect("0").GetString(FixTags.TestReqID));
    }

    private static X509Certificate2 ClientCertificate(string subject, Func<ECDsa, X509Certificate2> make)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = make(key);
        using var withKey = certificate.HasPrivateKey ? certificate : certificate.CopyWithPrivateKey(key);
        // Through PKCS#12, as a client would load it from a file (SslStream on Linux wants a key it can use).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Backpack.Gateway.Host.Tests.Demo;

namespace Backpack.Gateway.Host.Tests;

/// <summary>
/// The venue's TLS endpoints from one certificate (here the demo one, made at this first start):
/// the REST API over HTTPS, the WebSocket API over WSS and FIX over TLS, each from a client that
/// trusts only that certificate, beside the plain ports.
/// </summary>
public class TlsEndpointTests
{
    [Fact]
    public async Task Https_wss_and_fix_over_tls_answer_with_the_demo_certificate()
    {
        await using var venue = await HostTestVenue.StartAsync("--Demo:Enabled=false", "--PriceFeed:Walk=false");
        var certificate = venue.App.Services.GetRequiredService<VenueCertificate>().Certificate!;
        Assert.Equal("CN=Backpack.Gateway demo", certificate.Subject);
        var trusted = TlsTrust.Only(certificate);

        var ws = venue.App.Services.GetRequiredService<WebSocketService>();
        var secure = new Uri(ws.SecureUrl!);
        Assert.Equal("wss", secure.Scheme);
        var https = new UriBuilder(secure) { Scheme = "https", Path = "/" }.Uri;

        // REST over HTTPS: the same answer as over plain HTTP.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (request, presented, chain, errors) => trusted(request, presented, chain, errors) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{https.Port}/") };
        string overTls = await client.GetStringAsync("api/v1/markets");
        string plain = await venue.Http.GetStringAsync("api/v1/markets");
        Assert.Equal(plain, overTls);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(overTls).RootElement.ValueKind);

        // WebSocket over WSS: a request gets its answer.
        await using var wss = await WsTestClient.ConnectAsync(new Uri($"wss://localhost:{secure.Port}{secure.AbsolutePath}"), trust: trusted);
        var refused = await wss.ResponseAsync(await wss.SendAsync("SUBSCRIBE", new[] { "depth.NOPE_USDC_PERP" }));
        Assert.Equal("4006", refused.GetProperty("error").GetProperty("code").GetRawText());

        // FIX over TLS: alice logs on and trades.
        var fixTls = venue.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.TlsEndPoint!;
        using var alice = new FixTestClient(fixTls, "ALICE", SecretOf("alice"), new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = trusted,
        });
        Assert.Equal("A", alice.Logon().GetString(FixTags.MsgType));
        alice.Send("D", FixTestClient.LimitOrder("tls-1", '1', "1", "175"));
        Assert.Equal("0", alice.Expect("8").GetString(FixTags.ExecType));
    }
}

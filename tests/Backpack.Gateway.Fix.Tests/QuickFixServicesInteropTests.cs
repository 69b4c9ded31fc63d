using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Security;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// The institutional services with QuickFIX C++ (Debian's libquickfix) as the client, validating
/// every message against our dictionary: mass status, trade capture, a drop-copy session, cancel on
/// disconnect, and a logon over TLS. (QuickFIX C++ 1.15's SSL initiator does not check the
/// acceptor's certificate: given another certificate to trust it logged on all the same, so the
/// certificate checks are openssl s_client's and .NET's, in TlsTests.)
/// </summary>
public class QuickFixServicesInteropTests
{
    [Fact]
    public async Task QuickFix_cpp_gets_mass_status_and_trade_capture_answers_it_accepts()
    {
        await using var host = new FixTestHost();
        using var b = host.FundTradersAndLogOnB(100_000, 100_000);
        using var quickfix = QuickFixClient.LogOn(host);
        quickfix.Send("order q1 1 1 170");
        Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));
        b.Send("D", Limit("b-ask", '2', "2", "181"));
        b.Expect("8");
        quickfix.Send("order q2 1 0.5 181");
        Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));
        Assert.Contains("|150=F|", quickfix.Expect("RECV 8"));

        quickfix.Send("massstatus ms1");
        string status = quickfix.Expect("RECV 8");
        Assert.Contains("|584=ms1|", status);
        Assert.Contains("|11=q1|", status);
        Assert.Contains("|150=I|", status);
        Assert.Contains("|911=1|", status);
        Assert.Contains("|912=Y|", status);

        quickfix.Send("tradecapture tc1");
        string ack = quickfix.Expect("RECV AQ");
        Assert.Contains("|748=1|", ack);
        string report = quickfix.Expect("RECV AE");
        Assert.Contains("|568=tc1|", report);
        Assert.Contains("|32=0.5|", report);
        Assert.Contains("|31=181|", report);
        Assert.Contains("|552=1|54=1|", report);
        quickfix.LogOutAndAssertNoneRefused("j");
    }

    [Fact]
    public async Task QuickFix_cpp_as_a_drop_copy_session_sees_another_channels_order_and_its_fill()
    {
        await using var host = new FixTestHost(acceptor: options => ((FixOptions)options).Sessions.Add(new FixSessionSettings
        {
            Number = 3, TargetCompId = "DROP_A", Accounts = [FixTestHost.AccountA], MinHeartBtInt = 1, DropCopy = true,
            ApiKeys = [Convert.ToBase64String(Ed25519.PublicKeyOf(FixTestHost.PrivateKeyA))],
        }));
        using var b = host.FundTradersAndLogOnB(100_000, 100_000);
        using var quickfix = new QuickFixClient(QuickFixClient.Build(), host, "DROP_A", FixTestHost.PrivateKeyA);
        quickfix.Expect("LOGON");

        // An order of account A placed by another channel (the engine command the WebSocket and REST APIs send), then B takes it.
        host.Command(new NewOrder(new CommandHeader(0, 0, 0), FixTestHost.AccountA, 1, 808, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 18_200, 1_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
        string placed = quickfix.Expect("RECV 8");
        Assert.Contains("|797=Y|", placed);
        Assert.Contains("|11=808|", placed);
        Assert.Contains("|150=0|", placed);
        b.Send("D", Limit("b-take", '1', "1", "182"));
        b.Expect("8");
        b.Expect("8");
        string fill = quickfix.Expect("RECV 8");
        Assert.Contains("|150=F|", fill);
        Assert.Contains("|32=1|", fill);
        Assert.Contains("|797=Y|", fill);
        quickfix.LogOutAndAssertNoneRefused("j");
    }

    [Fact]
    public async Task QuickFix_cpp_leaving_cancels_its_orders_when_the_session_asks_for_it()
    {
        await using var host = new FixTestHost(s => s.CancelOnDisconnect = s.TargetCompId == FixTestHost.ClientA);
        using var b = host.FundTradersAndLogOnB(100_000, 100_000);
        using var quickfix = QuickFixClient.LogOn(host);
        quickfix.Send("order q1 1 1 170");
        Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));
        Assert.Single(host.Engine.SnapshotOrders(FixTestHost.AccountA));

        quickfix.LogOutAndAssertNoneRefused();
        Assert.True(SpinWait.SpinUntil(() => host.Engine.SnapshotOrders(FixTestHost.AccountA).Count == 0, TimeSpan.FromSeconds(20)), "the order was not canceled");
    }

    [Fact]
    public async Task QuickFix_cpp_logs_on_over_tls_and_trades()
    {
        string folder = Directory.CreateTempSubdirectory("bp-qftls-").FullName;
        try
        {
            var options = new TlsOptions { DemoCertificate = Path.Combine(folder, "demo-certificate.pfx") };
            var certificate = TlsCertificates.Load(options);
            await using var host = new FixTestHost(tls: TlsCertificates.ServerOptions(certificate, options));
            using var b = host.FundTradersAndLogOnB(100_000, 100_000);
            using var quickfix = new QuickFixClient(QuickFixClient.Build(), host, FixTestHost.ClientA, FixTestHost.PrivateKeyA,
                host.Acceptor.TlsEndPoint, TlsCertificates.DemoCertificatePem(options.DemoCertificate));
            quickfix.Expect("LOGON", seconds: 20);
            quickfix.Send("order t1 1 1 170");
            Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));
            quickfix.LogOutAndAssertNoneRefused();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.Host.Tests;

/// <summary>FIX trade capture on the host: after a restart (the gateway's memory of fills is empty) the fills come from the history database.</summary>
public class FixTradeCaptureTests
{
    private static readonly string[] Quiet = ["--Demo:Enabled=false", "--PriceFeed:Walk=false", "--Sequencer:TickInterval=00:00:00"];

    [Fact]
    public async Task A_fill_made_before_a_restart_is_reported_from_the_history_database()
    {
        string folder = Directory.CreateTempSubdirectory("bp-tcr-").FullName;
        string execId;
        await using (var first = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
        {
            var endpoint = first.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
            using var alice = new FixTestClient(endpoint, "ALICE", Demo.SecretOf("alice"));
            using var bob = new FixTestClient(endpoint, "BOB", Demo.SecretOf("bob"));
            alice.Logon();
            bob.Logon();
            alice.Send("D", FixTestClient.LimitOrder("a-sell", '2', "2", "181"));
            Assert.Equal("0", alice.Expect("8").GetString(FixTags.ExecType));
            bob.Send("D", FixTestClient.LimitOrder("b-buy", '1', "2", "181"));
            bob.Expect("8");
            bob.Expect("8");
            var fill = alice.Expect("8");
            Assert.Equal("F", fill.GetString(FixTags.ExecType));
            execId = fill.GetString(FixTags.ExecID)!;
            await first.StopAsync();
        }

        await using var second = await HostTestVenue.StartInAsync(folder, keep: false, Quiet);
        var endpoint2 = second.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
        using var again = new FixTestClient(endpoint2, "ALICE", Demo.SecretOf("alice"));
        again.Logon();
        again.Send("AD", (FixTags.TradeRequestID, "after-restart"), (FixTags.TradeRequestType, "0"));
        var ack = again.Expect("AQ");
        Assert.Equal(("1", "0", "1"), (ack.GetString(FixTags.TotNumTradeReports), ack.GetString(FixTags.TradeRequestResult), ack.GetString(FixTags.TradeRequestStatus)));
        var report = again.Expect("AE");
        Assert.Equal((execId, "2", "181", "2", "1001", "Y"), (report.GetString(FixTags.ExecID), report.GetString(FixTags.LastQty), report.GetString(FixTags.LastPx),
            report.GetString(FixTags.Side), report.GetString(FixTags.Account), report.GetString(FixTags.LastRptRequested)));
    }
}

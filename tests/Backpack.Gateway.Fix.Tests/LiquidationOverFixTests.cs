using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Margin call, liquidation and ADL pushed over FIX. Account A (session A) buys 100 SOL at 180 on
/// 1,000 USDC (18x; MMF 2.5%) and pays a 9 USDC taker fee: at 175 its equity is 491 against 437.5
/// of maintenance margin (a margin call); at 170 its equity is -9 (liquidating).
/// Account B (session B) holds the short. With no backstop providers and an empty fund, the
/// tick after the liquidation starts deleverages the whole position against B at the bankruptcy price.
/// </summary>
public class LiquidationOverFixTests
{
    [Fact]
    public async Task Margin_call_liquidation_adl_and_position_reports_reach_both_accounts_and_an_offline_session_catches_up()
    {
        await using var host = new FixTestHost();
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 1_000);
        host.Fund(FixTestHost.AccountB, 100_000);
        using var a = host.Client();
        a.Logon();
        int lastSeenByB;
        using (var b = host.Client(FixTestHost.ClientB))
        {
            b.Logon();
            b.Send("D", FixTestClient.LimitOrder("short", '2', "100", "180"));
            b.Expect("8");
            a.Send("D", FixTestClient.LimitOrder("long", '1', "100", "180"));
            a.Expect("8");
            Assert.Equal("F", a.Expect("8").GetString(FixTags.ExecType));
            var bFill = b.Expect("8");
            lastSeenByB = int.Parse(bFill.GetString(FixTags.MsgSeqNum)!);
            b.Send("5");
            b.Expect("5");
        }

        host.Index(17_500); // MM/E = 437.5 / 491 = 0.891039 (rounded up)
        var call = a.Expect("U1");
        Assert.Equal((FixTestHost.AccountA.ToString(), "0.891039", "491", "437.5"), (call.GetString(FixTags.Account), call.GetString(FixTags.MaintenanceMarginRatio),
            call.GetString(FixTags.AccountEquity), call.GetString(FixTags.MaintenanceMargin)));

        host.Index(17_000); // equity -9: liquidating
        var started = a.Expect("U2");
        string liquidationId = started.GetString(FixTags.LiquidationID)!;
        Assert.Equal("-9", started.GetString(FixTags.AccountEquity));

        host.Command(new Tick(new CommandHeader(0, 0, 0)));
        var forced = a.Expect("8");
        // Bankruptcy price: 170 + 9 USDC / 100 SOL = 170.09.
        Assert.Equal(("F", "3", liquidationId, "3", "170.09", "100", "2"), (forced.GetString(FixTags.ExecType), forced.GetString(FixTags.OrderOrigin),
            forced.GetString(FixTags.LiquidationID), forced.GetString(FixTags.LiquidationStage), forced.GetString(FixTags.LastPx), forced.GetString(FixTags.LastQty), forced.GetString(FixTags.Side)));
        var notice = a.Expect("U4");
        Assert.Equal(("0", "170.09", "100"), (notice.GetString(FixTags.AdlRole), notice.GetString(FixTags.LastPx), notice.GetString(FixTags.LastQty)));
        var ended = a.Expect("U3");
        Assert.Equal((liquidationId, "3"), (ended.GetString(FixTags.LiquidationID), ended.GetString(FixTags.LiquidationOutcome)));
        var position = a.Expect("AP");
        Assert.Equal(("0", "0", liquidationId), (position.GetString(FixTags.LongQty), position.GetString(FixTags.ShortQty), position.GetString(FixTags.LiquidationID)));

        // B was offline: everything waits in its store and arrives through sequence recovery.
        using var again = host.Client(FixTestHost.ClientB);
        again.NextSeq = 4; // Logon 1, order 2, Logout 3
        var logon = again.Logon(reset: false);
        Assert.True(int.Parse(logon.GetString(FixTags.MsgSeqNum)!) > lastSeenByB + 2);
        again.Send("2", (FixTags.BeginSeqNo, (lastSeenByB + 1).ToString()), (FixTags.EndSeqNo, "0"));
        var recovered = new List<FixMessage>();
        while (recovered.Count < 10)
        {
            try
            {
                recovered.Add(again.Receive(TimeSpan.FromSeconds(2)));
            }
            catch (TimeoutException)
            {
                break;
            }
        }
        var adlFill = recovered.Single(m => m.IsMsgType("8"));
        Assert.Equal(("Y", "3", "1", "170.09"), (adlFill.GetString(FixTags.PossDupFlag), adlFill.GetString(FixTags.OrderOrigin), adlFill.GetString(FixTags.Side), adlFill.GetString(FixTags.LastPx)));
        Assert.Equal("1", recovered.Single(m => m.IsMsgType("U4")).GetString(FixTags.AdlRole));
        var bPosition = recovered.Single(m => m.IsMsgType("AP"));
        Assert.Equal(("0", "0"), (bPosition.GetString(FixTags.LongQty), bPosition.GetString(FixTags.ShortQty)));
        Assert.Contains(recovered, m => m.IsMsgType("4") && m.GetString(FixTags.GapFillFlag) == "Y"); // our Logout, as a gap fill
    }
}

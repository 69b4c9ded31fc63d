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

    /// <summary>
    /// The audit trail and the unsettled-equity notice over FIX. A buys 5 SOL at 180 from B on 50
    /// USDC (fee 0.45): E = 49.55 + 5 x (P - 180), MM = 2.5% x 5 x P. At 172.46 E = 11.85 against MM
    /// 21.5575; the position is under the least slice, so the first step sells all 5 into B's 169.60
    /// bid, inside the band (169.55) but under the bankruptcy price 170.09: a shortfall of 2.45 the
    /// empty fund cannot pay, left as negative equity that A's later deposits pay off.
    /// </summary>
    [Fact]
    public async Task Each_liquidation_step_and_a_deposit_paying_off_negative_equity_reach_the_account()
    {
        await using var host = new FixTestHost();
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 50);
        host.Fund(FixTestHost.AccountB, 100_000);
        using var a = host.Client();
        a.Logon();
        using var b = host.Client(FixTestHost.ClientB);
        b.Logon();
        b.Send("D", FixTestClient.LimitOrder("short", '2', "5", "180"));
        b.Expect("8");
        a.Send("D", FixTestClient.LimitOrder("long", '1', "5", "180"));
        a.Expect("8");
        Assert.Equal("F", a.Expect("8").GetString(FixTags.ExecType));
        host.Index(17_500);
        a.Expect("U1");
        b.Send("D", FixTestClient.LimitOrder("bid", '1', "200", "169.6"));
        b.Expect("8"); // its fill of the short's 5 at 180
        b.Expect("8"); // the bid, new

        host.Index(17_246);
        string liquidationId = a.Expect("U2").GetString(FixTags.LiquidationID)!;
        var trigger = a.Expect("U6");
        Assert.Equal((liquidationId, "0", "SOL_USDC_PERP", "172.46", "172.46", "11.85", "21.5575", "170.09"), (trigger.GetString(FixTags.LiquidationID),
            trigger.GetString(FixTags.LiquidationAction), trigger.GetString(FixTags.Symbol), trigger.GetString(FixTags.MarkPrice), trigger.GetString(FixTags.IndexPrice),
            trigger.GetString(FixTags.AccountEquity), trigger.GetString(FixTags.MaintenanceMargin), trigger.GetString(FixTags.BankruptcyPrice)));
        Assert.InRange(decimal.Parse(trigger.GetString(FixTags.LiquidationUrgency)!, System.Globalization.CultureInfo.InvariantCulture), 0.90m, 0.91m);
        Assert.Null(trigger.GetString(FixTags.Price)); // no order on the trigger
        var slice = a.Expect("U6");
        Assert.Equal(("1", "169.55", "200", "5"), (slice.GetString(FixTags.LiquidationAction), slice.GetString(FixTags.Price),
            slice.GetString(FixTags.BandDepth), slice.GetString(FixTags.OrderQty)));
        var fill = a.Expect("8");
        Assert.Equal(("169.6", "5", "1"), (fill.GetString(FixTags.LastPx), fill.GetString(FixTags.LastQty), fill.GetString(FixTags.LiquidationStage)));
        Assert.Equal("-2.45", a.Expect("AP").GetString(FixTags.Collateral)); // flat, 2.45 short of the bankruptcy price
        host.Command(new Tick(new CommandHeader(0, 0, 0)));
        Assert.Equal("3", a.Expect("U3").GetString(FixTags.LiquidationOutcome)); // bankrupt

        host.Fund(FixTestHost.AccountA, 1);
        var covered = a.Expect("U7");
        Assert.Equal((liquidationId, "1", "1.45", "USDC"), (covered.GetString(FixTags.LiquidationID), covered.GetString(FixTags.CoveredAmount),
            covered.GetString(FixTags.UnsettledAmount), covered.GetString(FixTags.Currency)));
        host.Fund(FixTestHost.AccountA, 1_000);
        var settled = a.Expect("U7");
        Assert.Equal(("1.45", "0", "Deposit settled the negative balance"), (settled.GetString(FixTags.CoveredAmount), settled.GetString(FixTags.UnsettledAmount), settled.GetString(FixTags.Text)));
    }
}

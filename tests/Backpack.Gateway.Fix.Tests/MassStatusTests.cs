using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// OrderMassStatusRequest (AF): one ExecutionReport (ExecType I) per open order of the account as
/// the engine holds it, whichever channel placed it, numbered by TotNumReports and closed by
/// LastRptRequested=Y; bad requests get a BusinessMessageReject naming the request.
/// </summary>
public class MassStatusTests : TwoTradersTest
{
    private static (int, string)[] MassStatus(string id, string type, params (int, string)[] extra) =>
        [(FixTags.MassStatusReqID, id), (FixTags.MassStatusReqType, type), .. extra];

    private static List<FixMessage> Reports(FixTestClient client, string id)
    {
        var reports = new List<FixMessage>();
        while (true)
        {
            var er = client.Expect("8");
            Assert.Equal(("I", id), (er.GetString(FixTags.ExecType), er.GetString(FixTags.MassStatusReqID)));
            reports.Add(er);
            if (er.GetString(FixTags.LastRptRequested) == "Y") return reports;
            Assert.Equal("N", er.GetString(FixTags.LastRptRequested));
        }
    }

    [Fact]
    public void Every_open_order_of_the_account_is_reported_once_whichever_channel_placed_it_and_nothing_finished()
    {
        // A's own orders: one resting, one partly filled by B, one pending stop; one canceled and one filled (not open).
        _a.Send("D", Limit("rest", '1', "2", "170"));
        _a.Expect("8");
        _a.Send("D", Limit("part", '2', "3", "185"));
        _a.Expect("8");
        _b.Send("D", Limit("b-take", '1', "1", "185"));
        _b.Expect("8");
        _b.Expect("8");
        Assert.Equal("1", _a.Expect("8").GetString(FixTags.OrdStatus));
        _a.Send("D", Stop("stop", '1', "1", "190"));
        Assert.Equal("0", _a.Expect("8").GetString(FixTags.ExecType));
        _a.Send("D", Limit("gone", '1', "1", "166"));
        _a.Expect("8");
        _a.Send("F", Cancel("gone", "gone-x", '1'));
        Assert.Equal("4", _a.Expect("8").GetString(FixTags.ExecType));
        // An order of A's account placed by another channel (as the WebSocket or REST gateway would), and one of B's.
        _host.Command(new NewOrder(new CommandHeader(0, 0, 0), FixTestHost.AccountA, 1, 4242, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 16_500, 4_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
        _b.Send("D", Limit("b-rest", '1', "1", "171"));
        _b.Expect("8");

        _a.Send("AF", MassStatus("ms-1", "7"));
        var reports = Reports(_a, "ms-1");

        Assert.Equal(4, reports.Count);
        Assert.All(reports, r => Assert.Equal(("4", "101", "SOL_USDC_PERP"), (r.GetString(FixTags.TotNumReports), r.GetString(FixTags.Account), r.GetString(FixTags.Symbol))));
        Assert.Equal(["Y"], reports.Select(r => r.GetString(FixTags.LastRptRequested)).Where(v => v == "Y"));
        var byClOrdId = reports.ToDictionary(r => r.GetString(FixTags.ClOrdID) ?? "<other channel>");
        Assert.Equal(["<other channel>", "part", "rest", "stop"], byClOrdId.Keys.Order());
        Assert.Equal(["0", "1", "2", "2", "0", "170"], byClOrdId["rest"].Fields(FixTags.OrdStatus, FixTags.Side, FixTags.OrderQty, FixTags.LeavesQty, FixTags.CumQty, FixTags.Price));
        Assert.Equal(["1", "2", "3", "2", "1", "185"], byClOrdId["part"].Fields(FixTags.OrdStatus, FixTags.Side, FixTags.OrderQty, FixTags.LeavesQty, FixTags.CumQty, FixTags.AvgPx));
        Assert.Equal(["0", "3", "190", "N"], byClOrdId["stop"].Fields(FixTags.OrdStatus, FixTags.OrdType, FixTags.StopPx, FixTags.WorkingIndicator));
        var other = byClOrdId["<other channel>"];
        Assert.Equal(["0", "1", "4", "4", "165"], other.Fields(FixTags.OrdStatus, FixTags.Side, FixTags.OrderQty, FixTags.LeavesQty, FixTags.Price));
        Assert.NotEqual("NONE", other.GetString(FixTags.OrderID));
        Assert.Equal(reports.Count, reports.Select(r => r.GetString(FixTags.OrderID)).Distinct().Count());
    }

    [Fact]
    public void By_security_and_side_narrows_the_answer_and_an_empty_answer_is_one_report_saying_so()
    {
        _a.Send("D", Limit("bid", '1', "1", "170"));
        _a.Expect("8");
        _a.Send("D", Limit("ask", '2', "1", "190"));
        _a.Expect("8");

        _a.Send("AF", MassStatus("sells", "1", (FixTags.Symbol, Symbol), (FixTags.Side, "2")));
        var sells = Reports(_a, "sells");
        Assert.Equal(["ask", "1", "Y"], Assert.Single(sells).Fields(FixTags.ClOrdID, FixTags.TotNumReports, FixTags.LastRptRequested));

        _b.Send("AF", MassStatus("none", "8", (FixTags.Account, FixTestHost.AccountB.ToString())));
        var none = Assert.Single(Reports(_b, "none"));
        Assert.Equal(["NONE", "0", "Y", "<none>"], none.Fields(FixTags.OrderID, FixTags.TotNumReports, FixTags.LastRptRequested, FixTags.ClOrdID));
    }

    [Theory]
    [InlineData("3", null, null, "0")] // by product: not offered
    [InlineData("1", null, null, "5")] // by security without a Symbol
    [InlineData("1", "DOGE_USDC_PERP", null, "2")] // unknown security
    [InlineData("8", null, "102", "6")] // another session's account
    [InlineData("8", null, null, "5")] // by account without an Account
    public void A_request_the_gateway_cannot_answer_gets_a_business_reject_naming_it_and_the_session_goes_on(string type, string? symbol, string? account, string reason)
    {
        long before = _host.Engine.LastSequence;
        var fields = new List<(int, string)>();
        if (symbol is not null) fields.Add((FixTags.Symbol, symbol));
        if (account is not null) fields.Add((FixTags.Account, account));
        _a.Send("AF", MassStatus("bad", type, [.. fields]));
        var reject = _a.Expect("j");
        Assert.Equal(["AF", "bad", reason], reject.Fields(FixTags.RefMsgType, FixTags.BusinessRejectRefID, FixTags.BusinessRejectReason));
        Assert.False(string.IsNullOrEmpty(reject.GetString(FixTags.Text)));
        Assert.Equal(before, _host.Engine.LastSequence); // nothing reached the engine

        _a.Send("AF", MassStatus("good", "7"));
        Assert.Equal("NONE", Assert.Single(Reports(_a, "good")).GetString(FixTags.OrderID));
        _b.Send("AF", MassStatus("other", "7"));
        Assert.Single(Reports(_b, "other"));
    }

    [Fact]
    public async Task A_session_of_two_accounts_gets_both_unless_it_names_one()
    {
        await using var host = new FixTestHost(s => { if (s.Number == 1) s.Accounts = [FixTestHost.AccountA, 103]; });
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 10_000);
        host.Fund(103, 10_000);
        using var a = host.Client();
        a.Logon();
        a.Send("D", Limit("on-101", '1', "1", "170"));
        a.Expect("8");
        a.Send("D", Limit("on-103", '1', "1", "171").Append((FixTags.Account, "103")).ToArray());
        a.Expect("8");

        a.Send("AF", MassStatus("both", "7"));
        Assert.Equal(["101 on-101", "103 on-103"], Reports(a, "both").Select(r => r.GetString(FixTags.Account) + " " + r.GetString(FixTags.ClOrdID)).Order());
        a.Send("AF", MassStatus("one", "8", (FixTags.Account, "103")));
        Assert.Equal("on-103", Assert.Single(Reports(a, "one")).GetString(FixTags.ClOrdID));
    }
}

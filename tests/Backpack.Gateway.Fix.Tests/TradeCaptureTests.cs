using Backpack.Gateway.Fix.Codec;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// TradeCaptureReportRequest (AD) over loopback, answered from the gateway's memory of recent
/// fills (no history database in these tests): an AQ, then one AE per fill, oldest first.
/// </summary>
public class TradeCaptureTests : TwoTradersTest
{
    private static (int, string)[] Request(string id, params (int, string)[] extra) =>
        [(FixTags.TradeRequestID, id), (FixTags.TradeRequestType, "0"), .. extra];

    private static List<FixMessage> Reports(FixTestClient client, string id, int expected)
    {
        var ack = client.Expect("AQ");
        Assert.Equal([id, expected.ToString(), "0", "1"], ack.Fields(FixTags.TradeRequestID, FixTags.TotNumTradeReports, FixTags.TradeRequestResult, FixTags.TradeRequestStatus));
        var reports = new List<FixMessage>();
        for (int i = 0; i < expected; i++)
        {
            var ae = client.Expect("AE");
            Assert.Equal([id, expected.ToString(), i == expected - 1 ? "Y" : "N", "Y"], ae.Fields(FixTags.TradeRequestID, FixTags.TotNumTradeReports, FixTags.LastRptRequested, FixTags.PreviouslyReported));
            reports.Add(ae);
        }
        return reports;
    }

    /// <summary>B rests a sell of 3 at 181; A lifts 1 (a-1) then 2 (a-2): two trades.</summary>
    private void TwoTrades()
    {
        _b.Send("D", Limit("b-ask", '2', "3", "181"));
        _b.Expect("8");
        foreach (var (id, qty) in new[] { ("a-1", "1"), ("a-2", "2") })
        {
            _a.Send("D", Limit(id, '1', qty, "181"));
            _a.Expect("8");
            Assert.Equal("F", _a.Expect("8").GetString(FixTags.ExecType));
            Assert.Equal("F", _b.Expect("8").GetString(FixTags.ExecType));
        }
    }

    [Fact]
    public void Every_fill_of_the_account_is_reported_oldest_first_with_its_trade_side_order_and_fee()
    {
        TwoTrades();
        _a.Send("AD", Request("all"));
        var reports = Reports(_a, "all", 2);
        Assert.Equal(["1", "a-1", "1", "181", "SOL_USDC_PERP", "101", "2", "F"],
            reports[0].Fields(FixTags.NoSides, FixTags.ClOrdID, FixTags.LastQty, FixTags.LastPx, FixTags.Symbol, FixTags.Account, FixTags.LastLiquidityInd, FixTags.ExecType));
        Assert.Equal(["a-2", "2", "0.181"], reports[1].Fields(FixTags.ClOrdID, FixTags.LastQty, FixTags.Commission)); // 362 USDC at 5 bp
        Assert.NotEqual(reports[0].GetString(FixTags.TrdMatchID), reports[1].GetString(FixTags.TrdMatchID));
        Assert.Equal(DateTime.UtcNow.ToString("yyyyMMdd"), reports[0].GetString(FixTags.TradeDate));

        // B's side of the same trades: the maker, one order, the same trade ids.
        _b.Send("AD", Request("b"));
        var b = Reports(_b, "b", 2);
        Assert.Equal(reports.Select(r => r.GetString(FixTags.TrdMatchID)), b.Select(r => r.GetString(FixTags.TrdMatchID)));
        Assert.All(b, r => Assert.Equal(["2", "b-ask", "1"], r.Fields(FixTags.Side, FixTags.ClOrdID, FixTags.LastLiquidityInd)));
    }

    [Fact]
    public void Order_trade_side_and_dates_narrow_the_answer()
    {
        TwoTrades();
        _a.Send("AD", Request("by-clordid", (FixTags.ClOrdID, "a-2")));
        var byOrder = Assert.Single(Reports(_a, "by-clordid", 1));
        Assert.Equal("a-2", byOrder.GetString(FixTags.ClOrdID));

        _a.Send("AD", Request("by-trade", (FixTags.TrdMatchID, byOrder.GetString(FixTags.TrdMatchID)!)));
        Assert.Equal("a-2", Assert.Single(Reports(_a, "by-trade", 1)).GetString(FixTags.ClOrdID));

        _a.Send("AD", Request("sells", (FixTags.Side, "2")));
        Reports(_a, "sells", 0);

        _a.Send("AD", Request("today", (FixTags.NoDates, "1"), (FixTags.TradeDate, DateTime.UtcNow.ToString("yyyyMMdd"))));
        Reports(_a, "today", 2);
        _a.Send("AD", Request("last-year", (FixTags.NoDates, "2"), (FixTags.TradeDate, "20251201"), (FixTags.TradeDate, "20251202")));
        Assert.Equal("No fills match the request", _a.Expect("AQ").GetString(FixTags.Text));
        _a.Send("AD", Request("from-now", (FixTags.NoDates, "1"), (FixTags.TradeDate, DateTime.UtcNow.ToString("yyyyMMdd")), (FixTags.TransactTime, FixTestClient.Now(60_000_000))));
        Reports(_a, "from-now", 0);
        _a.Send("AD", Request("until-now", (FixTags.NoDates, "2"), (FixTags.TradeDate, "20251201"), (FixTags.TradeDate, DateTime.UtcNow.ToString("yyyyMMdd")), (FixTags.TransactTime, FixTestClient.Now())));
        Reports(_a, "until-now", 2);
    }

    [Theory]
    [InlineData("1", null, null, null, "8")] // matched trades: not offered
    [InlineData("0", "1", null, null, "99")] // a subscription: not offered (drop copy gives live fills)
    [InlineData("0", null, "DOGE_USDC_PERP", null, "1")] // unknown instrument
    [InlineData("0", null, null, "102", "9")] // another session's account
    public void A_request_the_gateway_cannot_answer_gets_a_rejected_ack_and_the_session_goes_on(string type, string? subscription, string? symbol, string? account, string result)
    {
        var fields = new List<(int, string)> { (FixTags.TradeRequestID, "bad"), (FixTags.TradeRequestType, type) };
        if (subscription is not null) fields.Add((FixTags.SubscriptionRequestType, subscription));
        if (symbol is not null) fields.Add((FixTags.Symbol, symbol));
        if (account is not null) fields.Add((FixTags.Account, account));
        _a.Send("AD", [.. fields]);
        var ack = _a.Expect("AQ");
        Assert.Equal(["bad", result, "2", "0"], ack.Fields(FixTags.TradeRequestID, FixTags.TradeRequestResult, FixTags.TradeRequestStatus, FixTags.TotNumTradeReports));
        Assert.False(string.IsNullOrEmpty(ack.GetString(FixTags.Text)));

        _a.Send("AD", Request("good"));
        Reports(_a, "good", 0);
    }

    [Fact]
    public void A_date_that_is_not_a_date_is_refused()
    {
        _a.Send("AD", Request("bad-date", (FixTags.NoDates, "1"), (FixTags.TradeDate, "20261399")));
        Assert.Equal(["99", "2", "TradeDate must be YYYYMMDD"], _a.Expect("AQ").Fields(FixTags.TradeRequestResult, FixTags.TradeRequestStatus, FixTags.Text));
    }

    [Fact]
    public async Task Without_a_history_database_the_answer_reaches_back_as_far_as_the_gateways_memory()
    {
        await using var host = new FixTestHost();
        host.Gateway.RecentFillsPerAccount = 1; // before any fill; the default keeps 10,000 per account
        var (a, b) = host.LogOnTraders();
        using var traderA = a;
        using var traderB = b;
        b.Send("D", Limit("b-ask", '2', "3", "181"));
        b.Expect("8");
        foreach (string id in new[] { "a-1", "a-2" })
        {
            a.Send("D", Limit(id, '1', "1", "181"));
            a.Expect("8");
            a.Expect("8");
        }
        a.Send("AD", Request("memory"));
        Assert.Equal("1", a.Expect("AQ").GetString(FixTags.TotNumTradeReports));
        Assert.Equal("a-2", a.Expect("AE").GetString(FixTags.ClOrdID));
    }
}

using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>Order entry and the reports that come back, through the whole gateway path.</summary>
public class OrderFlowTests : TwoTradersTest
{
    private static (int, string)[] Order(string clOrdId, char side, string qty, string? price, string ordType = "2", string? tif = null, string? execInst = null)
    {
        var fields = new List<(int, string)> { (FixTags.ClOrdID, clOrdId), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, side.ToString()),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, qty), (FixTags.OrdType, ordType) };
        if (price is not null) fields.Add((FixTags.Price, price));
        if (tif is not null) fields.Add((FixTags.TimeInForce, tif));
        if (execInst is not null) fields.Add((FixTags.ExecInst, execInst));
        return fields.ToArray();
    }

    [Fact]
    public void A_crossing_order_fills_both_sides_with_prices_quantities_fees_and_liquidity()
    {
        _a.Send("D", Order("ask-1", '2', "2", "180"));
        var newAsk = _a.Expect("8");
        Assert.Equal(("0", "0", "2", "0", "180"), (newAsk.GetString(FixTags.ExecType), newAsk.GetString(FixTags.OrdStatus), newAsk.GetString(FixTags.LeavesQty), newAsk.GetString(FixTags.CumQty), newAsk.GetString(FixTags.Price)));

        _b.Send("D", Order("bid-1", '1', "0.5", "181"));
        Assert.Equal("0", _b.Expect("8").GetString(FixTags.ExecType));
        var takerFill = _b.Expect("8");
        var makerFill = _a.Expect("8");
        Assert.Equal(("F", "2", "0.5", "180", "0", "0.5", "180"), (takerFill.GetString(FixTags.ExecType), takerFill.GetString(FixTags.OrdStatus),
            takerFill.GetString(FixTags.LastQty), takerFill.GetString(FixTags.LastPx), takerFill.GetString(FixTags.LeavesQty), takerFill.GetString(FixTags.CumQty), takerFill.GetString(FixTags.AvgPx)));
        Assert.Equal(("F", "1", "1.5", "0.5", "1"), (makerFill.GetString(FixTags.ExecType), makerFill.GetString(FixTags.OrdStatus),
            makerFill.GetString(FixTags.LeavesQty), makerFill.GetString(FixTags.CumQty), makerFill.GetString(FixTags.LastLiquidityInd)));
        Assert.Equal("2", takerFill.GetString(FixTags.LastLiquidityInd));
        // Notional 90 USDC: taker 5 bp = 0.045, maker 2 bp = 0.018.
        Assert.Equal(("0.045", "3"), (takerFill.GetString(FixTags.Commission), takerFill.GetString(FixTags.CommType)));
        Assert.Equal("0.018", makerFill.GetString(FixTags.Commission));
        Assert.Equal(takerFill.GetString(FixTags.ExecID)![1..], makerFill.GetString(FixTags.ExecID)![1..]); // same trade id
        Assert.Equal("0", takerFill.GetString(FixTags.OrderOrigin));
    }

    [Fact]
    public void Cancel_and_replace_answer_with_the_new_cl_ord_id_and_the_original()
    {
        _a.Send("D", Order("o1", '1', "1", "170"));
        var accepted = _a.Expect("8");
        string orderId = accepted.GetString(FixTags.OrderID)!;

        _a.Send("G", (FixTags.OrigClOrdID, "o1"), (FixTags.ClOrdID, "o2"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, "3"), (FixTags.OrdType, "2"), (FixTags.Price, "171.25"));
        var replaced = _a.Expect("8");
        Assert.Equal(("5", "o2", "o1", orderId, "171.25", "3"), (replaced.GetString(FixTags.ExecType), replaced.GetString(FixTags.ClOrdID),
            replaced.GetString(FixTags.OrigClOrdID), replaced.GetString(FixTags.OrderID), replaced.GetString(FixTags.Price), replaced.GetString(FixTags.OrderQty)));

        _a.Send("F", (FixTags.OrigClOrdID, "o2"), (FixTags.ClOrdID, "o3"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()));
        var canceled = _a.Expect("8");
        Assert.Equal(("4", "4", "o3", "o2", "0"), (canceled.GetString(FixTags.ExecType), canceled.GetString(FixTags.OrdStatus),
            canceled.GetString(FixTags.ClOrdID), canceled.GetString(FixTags.OrigClOrdID), canceled.GetString(FixTags.LeavesQty)));

        _a.Send("F", (FixTags.OrigClOrdID, "o3-unknown"), (FixTags.ClOrdID, "o4"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()));
        var reject = _a.Expect("9");
        Assert.Equal(("1", "1", "o4"), (reject.GetString(FixTags.CxlRejResponseTo), reject.GetString(FixTags.CxlRejReason), reject.GetString(FixTags.ClOrdID)));
    }

    [Fact]
    public void A_duplicate_cl_ord_id_is_rejected_without_reaching_the_engine()
    {
        _a.Send("D", Order("dup", '1', "1", "170"));
        _a.Expect("8");
        long before = _host.Engine.LastSequence;
        _a.Send("D", Order("dup", '1', "1", "171"));
        var reject = _a.Expect("8");
        Assert.Equal(("8", "6", "DUPLICATE_CLIENT_ORDER_ID"), (reject.GetString(FixTags.ExecType), reject.GetString(FixTags.OrdRejReason), reject.GetString(FixTags.RejectCode)));
        Assert.Equal(before, _host.Engine.LastSequence);
    }

    [Fact]
    public void Engine_rejects_come_back_as_rejected_execution_reports_with_the_reason()
    {
        _a.Send("D", Order("far", '1', "1", "100"));
        var band = _a.Expect("8");
        Assert.Equal(("8", "8", "PRICE_OUT_OF_BAND"), (band.GetString(FixTags.ExecType), band.GetString(FixTags.OrdStatus), band.GetString(FixTags.RejectCode)));
        _a.Send("D", Order("huge", '1', "99999", "180"));
        var margin = _a.Expect("8");
        Assert.Equal(("3", "INSUFFICIENT_MARGIN"), (margin.GetString(FixTags.OrdRejReason), margin.GetString(FixTags.RejectCode)));
        _a.Send("D", Order("fine", '1', "1.0001", "180"));
        Assert.Equal(("13", "INVALID_QUANTITY"), (_a.Expect("8").GetString(FixTags.OrdRejReason), _a.Received[^1].GetString(FixTags.RejectCode)));
        _a.Send("D", Order("nosym", '1', "1", "180").Select(f => f.Item1 == FixTags.Symbol ? (f.Item1, "DOGE_USDC_PERP") : f).ToArray());
        Assert.Equal("1", _a.Expect("8").GetString(FixTags.OrdRejReason));
    }

    [Fact]
    public void Ioc_rest_expires_and_post_only_and_reduce_only_map_from_exec_inst()
    {
        _a.Send("D", Order("ask", '2', "1", "180"));
        _a.Expect("8");
        _b.Send("D", Order("ioc", '1', "3", "180", tif: "3"));
        _b.Expect("8");
        Assert.Equal("F", _b.Expect("8").GetString(FixTags.ExecType));
        var expired = _b.Expect("8");
        Assert.Equal(("C", "C", "1", "0"), (expired.GetString(FixTags.ExecType), expired.GetString(FixTags.OrdStatus), expired.GetString(FixTags.CumQty), expired.GetString(FixTags.LeavesQty)));
        Assert.Equal("F", _a.Expect("8").GetString(FixTags.ExecType)); // the maker's fill: A is now short 1

        _a.Send("D", Order("ask2", '2', "1", "180.5"));
        _a.Expect("8");
        _b.Send("D", Order("post", '1', "1", "181", execInst: "6"));
        Assert.Equal("POST_ONLY_WOULD_TAKE", _b.Expect("8").GetString(FixTags.RejectCode));
        _a.Send("D", Order("ro", '2', "1", "181", execInst: "E")); // A is short 1: a reduce-only sell does not reduce
        Assert.Equal("REDUCE_ONLY_NOT_REDUCING", _a.Expect("8").GetString(FixTags.RejectCode));
    }

    [Fact]
    public void Status_request_reports_the_order_and_unknown_orders_say_so()
    {
        _a.Send("D", Order("s1", '1', "2", "170"));
        _a.Expect("8");
        _a.Send("H", (FixTags.ClOrdID, "s1"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"));
        var status = _a.Expect("8");
        Assert.Equal(("I", "0", "2"), (status.GetString(FixTags.ExecType), status.GetString(FixTags.OrdStatus), status.GetString(FixTags.LeavesQty)));
        _a.Send("H", (FixTags.ClOrdID, "nope"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"));
        Assert.Equal(("I", "8", "5"), (_a.Expect("8").GetString(FixTags.ExecType), _a.Received[^1].GetString(FixTags.OrdStatus), _a.Received[^1].GetString(FixTags.OrdRejReason)));
    }

    [Fact]
    public void Mass_cancel_cancels_every_order_and_reports_the_count()
    {
        foreach (var id in new[] { "m1", "m2", "m3" })
        {
            _a.Send("D", Order(id, '1', "1", "170"));
            _a.Expect("8");
        }
        _a.Send("q", (FixTags.ClOrdID, "mc"), (FixTags.MassCancelRequestType, "7"), (FixTags.TransactTime, FixTestClient.Now()));
        for (int i = 0; i < 3; i++) Assert.Equal("4", _a.Expect("8").GetString(FixTags.ExecType));
        var report = _a.Expect("r");
        Assert.Equal(("7", "7", "3"), (report.GetString(FixTags.MassCancelRequestType), report.GetString(FixTags.MassCancelResponse), report.GetString(FixTags.TotalAffectedOrders)));
    }

    [Fact]
    public void Request_for_positions_is_acknowledged_then_reported_per_position()
    {
        _a.Send("D", Order("ask", '2', "2", "180"));
        _a.Expect("8");
        _b.Send("D", Order("bid", '1', "2", "180"));
        _b.Expect("8");
        _b.Expect("8");
        _host.Command(new Tick(new CommandHeader(0, 0, 0))); // the ADL queues are ranked
        _b.Send("AN", (FixTags.PosReqID, "pos-1"), (FixTags.PosReqType, "0"), (FixTags.Account, FixTestHost.AccountB.ToString()), (FixTags.AccountType, "1"),
            (FixTags.ClearingBusinessDate, DateTime.UtcNow.ToString("yyyyMMdd")), (FixTags.TransactTime, FixTestClient.Now()));
        var ack = _b.Expect("AO");
        Assert.Equal(("pos-1", "1", "0", "0"), (ack.GetString(FixTags.PosReqID), ack.GetString(FixTags.TotalNumPosReports), ack.GetString(FixTags.PosReqResult), ack.GetString(FixTags.PosReqStatus)));
        var report = _b.Expect("AP");
        Assert.Equal(("pos-1", "SOL_USDC_PERP", "2", "0", "180"), (report.GetString(FixTags.PosReqID), report.GetString(FixTags.Symbol),
            report.GetString(FixTags.LongQty), report.GetString(FixTags.ShortQty), report.GetString(FixTags.EntryPrice)));
        // B's long is alone in its ADL queue: first, nothing ahead.
        Assert.Equal(("1", "1", "0"), (report.GetString(FixTags.AdlRank), report.GetString(FixTags.AdlQueueLength), report.GetString(FixTags.AdlNotionalAhead)));
    }

    [Fact]
    public void Mass_cancel_by_symbol_for_a_named_account_cancels_only_that_market()
    {
        _a.Send("D", Order("s1", '1', "1", "170"));
        _a.Expect("8");
        _a.Send("q", (FixTags.ClOrdID, "mc-sym"), (FixTags.MassCancelRequestType, "1"), (FixTags.Account, FixTestHost.AccountA.ToString()),
            (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.TransactTime, FixTestClient.Now()));
        Assert.Equal("4", _a.Expect("8").GetString(FixTags.ExecType));
        var report = _a.Expect("r");
        Assert.Equal(("1", "1", "1"), (report.GetString(FixTags.MassCancelRequestType), report.GetString(FixTags.MassCancelResponse), report.GetString(FixTags.TotalAffectedOrders)));
    }

    [Theory]
    [InlineData("7", "54", "1", "99", "Side")]                       // one side only: refused rather than cancelling both
    [InlineData("3", null, null, "0", "MassCancelRequestType")]       // a valid FIX type we do not support, echoed back
    [InlineData("7", "1", "999", "99", "Unknown account")]            // not one of the session's accounts
    public void A_mass_cancel_we_cannot_do_is_refused_with_a_reason_and_cancels_nothing(string type, string? extraTag, string? extraValue, string reason, string text)
    {
        _a.Send("D", Order("keep", '1', "1", "170"));
        _a.Expect("8");
        var fields = new List<(int, string)> { (FixTags.ClOrdID, "mc-bad"), (FixTags.MassCancelRequestType, type), (FixTags.TransactTime, FixTestClient.Now()) };
        if (type == "3") fields.Add((FixTags.Symbol, "SOL_USDC_PERP"));
        if (extraTag is not null) fields.Add((int.Parse(extraTag), extraValue!));
        _a.Send("q", fields);
        var report = _a.Expect("r");
        Assert.Equal((type, "0", reason, "0"), (report.GetString(FixTags.MassCancelRequestType), report.GetString(FixTags.MassCancelResponse),
            report.GetString(FixTags.MassCancelRejectReason), report.GetString(FixTags.TotalAffectedOrders)));
        Assert.Contains(text, report.GetString(FixTags.Text));
        _a.Send("H", (FixTags.ClOrdID, "keep"), (FixTags.Side, "1"), (FixTags.Symbol, "SOL_USDC_PERP"));
        Assert.Equal("0", _a.Expect("8").GetString(FixTags.OrdStatus)); // still open
    }

    [Fact]
    public void Request_for_positions_without_any_position_answers_no_positions_found()
    {
        _a.Send("AN", (FixTags.PosReqID, "pos-none"), (FixTags.PosReqType, "0"), (FixTags.Account, FixTestHost.AccountA.ToString()), (FixTags.AccountType, "1"),
            (FixTags.ClearingBusinessDate, DateTime.UtcNow.ToString("yyyyMMdd")), (FixTags.TransactTime, FixTestClient.Now()));
        var ack = _a.Expect("AO");
        Assert.Equal(("0", "2", "0"), (ack.GetString(FixTags.TotalNumPosReports), ack.GetString(FixTags.PosReqResult), ack.GetString(FixTags.PosReqStatus)));
        _a.Send("1", (FixTags.TestReqID, "no-AP"));
        var next = _a.Receive(TimeSpan.FromSeconds(3)); // the heartbeat comes next, not a PositionReport
        Assert.Equal(("0", "no-AP"), (next.GetString(FixTags.MsgType), next.GetString(FixTags.TestReqID)));
    }
}

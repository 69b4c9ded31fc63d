using Backpack.Gateway.Engine;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Stops (OrdType 3) and stop limits (OrdType 4) over FIX, through the whole gateway path: placed
/// and acknowledged as New (WorkingIndicator N), quiet until their price source reaches StopPx,
/// then ExecType L and the fills of an ordinary order; cancel, mass cancel and status of a pending
/// stop; a replace refused by the engine; a stop that cannot enter when it fires. The market: 0.01
/// ticks, 0.001 lots, 10% band, fees 2 bp maker / 5 bp taker, IMF 5%; index 180.00, and with the
/// book empty or below the index the mark is the index.
/// </summary>
public class StopOrderTests : TwoTradersTest
{
    private const int A = FixTestHost.AccountA;

    private Task<IReadOnlyList<PendingOrderView>> Pending(int account) => _host.Runner.InspectAsync(e => e.GetPendingOrders(account));
    private Task<IReadOnlyList<OrderView>> Open(int account) => _host.Runner.InspectAsync(e => e.GetOpenOrders(account));

    /// <summary>A buys <paramref name="qty"/> at 180 from B: A long, B short.</summary>
    private void GoLong(string qty)
    {
        _b.Send("D", Limit("b-ask", '2', qty, "180"));
        Assert.Equal(["0", "b-ask"], _b.Expect("8").Fields(FixTags.ExecType, FixTags.ClOrdID));
        _a.Send("D", Limit("a-buy", '1', qty, "180"));
        Assert.Equal("0", _a.Expect("8").GetString(FixTags.ExecType));
        Assert.Equal("2", _a.Expect("8").GetString(FixTags.OrdStatus));
        Assert.Equal("F", _b.Expect("8").GetString(FixTags.ExecType));
    }

    [Fact]
    public async Task A_stop_market_waits_off_the_book_until_the_index_reaches_it_then_reports_L_and_fills()
    {
        GoLong("10");
        _b.Send("D", Limit("b-bid", '1', "10", "175"));
        Assert.Equal(["0", "b-bid"], _b.Expect("8").Fields(FixTags.ExecType, FixTags.ClOrdID));

        // Sell 10 when the index falls to 176, reduce-only.
        _a.Send("D", Stop("stop1", '2', "10", "176", extra: [(FixTags.TriggerPriceSource, "2"), (FixTags.ExecInst, "E")]));
        var placed = _a.Expect("8");
        Assert.Equal(["0", "0", "stop1", "3", "176", "2", "N", "0", "2", "10", "10", "0", "1", "<none>"],
            placed.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.OrdType, FixTags.StopPx, FixTags.TriggerPriceSource, FixTags.WorkingIndicator,
                FixTags.TriggerKind, FixTags.Side, FixTags.OrderQty, FixTags.LeavesQty, FixTags.CumQty, FixTags.TimeInForce, FixTags.Price));
        string orderId = placed.GetString(FixTags.OrderID)!;
        var pending = Assert.Single(await Pending(A));
        Assert.Equal((long.Parse(orderId), 17_600L, TriggerSource.IndexPrice, 10_000L, OrderFlags.ReduceOnly, TriggerKind.Trigger),
            (pending.OrderId, pending.TriggerPrice, pending.TriggerBy, pending.Quantity, pending.Flags, pending.Kind));

        _host.Index(17_601); // one tick above the stop: nothing
        Probe(_a, A, "before");
        Assert.Single(await Pending(A));

        _host.Index(17_600);
        var fired = _a.Expect("8");
        Assert.Equal(["L", "0", orderId, "stop1", "3", "176", "176", "Y", "10", "0"],
            fired.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrderID, FixTags.ClOrdID, FixTags.OrdType, FixTags.StopPx, FixTags.TriggeredPrice,
                FixTags.WorkingIndicator, FixTags.LeavesQty, FixTags.CumQty));
        var fill = _a.Expect("8");
        // 10 sold at B's bid of 175: 1,750 USDC, taker fee 5 bp = 0.875.
        Assert.Equal(["F", "2", orderId, "stop1", "10", "175", "0", "10", "175", "0.875", "2"],
            fill.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrderID, FixTags.ClOrdID, FixTags.LastQty, FixTags.LastPx, FixTags.LeavesQty,
                FixTags.CumQty, FixTags.AvgPx, FixTags.Commission, FixTags.LastLiquidityInd));
        Assert.Equal(["F", "175", "10"], _b.Expect("8").Fields(FixTags.ExecType, FixTags.LastPx, FixTags.LastQty));
        Assert.Empty(await Pending(A));
        Assert.Equal(0, (await _host.Runner.InspectAsync(e => e.GetAccount(A)))!.Positions[0].Quantity);
    }

    [Fact]
    public async Task A_stop_limit_rests_at_its_limit_once_fired_and_may_then_be_replaced()
    {
        _a.Send("D", Stop("sl1", '1', "2", "182", limit: "182.5"));
        var placed = _a.Expect("8");
        Assert.Equal(["0", "0", "4", "182.5", "182", "0", "N"],
            placed.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrdType, FixTags.Price, FixTags.StopPx, FixTags.TriggerPriceSource, FixTags.WorkingIndicator));
        string orderId = placed.GetString(FixTags.OrderID)!;

        _host.Index(18_199); // the mark (= index) one tick short
        Probe(_a, A, "short");
        _host.Index(18_200);
        Assert.Equal(["L", "0", "182", "Y"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.TriggeredPrice, FixTags.WorkingIndicator));
        Probe(_a, A, "resting"); // no ask to take: it rests
        var open = Assert.Single(await Open(A));
        Assert.Equal((long.Parse(orderId), 18_250L, 2_000L), (open.OrderId, open.Price, open.Remaining));
        Assert.Empty(await Pending(A));

        _a.Send("H", (FixTags.ClOrdID, "sl1"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"));
        Assert.Equal(["I", "0", "4", "182.5", "182", "Y"],
            _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrdType, FixTags.Price, FixTags.StopPx, FixTags.WorkingIndicator));

        // Fired, it is a limit order: price and quantity may change (OrdType stays 4).
        _a.Send("G", (FixTags.OrigClOrdID, "sl1"), (FixTags.ClOrdID, "sl1b"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, "3"), (FixTags.OrdType, "4"), (FixTags.Price, "182.4"));
        Assert.Equal(["5", "sl1b", "sl1", "4", "182.4", "3"],
            _a.Expect("8").Fields(FixTags.ExecType, FixTags.ClOrdID, FixTags.OrigClOrdID, FixTags.OrdType, FixTags.Price, FixTags.OrderQty));
        Assert.Equal((18_240L, 3_000L), (Assert.Single(await Open(A)).Price, Assert.Single(await Open(A)).Remaining));
    }

    [Fact]
    public async Task A_pending_stop_answers_status_requests_and_is_removed_by_cancel_and_by_mass_cancel()
    {
        _a.Send("D", Stop("c1", '2', "1", "170", extra: [(FixTags.TriggerPriceSource, "2")]));
        string orderId = _a.Expect("8").GetString(FixTags.OrderID)!;
        _a.Send("H", (FixTags.ClOrdID, "c1"), (FixTags.Symbol, Symbol), (FixTags.Side, "2"));
        Assert.Equal(["I", "0", orderId, "3", "170", "2", "N", "1"],
            _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrderID, FixTags.OrdType, FixTags.StopPx, FixTags.TriggerPriceSource,
                FixTags.WorkingIndicator, FixTags.LeavesQty));

        _a.Send("F", Cancel("c1", "c1-cancel", '2'));
        Assert.Equal(["4", "4", "c1-cancel", "c1", orderId, "0", "Canceled", "3"],
            _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.OrigClOrdID, FixTags.OrderID, FixTags.LeavesQty, FixTags.Text, FixTags.OrdType));
        Assert.Empty(await Pending(A));

        _a.Send("D", Stop("c2", '2', "1", "170"));
        _a.Expect("8");
        _a.Send("D", Stop("c3", '1', "1", "190", limit: "190.5"));
        _a.Expect("8");
        _a.Send("D", Limit("c4", '1', "1", "170"));
        _a.Expect("8");
        Assert.Equal(2, (await Pending(A)).Count);
        _a.Send("q", (FixTags.ClOrdID, "mc"), (FixTags.MassCancelRequestType, "7"), (FixTags.TransactTime, FixTestClient.Now()));
        var canceled = new[] { _a.Expect("8"), _a.Expect("8"), _a.Expect("8") };
        Assert.Equal(["c2", "c3", "c4"], canceled.Select(c => c.GetString(FixTags.ClOrdID)).Order());
        Assert.All(canceled, c => Assert.Equal(("4", "4"), (c.GetString(FixTags.ExecType), c.GetString(FixTags.OrdStatus))));
        Assert.Equal(["7", "3"], _a.Expect("r").Fields(FixTags.MassCancelResponse, FixTags.TotalAffectedOrders));
        Assert.Empty(await Pending(A));
        Assert.Empty(await Open(A));

        _host.Index(16_900); // the canceled stops' prices pass: nothing fires
        _host.Index(19_100);
        Probe(_a, A, "after-cancel");
    }

    [Fact]
    public async Task A_replace_of_a_pending_stop_is_refused_with_trigger_pending_and_changes_nothing()
    {
        _a.Send("D", Stop("r1", '1', "1", "190", limit: "190.5"));
        string orderId = _a.Expect("8").GetString(FixTags.OrderID)!;

        _a.Send("G", (FixTags.OrigClOrdID, "r1"), (FixTags.ClOrdID, "r2"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, "2"), (FixTags.OrdType, "4"), (FixTags.Price, "191"), (FixTags.StopPx, "190"));
        Assert.Equal([orderId, "r2", "r1", "0", "2", "99", "A conditional order cannot be replaced before it fires", "TRIGGER_PENDING"],
            _a.Expect("9").Fields(FixTags.OrderID, FixTags.ClOrdID, FixTags.OrigClOrdID, FixTags.OrdStatus, FixTags.CxlRejResponseTo, FixTags.CxlRejReason,
                FixTags.Text, FixTags.RejectCode));

        // Refused by the gateway without reaching the engine: another OrdType, another StopPx.
        long before = _host.Engine.LastSequence;
        _a.Send("G", (FixTags.OrigClOrdID, "r1"), (FixTags.ClOrdID, "r3"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, "2"), (FixTags.OrdType, "2"), (FixTags.Price, "191"));
        Assert.Equal(["99", "A replace may change only price and quantity of a limit order", "INVALID_ORDER"],
            _a.Expect("9").Fields(FixTags.CxlRejReason, FixTags.Text, FixTags.RejectCode));
        _a.Send("G", (FixTags.OrigClOrdID, "r1"), (FixTags.ClOrdID, "r4"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, "1"), (FixTags.OrdType, "4"), (FixTags.Price, "190.5"), (FixTags.StopPx, "189"));
        Assert.Equal(["99", "A replace cannot change StopPx(99)", "INVALID_ORDER"], _a.Expect("9").Fields(FixTags.CxlRejReason, FixTags.Text, FixTags.RejectCode));
        Assert.Equal(before, _host.Engine.LastSequence);

        var pending = Assert.Single(await Pending(A));
        Assert.Equal((long.Parse(orderId), 19_050L, 1_000L, 19_000L), (pending.OrderId, pending.Price, pending.Quantity, pending.TriggerPrice));
        _a.Send("H", (FixTags.ClOrdID, "r1"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"));
        Assert.Equal(["I", "0", "190.5", "1"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.Price, FixTags.OrderQty));
    }

    [Fact]
    public async Task A_stop_that_cannot_enter_the_book_when_it_fires_is_reported_rejected_with_the_reason()
    {
        // 20,000 SOL at up to the band edge needs far more than 100,000 USDC of initial margin; a pending stop holds none.
        _a.Send("D", Stop("big", '1', "20000", "181"));
        var placed = _a.Expect("8");
        Assert.Equal(["0", "0"], placed.Fields(FixTags.ExecType, FixTags.OrdStatus));
        Assert.Equal(0, (await _host.Runner.InspectAsync(e => e.GetAccount(A)))!.InitialMargin);

        _host.Index(18_100);
        Assert.Equal(["L", "0", "181"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.TriggeredPrice));
        var failed = _a.Expect("8");
        Assert.Equal(["8", "8", placed.GetString(FixTags.OrderID)!, "big", "3", "Insufficient margin", "INSUFFICIENT_MARGIN", "0", "0"],
            failed.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrderID, FixTags.ClOrdID, FixTags.OrdRejReason, FixTags.Text, FixTags.RejectCode,
                FixTags.LeavesQty, FixTags.CumQty));
        Assert.Empty(await Pending(A));
        Assert.Empty(await Open(A));
        _a.Send("H", (FixTags.ClOrdID, "big"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"));
        Assert.Equal(["I", "8"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus));
    }
}

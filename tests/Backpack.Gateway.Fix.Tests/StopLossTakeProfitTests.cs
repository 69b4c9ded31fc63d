using Backpack.Gateway.Engine;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// A NewOrderSingle with a stop-loss (5020-5022) and a take-profit (5023-5025): the engine arms
/// the legs as the order fills (reduce-only, opposite side, for the quantity filled so far); the
/// session that placed the order gets them as orders of their own, ClOrdID = the order's + -SL /
/// -TP, ClOrdLinkID = the order's ClOrdID, ParentOrderID = its OrderID; a later fill enlarges
/// them (ExecType D); when one fires the other is canceled. Index 180.00; same market as <see cref="StopOrderTests"/>.
/// </summary>
public class StopLossTakeProfitTests : TwoTradersTest
{
    private const int A = FixTestHost.AccountA;

    private Task<IReadOnlyList<PendingOrderView>> Pending(int account) => _host.Runner.InspectAsync(e => e.GetPendingOrders(account));

    private static readonly int[] LegTags = [FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.ClOrdLinkID, FixTags.ParentOrderID, FixTags.TriggerKind,
        FixTags.OrdType, FixTags.Side, FixTags.OrderQty, FixTags.StopPx, FixTags.Price, FixTags.TriggerPriceSource, FixTags.TimeInForce, FixTags.WorkingIndicator];

    [Fact]
    public async Task Legs_are_armed_by_fills_reported_to_the_session_grow_with_the_next_fill_and_one_firing_cancels_the_other()
    {
        _b.Send("D", Limit("b-ask", '2', "6", "180"));
        _b.Expect("8");
        // Buy 10 at 180: stop-loss at 175 on the index (a market order), take-profit at 185 on the mark, a limit at 185.
        _a.Send("D", Limit("entry", '1', "10", "180", (FixTags.StopLossTriggerPrice, "175"), (FixTags.StopLossTriggerSource, "2"),
            (FixTags.TakeProfitTriggerPrice, "185"), (FixTags.TakeProfitLimitPrice, "185")));
        var accepted = _a.Expect("8");
        Assert.Equal(["0", "2", "<none>"], accepted.Fields(FixTags.ExecType, FixTags.OrdType, FixTags.StopPx));
        string parent = accepted.GetString(FixTags.OrderID)!;
        Assert.Equal(["F", "6", "1"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.LastQty, FixTags.OrdStatus));
        var stopLoss = _a.Expect("8");
        var takeProfit = _a.Expect("8");
        Assert.Equal(["0", "0", "entry-SL", "entry", parent, "1", "3", "2", "6", "175", "<none>", "2", "3", "N"], stopLoss.Fields(LegTags));
        Assert.Equal(["0", "0", "entry-TP", "entry", parent, "2", "4", "2", "6", "185", "185", "0", "1", "N"], takeProfit.Fields(LegTags));
        _b.Expect("8");
        var legs = await Pending(A);
        Assert.Equal([(TriggerKind.TakeProfit, 6_000L), (TriggerKind.StopLoss, 6_000L)], legs.Select(l => (l.Kind, l.Quantity)));
        Assert.All(legs, l => Assert.Equal((long.Parse(parent), OrderFlags.ReduceOnly), (l.ParentOrderId, l.Flags)));

        // B sells the other 4 into the rest of the order: the legs grow to 10 (a restatement each).
        _b.Send("D", Limit("b-ask2", '2', "4", "180"));
        Assert.Equal(["F", "2", "10"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.CumQty));
        var grownStop = _a.Expect("8");
        var grownProfit = _a.Expect("8");
        Assert.Equal(["D", "0", "entry-SL", "10", "10", "Leg enlarged to the parent's filled quantity"],
            grownStop.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.OrderQty, FixTags.LeavesQty, FixTags.Text));
        Assert.Equal(["D", "entry-TP", "10"], grownProfit.Fields(FixTags.ExecType, FixTags.ClOrdID, FixTags.OrderQty));
        Assert.Equal(stopLoss.GetString(FixTags.OrderID), grownStop.GetString(FixTags.OrderID));
        Assert.Equal(["0", "F"], new[] { _b.Expect("8"), _b.Expect("8") }.Select(m => m.GetString(FixTags.ExecType)));

        // The index falls to 175: the stop-loss fires and sells 10 into B's bid at 174; the take-profit goes.
        _b.Send("D", Limit("b-bid", '1', "10", "174"));
        Assert.Equal(["0", "b-bid"], _b.Expect("8").Fields(FixTags.ExecType, FixTags.ClOrdID)); // resting before the index moves
        _host.Index(17_500);
        Assert.Equal(["L", "0", "entry-SL", "175", "Y"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.TriggeredPrice, FixTags.WorkingIndicator));
        Assert.Equal(["F", "2", "entry-SL", "10", "174"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.LastQty, FixTags.LastPx));
        var oco = _a.Expect("8");
        Assert.Equal(["4", "4", "entry-TP", takeProfit.GetString(FixTags.OrderID)!, "0", "Canceled: the other leg of its stop-loss / take-profit pair fired"],
            oco.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.OrderID, FixTags.LeavesQty, FixTags.Text));
        Assert.Empty(await Pending(A));
        Assert.Equal(0, (await _host.Runner.InspectAsync(e => e.GetAccount(A)))!.Positions[0].Quantity);

        // Only the session that placed the parent hears of its legs.
        Assert.DoesNotContain(_b.Received, m => m.GetString(FixTags.ClOrdID) is "entry-SL" or "entry-TP");
    }

    [Fact]
    public async Task A_leg_is_canceled_by_its_cl_ord_id_and_answers_status_requests()
    {
        _b.Send("D", Limit("b-ask", '2', "2", "180"));
        _b.Expect("8");
        _a.Send("D", Order("mkt", '1', "2", "1", extra: [(FixTags.StopLossTriggerPrice, "170"), (FixTags.StopLossLimitPrice, "169.5")]));
        _a.Expect("8");
        Assert.Equal("F", _a.Expect("8").GetString(FixTags.ExecType));
        var leg = _a.Expect("8");
        Assert.Equal(["mkt-SL", "4", "170", "169.5", "1"], leg.Fields(FixTags.ClOrdID, FixTags.OrdType, FixTags.StopPx, FixTags.Price, FixTags.TriggerKind));

        _a.Send("H", (FixTags.ClOrdID, "mkt-SL"), (FixTags.Symbol, Symbol), (FixTags.Side, "2"));
        Assert.Equal(["I", "0", leg.GetString(FixTags.OrderID)!, "N"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrderID, FixTags.WorkingIndicator));
        _a.Send("F", Cancel("mkt-SL", "mkt-SL-x", '2'));
        Assert.Equal(["4", "4", "mkt-SL-x", "mkt-SL", "Canceled"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.OrigClOrdID, FixTags.Text));
        Assert.Empty(await Pending(A));
        _host.Index(16_900);
        Probe(_a, A, "leg-gone");
    }

    [Fact]
    public void A_leg_cl_ord_id_the_session_already_used_gets_the_leg_order_id_appended()
    {
        _a.Send("D", Limit("x-SL", '1', "1", "170")); // the session's own order takes the name first
        _a.Expect("8");
        _b.Send("D", Limit("b-ask", '2', "1", "180"));
        _b.Expect("8");
        _a.Send("D", Limit("x", '1', "1", "180", (FixTags.StopLossTriggerPrice, "175")));
        _a.Expect("8");
        _a.Expect("8");
        var leg = _a.Expect("8");
        Assert.Equal("x-SL-" + leg.GetString(FixTags.OrderID), leg.GetString(FixTags.ClOrdID));
    }
}

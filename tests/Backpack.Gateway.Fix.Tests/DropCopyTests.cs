using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// A drop-copy session (DROP_A, watching account A) receives a copy of every ExecutionReport of
/// account A's orders, whichever channel placed them, forced fills included, and nothing of other
/// accounts; it cannot trade.
/// </summary>
public class DropCopyTests
{
    private const string DropA = "DROP_A";

    private static FixTestHost Host() => new(acceptor: options => ((FixOptions)options).Sessions.Add(new FixSessionSettings
    {
        Number = 3,
        TargetCompId = DropA,
        Accounts = [FixTestHost.AccountA],
        ApiKeys = [Convert.ToBase64String(Protocol.Security.Ed25519.PublicKeyOf(FixTestHost.PrivateKeyA))],
        MinHeartBtInt = 1,
        DropCopy = true,
    }));

    private static FixMessage Copy(FixTestClient drop, string execType)
    {
        var er = drop.Expect("8");
        Assert.Equal((execType, "Y"), (er.GetString(FixTags.ExecType), er.GetString(FixTags.CopyMsgIndicator)));
        return er;
    }

    [Fact]
    public async Task Every_execution_report_of_the_account_is_copied_whichever_channel_placed_the_order_and_nothing_of_other_accounts()
    {
        await using var host = Host();
        var (a, b) = host.LogOnTraders();
        using var traderA = a;
        using var traderB = b;
        using var drop = host.Client(DropA, FixTestHost.PrivateKeyA);
        drop.Logon();

        // An order of A placed by another channel (as the WebSocket or REST API places it, clientId 77): new, then filled by B over FIX.
        host.Command(new NewOrder(new CommandHeader(0, 0, 0), FixTestHost.AccountA, 1, 77, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 18_100, 2_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
        var placed = Copy(drop, "0");
        Assert.Equal(["77", "101", "2", "2", "181", "0", "2"], placed.Fields(FixTags.ClOrdID, FixTags.Account, FixTags.Side, FixTags.OrderQty, FixTags.Price, FixTags.OrdStatus, FixTags.LeavesQty));
        b.Send("D", Limit("b-lift", '1', "0.5", "181"));
        b.Expect("8");
        b.Expect("8");
        var fill = Copy(drop, "F");
        Assert.Equal(["77", placed.GetString(FixTags.OrderID)!, "1", "0.5", "181", "1.5", "0.5", "1"],
            fill.Fields(FixTags.ClOrdID, FixTags.OrderID, FixTags.OrdStatus, FixTags.LastQty, FixTags.LastPx, FixTags.LeavesQty, FixTags.CumQty, FixTags.LastLiquidityInd));

        // A's own FIX orders: new, replace, cancel, each with A's ClOrdIDs.
        a.Send("D", Limit("a-1", '1', "1", "170"));
        a.Expect("8");
        Assert.Equal(["a-1", "170"], Copy(drop, "0").Fields(FixTags.ClOrdID, FixTags.Price));
        a.Send("G", (FixTags.OrigClOrdID, "a-1"), (FixTags.ClOrdID, "a-2"), (FixTags.Symbol, Symbol), (FixTags.Side, "1"),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, "2"), (FixTags.OrdType, "2"), (FixTags.Price, "171"));
        a.Expect("8");
        Assert.Equal(["a-2", "171", "2"], Copy(drop, "5").Fields(FixTags.ClOrdID, FixTags.Price, FixTags.OrderQty));
        a.Send("F", Cancel("a-2", "a-3", '1'));
        a.Expect("8");
        Assert.Equal(["a-2", "4", "0"], Copy(drop, "4").Fields(FixTags.ClOrdID, FixTags.OrdStatus, FixTags.LeavesQty));

        // An engine reject of A's order is copied too; B's own order is not (the round trip shows nothing came before its answer).
        a.Send("D", Limit("a-far", '1', "1", "100")); // outside the price band
        Assert.Equal("8", a.Expect("8").GetString(FixTags.ExecType));
        Assert.Equal("a-far", Copy(drop, "8").GetString(FixTags.ClOrdID));
        b.Send("D", Limit("b-rest", '1', "1", "172"));
        b.Expect("8");
        Probe(drop, FixTestHost.AccountA, "after-b");
    }

    [Fact]
    public async Task A_drop_copy_cannot_trade_but_its_queries_are_answered()
    {
        await using var host = Host();
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 100_000);
        using var drop = host.Client(DropA, FixTestHost.PrivateKeyA);
        drop.Logon();
        long before = host.Engine.LastSequence;

        drop.Send("D", Limit("sneaky", '1', "1", "170"));
        var reject = drop.Expect("j");
        Assert.Equal(["D", "sneaky", "6"], reject.Fields(FixTags.RefMsgType, FixTags.BusinessRejectRefID, FixTags.BusinessRejectReason));
        drop.Send("q", (FixTags.ClOrdID, "mc"), (FixTags.MassCancelRequestType, "7"), (FixTags.TransactTime, FixTestClient.Now()));
        Assert.Equal("6", drop.Expect("j").GetString(FixTags.BusinessRejectReason));
        Assert.Equal(before, host.Engine.LastSequence);

        Probe(drop, FixTestHost.AccountA, "positions"); // a query is answered
    }

    [Fact]
    public async Task Forced_fills_of_a_liquidation_reach_the_drop_copy()
    {
        await using var host = Host();
        var (a, b) = host.LogOnTraders(1_000, 100_000);
        using var traderA = a;
        using var traderB = b;
        using var drop = host.Client(DropA, FixTestHost.PrivateKeyA);
        drop.Logon();
        b.Send("D", FixTestClient.LimitOrder("short", '2', "100", "180"));
        b.Expect("8");
        a.Send("D", FixTestClient.LimitOrder("long", '1', "100", "180"));
        Assert.Equal("long", Copy(drop, "0").GetString(FixTags.ClOrdID));
        Assert.Equal("2", Copy(drop, "F").GetString(FixTags.OrdStatus));

        host.Index(17_000); // equity -9: liquidating
        string liquidationId = drop.Expect("U2").GetString(FixTags.LiquidationID)!;
        host.Command(new Tick(new CommandHeader(0, 0, 0)));
        var forced = drop.Expect("8");
        Assert.Equal(["F", "3", liquidationId, "170.09", "100"], forced.Fields(FixTags.ExecType, FixTags.OrderOrigin, FixTags.LiquidationID, FixTags.LastPx, FixTags.LastQty));
        Assert.Equal("0", drop.Expect("U4").GetString(FixTags.AdlRole));
        Assert.Equal(liquidationId, drop.Expect("U3").GetString(FixTags.LiquidationID));
    }
}

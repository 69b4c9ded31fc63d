using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Cancel on disconnect (docs/fix.md section 3): the setting, the Logon's CancelOnDisconnect(9001)
/// override, the grace period, and which orders go (the session's own, stops included, legs kept).
/// Each test has its own host with accounts A and B funded and the index at 180.00. Outcomes are
/// awaited by polling with generous deadlines; "nothing happened" is proved by a later order of
/// the other session, which the engine handles after anything the disconnect submitted.
/// </summary>
public sealed class CancelOnDisconnectTests
{
    private static FixTestHost Host(Action<FixSessionSettings>? configure = null, ManualClock? sessionClock = null, bool sameAccount = false)
    {
        var host = new FixTestHost(s =>
        {
            if (sameAccount) s.Accounts = [FixTestHost.AccountA];
            configure?.Invoke(s);
        }, sessionClock: sessionClock);
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 100_000);
        host.Fund(FixTestHost.AccountB, 100_000);
        return host;
    }

    private static void On(FixSessionSettings s) => s.CancelOnDisconnect = true;

    private static FixTestClient LoggedOn(FixTestHost host, string compId, params (int, string)[] logon)
    {
        var client = host.Client(compId);
        client.Logon(extra: logon);
        return client;
    }

    private static Task<int> OpenOrders(FixTestHost host, int account) => host.Runner.InspectAsync(e => e.GetOpenOrders(account).Count);

    private static Task<int> PendingOrders(FixTestHost host, int account) => host.Runner.InspectAsync(e => e.GetPendingOrders(account).Count);

    /// <summary>Waits until the gateway has seen the session go (its logout handling, cancels included, runs under the session's lock).</summary>
    private static Task Gone(FixTestHost host, string compId) => Poll.UntilAsync(() =>
    {
        var session = host.Session(compId);
        lock (session.Lock) return Task.FromResult(!session.IsLoggedOn);
    }, compId + " is logged off");

    private static FixMessage Place(FixTestClient client, (int, string)[] order)
    {
        client.Send("D", order);
        var report = client.Expect("8");
        Assert.Equal('0', report.GetChar(FixTags.ExecType));
        return report;
    }

    /// <summary>B buys 1 at 185.00 immediate-or-cancel and returns the quantity it got (A's resting sell, if still there).</summary>
    private static decimal BuyAgainstA(FixTestClient b, string clOrdId)
    {
        b.Send("D", ConditionalFix.Limit(clOrdId, '1', "1", "185.00", (FixTags.TimeInForce, "3")));
        while (true)
        {
            var report = b.Expect("8");
            if (report.GetChar(FixTags.OrdStatus) is '2' or 'C' or '4') return decimal.Parse(report.GetString(FixTags.CumQty)!, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [Fact]
    public async Task Disconnect_cancels_the_sessions_open_orders_and_stops_and_the_book_no_longer_has_them()
    {
        await using var host = Host(On);
        using var b = LoggedOn(host, FixTestHost.ClientB);
        using (var a = LoggedOn(host, FixTestHost.ClientA))
        {
            Place(a, ConditionalFix.Limit("rest", '2', "1", "185.00"));
            Place(a, ConditionalFix.Limit("bid", '1', "2", "175.00"));
            Place(a, ConditionalFix.Stop("stop", '2', "1", "170.00"));
            Assert.Equal(2, await OpenOrders(host, FixTestHost.AccountA));
            Assert.Equal(1, await PendingOrders(host, FixTestHost.AccountA));
        } // the socket closes without a Logout

        await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountA) == 0 && await PendingOrders(host, FixTestHost.AccountA) == 0, "A's orders are canceled");
        Assert.Equal(0m, BuyAgainstA(b, "ioc")); // the other session finds the book without A's sell
    }

    [Fact]
    public async Task Logout_cancels_and_the_cancels_are_reported_to_the_session_on_its_next_logon()
    {
        await using var host = Host(On);
        int next;
        using (var a = LoggedOn(host, FixTestHost.ClientA))
        {
            Place(a, ConditionalFix.Limit("rest", '2', "1", "185.00"));
            a.Send("5");
            a.Expect("5");
            next = a.NextSeq;
        }
        await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountA) == 0, "A's order is canceled");

        using var again = host.Client();
        again.NextSeq = next;
        again.Logon(reset: false);
        again.Send("2", (FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0"));
        FixMessage canceled;
        do canceled = again.Receive(TimeSpan.FromSeconds(10));
        while (!canceled.IsMsgType("8") || canceled.GetChar(FixTags.ExecType) != '4');
        Assert.Equal("rest", canceled.GetString(FixTags.ClOrdID));
        Assert.Equal("Canceled on disconnect", canceled.GetString(FixTags.Text));
    }

    [Fact]
    public async Task Off_by_default_orders_stay_after_a_disconnect()
    {
        await using var host = Host();
        using var b = LoggedOn(host, FixTestHost.ClientB);
        using (var a = LoggedOn(host, FixTestHost.ClientA))
        {
            Assert.False(host.Gateway.CancelsOnDisconnect(host.Session(FixTestHost.ClientA)));
            Place(a, ConditionalFix.Limit("rest", '2', "1", "185.00"));
        }
        await Gone(host, FixTestHost.ClientA);

        Assert.Equal(1m, BuyAgainstA(b, "ioc"));
    }

    [Fact]
    public async Task Only_the_orders_of_the_session_that_left_are_canceled_not_those_of_another_session_of_the_account()
    {
        await using var host = Host(On, sameAccount: true);
        using var b = LoggedOn(host, FixTestHost.ClientB);
        Place(b, ConditionalFix.Limit("b-bid", '1', "1", "176.00"));
        using (var a = LoggedOn(host, FixTestHost.ClientA))
        {
            Place(a, ConditionalFix.Limit("a-bid", '1', "1", "175.00"));
            Place(a, ConditionalFix.Limit("a-ask", '2', "1", "185.00"));
        }
        await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountA) == 1, "A's two orders are canceled");

        var left = Assert.Single(await host.Runner.InspectAsync(e => e.GetOpenOrders(FixTestHost.AccountA)));
        Assert.Equal(17_600, left.Price);
        b.Send("H", (FixTags.ClOrdID, "b-bid"), (FixTags.Symbol, ConditionalFix.Symbol), (FixTags.Side, "1"));
        Assert.Equal('0', b.Expect("8").GetChar(FixTags.OrdStatus));
    }

    [Fact]
    public async Task Stop_loss_and_take_profit_legs_stay_to_protect_the_position()
    {
        await using var host = Host(On);
        using var b = LoggedOn(host, FixTestHost.ClientB);
        using (var a = LoggedOn(host, FixTestHost.ClientA))
        {
            Place(a, ConditionalFix.Limit("entry", '1', "1", "180.00", (FixTags.StopLossTriggerPrice, "170.00")));
            b.Send("D", ConditionalFix.Limit("hit", '2', "1", "180.00"));
            await Poll.UntilAsync(async () => await PendingOrders(host, FixTestHost.AccountA) == 1, "the stop-loss leg is armed");
            a.Send("D", ConditionalFix.Limit("rest", '2', "1", "185.00"));
            await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountA) == 1, "A's resting order is on the book");
        }
        await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountA) == 0, "A's resting order is canceled");

        var leg = Assert.Single(await host.Runner.InspectAsync(e => e.GetPendingOrders(FixTestHost.AccountA)));
        Assert.Equal(TriggerKind.StopLoss, leg.Kind);
    }

    [Fact]
    public async Task A_logon_within_the_grace_period_keeps_the_orders_while_another_session_whose_grace_ends_loses_them()
    {
        var clock = new ManualClock();
        await using var host = Host(s => { s.CancelOnDisconnect = true; s.CancelOnDisconnectGrace = TimeSpan.FromSeconds(5); }, clock);
        using (var a = host.Client())
        using (var b = host.Client(FixTestHost.ClientB))
        {
            a.Logon();
            b.Logon();
            Place(a, ConditionalFix.Limit("a-ask", '2', "1", "185.00"));
            Place(b, ConditionalFix.Limit("b-bid", '1', "1", "175.00"));
        }
        await Gone(host, FixTestHost.ClientA);
        await Gone(host, FixTestHost.ClientB);
        using var back = host.Client();
        back.Logon();

        clock.Advance(TimeSpan.FromSeconds(6));
        await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountB) == 0, "B's order is canceled once its grace is over");
        Assert.Equal(1, await OpenOrders(host, FixTestHost.AccountA));
    }

    [Fact]
    public async Task Orders_stay_during_the_grace_period_and_are_canceled_when_it_ends()
    {
        var clock = new ManualClock();
        await using var host = Host(s => { s.CancelOnDisconnect = true; s.CancelOnDisconnectGrace = TimeSpan.FromSeconds(5); }, clock);
        using var b = LoggedOn(host, FixTestHost.ClientB);
        using (var a = LoggedOn(host, FixTestHost.ClientA))
        {
            Place(a, ConditionalFix.Limit("rest", '2', "2", "185.00"));
        }
        await Gone(host, FixTestHost.ClientA);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1m, BuyAgainstA(b, "ioc-1")); // within the grace: still there

        clock.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountA) == 0, "A's order is canceled once the grace is over");
        Assert.Equal(0m, BuyAgainstA(b, "ioc-2"));
    }

    [Fact]
    public async Task Logon_tag_9001_Y_turns_it_on_for_a_session_configured_without_it()
    {
        await using var host = Host();
        using (var a = host.Client())
        {
            a.Logon(extra: (FixTags.CancelOnDisconnect, "Y"));
            Assert.True(host.Gateway.CancelsOnDisconnect(host.Session(FixTestHost.ClientA)));
            Place(a, ConditionalFix.Limit("rest", '2', "1", "185.00"));
        }
        await Poll.UntilAsync(async () => await OpenOrders(host, FixTestHost.AccountA) == 0, "A's order is canceled");
    }

    [Fact]
    public async Task Logon_tag_9001_N_turns_it_off_for_that_logon_only()
    {
        await using var host = Host(On);
        using var b = LoggedOn(host, FixTestHost.ClientB);
        using (var a = host.Client())
        {
            a.Logon(extra: (FixTags.CancelOnDisconnect, "N"));
            Place(a, ConditionalFix.Limit("rest", '2', "2", "185.00"));
        }
        await Gone(host, FixTestHost.ClientA);
        Assert.Equal(1m, BuyAgainstA(b, "ioc"));

        using var again = host.Client();
        again.Logon();
        Assert.True(host.Gateway.CancelsOnDisconnect(host.Session(FixTestHost.ClientA))); // the setting again
    }

    [Fact]
    public async Task A_bad_value_of_9001_refuses_the_logon_with_a_logout_naming_the_tag()
    {
        await using var host = Host();
        using var a = host.Client();
        var reply = a.Logon(extra: (FixTags.CancelOnDisconnect, "1"));
        Assert.True(reply.IsMsgType("5"));
        Assert.Equal("Invalid Logon: Incorrect data format for value (tag 9001)", reply.GetString(FixTags.Text));
        Assert.True(a.Closed(TimeSpan.FromSeconds(10)));
    }
}

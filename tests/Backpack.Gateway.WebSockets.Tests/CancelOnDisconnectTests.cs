using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// Cancel on disconnect over the WebSocket API (docs/websocket.md): the WebSocket:CancelOnDisconnect
/// setting, the <c>?cancelOnDisconnect=</c> query parameter, the grace period, and which orders go
/// (the connection's own, trigger orders included). Outcomes are awaited by polling with generous
/// deadlines; "nothing happened" is proved by a witness connection closed after the one under test,
/// whose cancel the gateway makes after anything the first close made.
/// </summary>
public sealed class CancelOnDisconnectTests
{
    private const string Sol = "SOL_USDC_PERP";
    private static WsTestHost Host(Action<WebSocketApiOptions>? configure = null)
    {
        var host = new WsTestHost(configure);
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        host.Fund(WsTestHost.AccountC, 100_000);
        return host;
    }

    private static Task<WsTestClient> Connect(WsTestHost host, string? query) =>
        WsTestClient.ConnectAsync(query is null ? host.Uri : new Uri(host.Uri + "?cancelOnDisconnect=" + query));

    private static async Task<string> Place(WsTestClient client, string side, string price, string quantity = "1", string timeInForce = "GTC")
    {
        var reply = await client.RequestAsync("orderExecute", new { symbol = Sol, side, orderType = "Limit", price, quantity, timeInForce });
        Assert.True(reply.TryGetProperty("result", out var result), reply.GetRawText());
        return result.GetProperty("id").GetRawText().Trim('"');
    }

    private static Task<int> OpenOrders(WsTestHost host, int account) => host.Runner.InspectAsync(e => e.GetOpenOrders(account).Count);

    private static async Task<WsTestClient> LoggedOn(WsTestHost host, string? query, byte[] key)
    {
        var client = await Connect(host, query);
        await client.LogOnAsync(key);
        return client;
    }

    /// <summary>A connection subscribed to the market's depth, its snapshot taken.</summary>
    private static async Task<WsTestClient> DepthWatcher(WsTestHost host)
    {
        var watcher = await host.ConnectAsync();
        await watcher.SubscribeAsync($"depth.{Sol}");
        await watcher.StreamAsync($"depth.{Sol}", "depthSnapshot");
        return watcher;
    }

    /// <summary>Ask levels of a depth delta are exactly <paramref name="asks"/> (JSON).</summary>
    private static Func<JsonElement, bool> Asks(string asks) => d => d.GetProperty("a").GetRawText() == asks;

    /// <summary>Closes <paramref name="client"/>, then a witness with the option on and an order of account C, and waits until the witness's order is canceled: the gateway has handled the first close by then.</summary>
    private static async Task CloseAndWitness(WsTestHost host, WsTestClient client)
    {
        await using var witness = await LoggedOn(host, "true", WsTestHost.KeyC);
        await Place(witness, "Bid", "170");
        int open = host.Gateway.OpenConnections;
        await client.DisposeAsync();
        await Poll.UntilAsync(() => Task.FromResult(host.Gateway.OpenConnections < open), "the gateway sees the close");
        await witness.DisposeAsync();
        await Poll.UntilAsync(async () => await OpenOrders(host, WsTestHost.AccountC) == 0, "the witness's order is canceled");
    }

    /// <summary>B (logged on with account.orderUpdate) buys 1 at 185 immediate-or-cancel; true if it filled against A's ask.</summary>
    private static async Task<bool> BuyAgainstA(WsTestClient b)
    {
        string id = await Place(b, "Bid", "185", timeInForce: "IOC");
        var end = await b.StreamAsync("account.orderUpdate", where: d => d.GetProperty("i").GetRawText().Trim('"') == id
            && d.GetProperty("e").GetString() is "orderFill" or "orderExpired" or "orderCancelled");
        return end.GetProperty("e").GetString() == "orderFill";
    }

    [Fact]
    public async Task Query_true_cancels_the_connections_orders_and_trigger_orders_on_close_and_depth_subscribers_see_the_level_go()
    {
        await using var host = Host();
        await using var watcher = await DepthWatcher(host);
        var a = await LoggedOn(host, "true", WsTestHost.KeyA);
        await Place(a, "Ask", "185");
        var trigger = await a.RequestAsync("orderExecute", new { symbol = Sol, side = "Ask", orderType = "Market", triggerPrice = "170", triggerQuantity = "1" });
        Assert.Equal("TriggerPending", trigger.GetProperty("result").GetProperty("status").GetString());
        await watcher.StreamAsync($"depth.{Sol}", "depth", Asks("[[\"185\",\"1\"]]"));

        await a.DisposeAsync();

        await watcher.StreamAsync($"depth.{Sol}", "depth", Asks("[[\"185\",\"0\"]]"), Poll.Patience);
        await Poll.UntilAsync(async () => await host.Runner.InspectAsync(e => e.GetOpenOrders(WsTestHost.AccountA).Count + e.GetPendingOrders(WsTestHost.AccountA).Count) == 0,
            "the trigger order is canceled too");
    }

    [Fact]
    public async Task An_order_sent_just_before_the_close_is_canceled_too_whenever_the_engine_accepts_it()
    {
        await using var host = Host();
        await using var watcher = await DepthWatcher(host);
        var a = await LoggedOn(host, "true", WsTestHost.KeyA);

        await a.SendAsync("orderExecute", new { symbol = Sol, side = "Ask", orderType = "Limit", price = "185", quantity = "1" });
        await a.DisposeAsync(); // without waiting for the answer

        await watcher.StreamAsync($"depth.{Sol}", "depth", Asks("[[\"185\",\"1\"]]"), Poll.Patience);
        await watcher.StreamAsync($"depth.{Sol}", "depth", Asks("[[\"185\",\"0\"]]"), Poll.Patience);
        await Poll.UntilAsync(async () => await OpenOrders(host, WsTestHost.AccountA) == 0, "the order is canceled");
    }

    [Fact]
    public async Task The_setting_turns_it_on_for_connections_whose_url_does_not_say()
    {
        await using var host = Host(o => o.CancelOnDisconnect = true);
        var a = await LoggedOn(host, null, WsTestHost.KeyA);
        await Place(a, "Ask", "185");
        await a.DisposeAsync();
        await Poll.UntilAsync(async () => await OpenOrders(host, WsTestHost.AccountA) == 0, "A's order is canceled");
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "false")]
    [InlineData(true, "FALSE")]
    public async Task Orders_stay_when_it_is_off_by_default_or_turned_off_in_the_url(bool setting, string? query)
    {
        await using var host = Host(o => o.CancelOnDisconnect = setting);
        await using var b = await host.ConnectAsync();
        await b.LogOnAsync(WsTestHost.KeyB, "account.orderUpdate");
        var a = await LoggedOn(host, query, WsTestHost.KeyA);
        await Place(a, "Ask", "185");

        await CloseAndWitness(host, a);

        Assert.True(await BuyAgainstA(b));
    }

    [Fact]
    public async Task Only_the_orders_of_the_connection_that_closed_are_canceled_not_those_of_another_connection_of_the_account()
    {
        await using var host = Host(o => o.CancelOnDisconnect = true);
        await using var other = await host.ConnectAsync();
        await other.LogOnAsync(WsTestHost.KeyA);
        string kept = await Place(other, "Bid", "176");
        var a = await LoggedOn(host, null, WsTestHost.KeyA);
        await Place(a, "Bid", "175");
        await Place(a, "Ask", "185");

        await a.DisposeAsync();

        await Poll.UntilAsync(async () => await OpenOrders(host, WsTestHost.AccountA) == 1, "the closed connection's two orders are canceled");
        var left = Assert.Single(await host.Runner.InspectAsync(e => e.GetOpenOrders(WsTestHost.AccountA)));
        Assert.Equal(kept, left.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task With_a_grace_period_the_cancel_waits_at_least_that_long()
    {
        var grace = TimeSpan.FromSeconds(2);
        await using var host = Host(o => o.CancelOnDisconnectGrace = grace);
        var a = await LoggedOn(host, "true", WsTestHost.KeyA);
        await Place(a, "Ask", "185");

        var closed = DateTime.UtcNow;
        await a.DisposeAsync();
        await Poll.UntilAsync(async () => await OpenOrders(host, WsTestHost.AccountA) == 0, "A's order is canceled after the grace");
        Assert.True(DateTime.UtcNow - closed >= grace - TimeSpan.FromMilliseconds(50), $"canceled after {DateTime.UtcNow - closed}");
    }

    [Fact]
    public async Task A_query_value_other_than_true_or_false_is_refused_with_400_before_the_upgrade()
    {
        await using var host = Host();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(host.Uri + "?cancelOnDisconnect=yes"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }
}

using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Backpack.Gateway.Host.Tests.Demo;

namespace Backpack.Gateway.Host.Tests;

/// <summary>A drop-copy FIX session of alice's account on the venue sees the order alice places over the WebSocket API and its fill by bob over FIX.</summary>
public class DropCopyOnHostTests
{
    [Fact]
    public async Task A_drop_copy_session_sees_a_websocket_order_and_its_fill()
    {
        await using var venue = await HostTestVenue.StartAsync("--Demo:Enabled=false", "--PriceFeed:Walk=false",
            "--Fix:Sessions:4:TargetCompId=ALICE_DC", "--Fix:Sessions:4:Accounts:0=1001", "--Fix:Sessions:4:DropCopy=true");
        var endpoint = venue.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
        using var drop = new FixTestClient(endpoint, "ALICE_DC", SecretOf("alice"));
        drop.Logon();

        await using var alice = await WsTestClient.ConnectAsync(venue.WebSocketUri);
        await alice.LogOnAsync(SecretOf("alice"));
        var placed = await alice.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Ask", orderType = "Limit", price = "182", quantity = "1.5", clientId = 31 });
        string orderId = placed.GetProperty("result").GetProperty("id").GetString()!;

        var copy = drop.Expect("8");
        Assert.Equal(("0", "Y", "31", orderId, "1001", "2", "182", "1.5"), (copy.GetString(FixTags.ExecType), copy.GetString(FixTags.CopyMsgIndicator),
            copy.GetString(FixTags.ClOrdID), copy.GetString(FixTags.OrderID), copy.GetString(FixTags.Account), copy.GetString(FixTags.Side), copy.GetString(FixTags.Price), copy.GetString(FixTags.OrderQty)));

        using var bob = new FixTestClient(endpoint, "BOB", SecretOf("bob"));
        bob.Logon();
        bob.Send("D", FixTestClient.LimitOrder("b-lift", '1', "1.5", "182"));
        bob.Expect("8");
        bob.Expect("8");
        var fill = drop.Expect("8");
        Assert.Equal(("F", "Y", "31", orderId, "2", "1.5", "182", "0"), (fill.GetString(FixTags.ExecType), fill.GetString(FixTags.CopyMsgIndicator), fill.GetString(FixTags.ClOrdID),
            fill.GetString(FixTags.OrderID), fill.GetString(FixTags.OrdStatus), fill.GetString(FixTags.LastQty), fill.GetString(FixTags.LastPx), fill.GetString(FixTags.LeavesQty)));
    }
}

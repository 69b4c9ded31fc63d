using System.Text.Json;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// The ADL queue in the open over WebSocket: account A buys 100 SOL at 180 from B on 1,000 USDC
/// (a 9 USDC taker fee); at the mark 181 A's long is in profit, B's short at a loss. Each is alone
/// in its queue: rank 1 of 1, nothing ahead.
/// </summary>
public class AdlQueueStreamTests
{
    private static string Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString()! : e.GetProperty(name).GetRawText();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_account_sees_its_place_and_everyone_the_bands(bool messagePack)
    {
        await using var host = new WsTestHost();
        await using var a = await host.ConnectAsync(messagePack);
        await using var b = await host.ConnectAsync(messagePack);
        await using var watcher = await host.ConnectAsync(!messagePack);
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 1_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        await a.LogOnAsync(WsTestHost.KeyA, ["account.adlQueue", "account.positionUpdate"]);
        await b.LogOnAsync(WsTestHost.KeyB, ["account.adlQueue.SOL_USDC_PERP"]);
        await watcher.SubscribeAsync("adlQueue.SOL_USDC_PERP");
        var empty = await watcher.StreamAsync("adlQueue.SOL_USDC_PERP", "adlQueueSnapshot");
        Assert.Equal(9, empty.GetProperty("long").GetArrayLength());
        Assert.All(empty.GetProperty("short").EnumerateArray(), band => Assert.Equal("0", Str(band, "positions")));

        await b.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Ask", orderType = "Limit", price = "180", quantity = "100" });
        await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180", quantity = "100" });
        await a.StreamAsync("account.positionUpdate", "positionOpened");
        host.Index(18_100);
        host.Tick();

        // A: PnL 100 on 18,000 (0.5556%), leverage 18,100 / 1,091 = 16.59: score 0.092168.
        var place = await a.StreamAsync("account.adlQueue", "adlQueuePosition");
        Assert.Equal(("SOL_USDC_PERP", "1", "1", "0", "18100", "0.092168"),
            (Str(place, "s"), Str(place, "rank"), Str(place, "queueLength"), Str(place, "notionalAhead"), Str(place, "notional"), Str(place, "score")));
        var shortPlace = await b.StreamAsync("account.adlQueue.SOL_USDC_PERP", "adlQueuePosition");
        Assert.Equal(("1", "1"), (Str(shortPlace, "rank"), Str(shortPlace, "queueLength")));
        Assert.StartsWith("-", Str(shortPlace, "score"));

        // The public: A's long in band 7 (score 0 to 0.1), B's short in band 8 (at a loss); no account named.
        var longBand = await watcher.StreamAsync("adlQueue.SOL_USDC_PERP", "adlQueue");
        Assert.Equal(("Long", "7", "0", "0.1", "1", "18100"),
            (Str(longBand, "side"), Str(longBand, "band"), Str(longBand, "scoreFrom"), Str(longBand, "scoreTo"), Str(longBand, "positions"), Str(longBand, "notional")));
        var shortBand = await watcher.StreamAsync("adlQueue.SOL_USDC_PERP", "adlQueue");
        Assert.Equal(("Short", "8", "1"), (Str(shortBand, "side"), Str(shortBand, "band"), Str(shortBand, "positions")));
        Assert.Equal(JsonValueKind.Null, shortBand.GetProperty("scoreFrom").ValueKind);
        Assert.False(longBand.TryGetProperty("account", out _));

        // A second connection of A gets the place at logon, a new watcher every band at once.
        await using var again = await host.ConnectAsync(messagePack);
        await again.LogOnAsync(WsTestHost.KeyA, ["account.adlQueue"]);
        var atLogon = await again.StreamAsync("account.adlQueue", "adlQueuePosition");
        Assert.Equal(("1", "1", "18100", "0.092168"), (Str(atLogon, "rank"), Str(atLogon, "queueLength"), Str(atLogon, "notional"), Str(atLogon, "score")));
        await using var late = await host.ConnectAsync(messagePack);
        await late.SubscribeAsync("adlQueue.SOL_USDC_PERP");
        var snapshot = await late.StreamAsync("adlQueue.SOL_USDC_PERP", "adlQueueSnapshot");
        Assert.Equal(("1", "18100"), (Str(snapshot.GetProperty("long")[7], "positions"), Str(snapshot.GetProperty("long")[7], "notional")));
        Assert.Equal("1", Str(snapshot.GetProperty("short")[8], "positions"));

        // A closes: it is told it left the queue at the next tick.
        await b.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "181", quantity = "100" });
        await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Ask", orderType = "Market", quantity = "100" });
        await a.StreamAsync("account.positionUpdate", "positionClosed");
        host.Tick();
        var left = await a.StreamAsync("account.adlQueue", "adlQueuePosition");
        Assert.Equal(("0", "0"), (Str(left, "rank"), Str(left, "queueLength")));
    }
}

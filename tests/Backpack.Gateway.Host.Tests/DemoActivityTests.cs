using System.Text.Json;

namespace Backpack.Gateway.Host.Tests;

/// <summary>The demo configuration as a newcomer runs it: a live book, traders with positions, and a crash that liquidates them.</summary>
public class DemoActivityTests
{
    [Fact]
    public async Task The_demo_keeps_every_book_alive_and_a_crash_liquidates_leveraged_traders_with_the_money_checks_holding()
    {
        await using var venue = await HostTestVenue.StartAsync("--Demo:TradeInterval=00:00:00.300");
        await venue.WaitForSummaryAsync(s => s.GetProperty("markets").EnumerateArray().All(m => m.GetProperty("bidLevels").GetInt32() >= 8 && m.GetProperty("askLevels").GetInt32() >= 8)
            && s.GetProperty("accountsWithPositions").GetInt32() >= 5, "two-sided books and traders in position", TimeSpan.FromSeconds(30));

        await venue.PostAsync("admin/scenarios/gap-down/start?speed=30");
        var after = await venue.WaitForSummaryAsync(s => Liquidations(s).GetProperty("started").GetInt64() > 0 && Liquidations(s).GetProperty("active").GetInt64() == 0
            && s.GetProperty("feed").GetProperty("mode").GetString() == "walk", "settled liquidations after the gap", TimeSpan.FromSeconds(30));

        var l = Liquidations(after);
        Assert.True(l.GetProperty("totalNotional").GetDecimal() > 0, after.GetRawText());
        var checks = after.GetProperty("moneyChecks");
        Assert.Equal(0m, checks.GetProperty("cashDiscrepancy").GetDecimal());
        Assert.True(checks.GetProperty("openInterestBalanced").GetBoolean());
        Assert.Equal(0, checks.GetProperty("negativeEquityAccounts").GetInt32());

        // The liquidation log has every liquidation's start and end, and its forced closes add up to the summary's notional.
        var log = await venue.GetJsonAsync("admin/liquidation-events?after=0");
        Assert.True(log.GetProperty("complete").GetBoolean());
        // (The walk goes on after the crash: only what the summary had seen is compared with it.)
        long seen = after.GetProperty("sequence").GetInt64();
        var events = log.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("sequence").GetInt64() <= seen).ToList();
        var startedIds = events.Where(e => e.GetProperty("kind").GetString() == "liquidationStarted").Select(e => e.GetProperty("liquidationId").GetInt64()).ToList();
        Assert.Equal(l.GetProperty("started").GetInt64(), startedIds.Count);
        Assert.Equal(startedIds.Order(), events.Where(e => e.GetProperty("kind").GetString() == "liquidationEnded").Select(e => e.GetProperty("liquidationId").GetInt64()).Order());
        // Book and ADL closes are logged at the prices the summary counts (a backstop takeover is logged at the
        // liquidated side's bankruptcy price, while the summary counts the provider's price).
        decimal Closed(string stage) => events.Where(e => e.GetProperty("kind").GetString() == "liquidationFill" && e.GetProperty("stage").GetString() == stage)
            .Sum(e => e.GetProperty("price").GetDecimal() * e.GetProperty("quantity").GetDecimal());
        Assert.Equal(l.GetProperty("bookNotional").GetDecimal(), Closed("Book"), 2);
        Assert.Equal(l.GetProperty("adlNotional").GetDecimal(), Closed("Adl"), 2);
        Assert.True(Closed("Backstop") > 0 || Closed("Book") > 0);
        Assert.All(events.Where(e => e.GetProperty("kind").GetString() == "liquidationFill"), e => Assert.Contains(e.GetProperty("liquidationId").GetInt64(), startedIds));
        Assert.Equal(events.Select(e => e.GetProperty("sequence").GetInt64()).Order(), events.Select(e => e.GetProperty("sequence").GetInt64()));

        // Paged three at a time (each page completed to its command's end), the log is the same.
        var paged = new List<long>();
        long afterSeq = 0;
        while (true)
        {
            var logPage = await venue.GetJsonAsync($"admin/liquidation-events?after={afterSeq}&limit=3");
            var pageEvents = logPage.GetProperty("events").EnumerateArray().ToList();
            paged.AddRange(pageEvents.Select(e => e.GetProperty("sequence").GetInt64()));
            if (!logPage.GetProperty("more").GetBoolean()) break;
            afterSeq = pageEvents[^1].GetProperty("sequence").GetInt64();
        }
        var all = (await venue.GetJsonAsync("admin/liquidation-events?after=0")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(all.Where(s => s <= paged[^1]), paged);

        // The page offers the people's demo accounts, not the market maker's or the traders'.
        var page = JsonDocument.Parse(await venue.Http.GetStringAsync("web/config.json")).RootElement;
        Assert.Equal(["alice", "bob", "carol"], page.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("name").GetString()));

        // The clients of the demo are real WebSocket connections of the venue.
        string metrics = await venue.Http.GetStringAsync("metrics");
        Assert.Contains("backpack_websocket_connections 7\n", metrics);
        Assert.DoesNotContain("backpack_liquidations_started_total 0\n", metrics);
    }

    [Fact]
    public async Task Without_the_demo_nobody_trades_and_the_page_offers_no_account()
    {
        await using var venue = await HostTestVenue.StartAsync("--Demo:Enabled=false");
        await Task.Delay(1500);
        var summary = await venue.GetJsonAsync("admin/summary");
        Assert.Equal(0, summary.GetProperty("openOrders").GetInt32());
        var page = JsonDocument.Parse(await venue.Http.GetStringAsync("web/config.json")).RootElement;
        Assert.Equal(0, page.GetProperty("accounts").GetArrayLength());
        Assert.Equal(3, page.GetProperty("markets").GetArrayLength());
    }

    private static JsonElement Liquidations(JsonElement summary) => summary.GetProperty("liquidations");
}

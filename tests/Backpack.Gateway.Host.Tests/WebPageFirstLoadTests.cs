using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Backpack.Gateway.Host.Tests;

/// <summary>
/// A page opened after the venue has traded (and later, liquidated) shows what happened before it
/// opened, from the REST API, the same as the endpoints answer: the candles, the last trades, the
/// insurance fund and the liquidations; then it follows them live. Debian's chromium, Playwright.
/// </summary>
public class WebPageFirstLoadTests(ITestOutputHelper output)
{
    private const string Symbol = "SOL_USDC_PERP";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_fresh_page_shows_the_candles_trades_fund_and_liquidations_from_before_it_opened_then_follows_them()
    {
        await using var venue = await HostTestVenue.StartAsync("--Demo:TradeInterval=00:00:00.500");
        // The demo's traders trade on their own; wait for some trades in the history before opening the page.
        await PollAsync(() => JsonAsync(venue, $"api/v1/trades?symbol={Symbol}&limit=50"), t => t.GetArrayLength() >= 5, "5 trades", TimeSpan.FromSeconds(30));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await WebPageTests.LaunchAsync(playwright);
        var errors = new List<string>();
        long newestBefore = (await JsonAsync(venue, $"api/v1/trades?symbol={Symbol}&limit=1"))[0].GetProperty("id").GetInt64();
        var first = await OpenAsync(browser, venue, errors);
        long openedMinute = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000;

        // The chart: as many candles drawn as the klines endpoint has for the chart's window, with the same prices.
        var candles = await ChartMatchesKlinesAsync(first, venue);
        Assert.True(candles > 0, "no candle drawn");
        // The trades: the endpoint's last 50, the ones from before the page opened included.
        var trades = await TradesMatchAsync(first, venue);
        Assert.Contains(trades, t => t.Id <= newestBefore);
        // The fund before the crash (its stream speaks only when it moves): the engine's balance.
        string fund = (await JsonAsync(venue, "api/v1/x/insuranceFund")).GetProperty("balance").GetString()!;
        Assert.Equal((await venue.GetJsonAsync("admin/summary")).GetProperty("insuranceFund").GetDecimal(), decimal.Parse(fund, CultureInfo.InvariantCulture));
        await Expect(first.Locator("#fund")).ToHaveTextAsync(fund);
        // Its line: the movements of the history endpoint (the demo's opening injection at least).
        int movements = (await JsonAsync(venue, "api/v1/x/insuranceFund/history?limit=500")).GetProperty("movements").GetArrayLength();
        Assert.True(movements >= 1, "the fund's injection is not in its history");
        await Expect(first.Locator("#fund-line")).ToHaveAttributeAsync("data-points", movements.ToString(CultureInfo.InvariantCulture));

        // A crash liquidates the demo's leveraged traders.
        await venue.PostAsync("admin/scenarios/gap-down/start?speed=30");
        await PollAsync(() => JsonAsync(venue, "api/v1/x/liquidations"), l => l.GetArrayLength() >= 3, "3 liquidations", TimeSpan.FromSeconds(60));

        // A page opened now lists them as the endpoint does, with the fund after them; so does the page that saw them live.
        var second = await OpenAsync(browser, venue, errors);
        var liquidations = await LiquidationsMatchAsync(second, venue);
        output.WriteLine($"{liquidations} liquidations on the fresh page");
        await LiquidationsMatchAsync(first, venue);
        foreach (var page in new[] { first, second })
        {
            await PollAsync(async () => (await JsonAsync(venue, "api/v1/x/insuranceFund")).GetProperty("balance").GetString()!, async b => b == await page.Locator("#fund").InnerTextAsync(),
                "the page's fund", Settle);
        }
        Assert.NotEqual(fund, await second.Locator("#fund").InnerTextAsync());
        // Both lines now hold every movement the history has, the one that saw them live as the fresh one.
        foreach (var page in new[] { first, second })
        {
            await PollAsync(async () => (await JsonAsync(venue, "api/v1/x/insuranceFund/history?limit=500")).GetProperty("movements").GetArrayLength(),
                async n => n.ToString(CultureInfo.InvariantCulture) == await page.Locator("#fund-line").GetAttributeAsync("data-points"), "the fund's line", Settle);
        }
        Assert.NotEmpty(await second.Locator("#fund-drawdown").InnerTextAsync());

        // The first page, open since before the crash, built its newer candles from the trades it received: the same as the klines.
        await PollAsync(() => first.EvaluateAsync<long>("state.chart.newest()"), t => t > openedMinute, "a candle after the page opened", TimeSpan.FromSeconds(70));
        await ChartMatchesKlinesAsync(first, venue);
        await TradesMatchAsync(first, venue);

        string screenshot = Path.Combine(AppContext.BaseDirectory, "web-page-first-load.png");
        await second.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"{candles} candles, screenshot: {screenshot}");
        Assert.Empty(errors);
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, HostTestVenue venue, List<string> errors)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(venue.BaseAddress.ToString());
        await Expect(page.Locator("#status")).ToHaveTextAsync("connected (watch only)", new() { Timeout = 20_000 });
        return page;
    }

    /// <summary>
    /// Waits until the chart's candles (open time, OHLC) and the number it drew equal the klines of its window;
    /// returns that number. (Each new trade moves both a moment apart, hence the polling.)
    /// </summary>
    private static async Task<int> ChartMatchesKlinesAsync(IPage page, HostTestVenue venue)
    {
        string last = "";
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var chart = JsonDocument.Parse(await page.EvaluateAsync<string>(
                "(c => JSON.stringify({ start: c.dataset.start, drawn: c.dataset.candles, candles: state.chart.candles }))(document.getElementById('chart'))")).RootElement;
            var klines = await JsonAsync(venue, $"api/v1/klines?symbol={Symbol}&interval=1m&startTime={chart.GetProperty("start").GetString()}");
            var expected = klines.EnumerateArray().Select(k => (
                DateTimeOffset.Parse(k.GetProperty("start").GetString()! + "Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
                Dec(k, "open"), Dec(k, "high"), Dec(k, "low"), Dec(k, "close"))).ToList();
            var shown = chart.GetProperty("candles").EnumerateArray().Select(c => (c.GetProperty("t").GetInt64(),
                c.GetProperty("o").GetDecimal(), c.GetProperty("h").GetDecimal(), c.GetProperty("l").GetDecimal(), c.GetProperty("c").GetDecimal())).ToList();
            int drawn = int.Parse(chart.GetProperty("drawn").GetString()!, CultureInfo.InvariantCulture);
            if (expected.Count > 0 && shown.SequenceEqual(expected) && drawn == expected.Count) return drawn;
            last = $"page drew {drawn}: {string.Join(" ", shown)}\nklines: {string.Join(" ", expected)}";
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("the chart never matched the klines\n" + last);
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until the trades list (id, price, size) equals the endpoint's last 50 trades; returns them.</summary>
    private static async Task<List<(long Id, string Price, string Quantity)>> TradesMatchAsync(IPage page, HostTestVenue venue)
    {
        string last = "";
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var rows = await page.Locator("#trades tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.id, r.cells[0].textContent, r.cells[1].textContent])");
            var shown = rows.Select(r => (long.Parse(r[0], CultureInfo.InvariantCulture), r[1], r[2])).ToList();
            var expected = (await JsonAsync(venue, $"api/v1/trades?symbol={Symbol}&limit=50")).EnumerateArray()
                .Select(t => (t.GetProperty("id").GetInt64(), t.GetProperty("price").GetString()!, t.GetProperty("quantity").GetString()!)).ToList();
            if (expected.Count > 0 && shown.SequenceEqual(expected)) return shown;
            last = $"page: {string.Join(" ", shown)}\nendpoint: {string.Join(" ", expected)}";
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("the trades never matched the endpoint\n" + last);
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until the feed's liquidation lines are the endpoint's, newest first, in the stream's words; returns how many.</summary>
    private static async Task<int> LiquidationsMatchAsync(IPage page, HostTestVenue venue)
    {
        string last = "";
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var rows = await page.Locator("#feed li.liquidation").EvaluateAllAsync<string[][]>("lines => lines.map(l => [l.dataset.liquidation, l.textContent])");
            var expected = (await JsonAsync(venue, "api/v1/x/liquidations?limit=200")).EnumerateArray().Select(l =>
            (
                $"{l.GetProperty("symbol").GetString()}:{l.GetProperty("id").GetInt64()}",
                $"{l.GetProperty("stage").GetString()} liquidation {l.GetProperty("symbol").GetString()}: {(l.GetProperty("side").GetString() == "Ask" ? "long" : "short")} " +
                $"{l.GetProperty("quantity").GetString()} closed at {l.GetProperty("price").GetString()}"
            )).ToList();
            bool same = rows.Length == expected.Count && rows.Zip(expected).All(p => p.First[0] == p.Second.Item1 && p.First[1].EndsWith(" " + p.Second.Item2, StringComparison.Ordinal));
            if (expected.Count > 0 && same) return expected.Count;
            last = $"page: {string.Join(" | ", rows.Select(r => r[1]))}\nendpoint: {string.Join(" | ", expected.Select(e => e.Item2))}";
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("the liquidations never matched the endpoint\n" + last);
            await Task.Delay(200);
        }
    }

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static async Task<JsonElement> JsonAsync(HostTestVenue venue, string path) =>
        JsonDocument.Parse(await venue.Http.GetStringAsync(path)).RootElement.Clone();

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> ready, string what, TimeSpan timeout) =>
        await PollAsync(read, v => Task.FromResult(ready(v)), what, timeout);

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, Task<bool>> ready, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (await ready(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {timeout} for {what}; last: {value}");
            await Task.Delay(200);
        }
    }
}

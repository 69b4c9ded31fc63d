using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Backpack.Gateway.Host.Tests;

/// <summary>
/// The retail page in a real browser: Debian's chromium (/usr/bin/chromium, installed by .ci/run)
/// driven by Playwright, against the demo venue with its liquidity provider and traders.
/// </summary>
public class WebPageTests(ITestOutputHelper output)
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Debian's chromium, headless.</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: `bash .ci/run` installs Debian's chromium");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Running as root needs --no-sandbox; the rest keeps chromium off the (closed) network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    [Fact]
    public async Task The_page_shows_the_book_places_an_order_and_shows_a_liquidation_after_a_crash()
    {
        await using var venue = await HostTestVenue.StartAsync("--Demo:TradeInterval=00:00:00.500");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(venue.BaseAddress.ToString());

        // The book of SOL_USDC_PERP fills from the liquidity provider's quotes; the mark arrives.
        await Expect(page.Locator("#asks tr")).ToHaveCountAsync(8, new() { Timeout = 20_000 });
        await Expect(page.Locator("#bids tr")).ToHaveCountAsync(8);
        await Expect(page.Locator("#mark")).Not.ToHaveTextAsync("–", new() { Timeout = 10_000 });

        // carol logs on (signed in the page with WebCrypto Ed25519) and rests a bid under the market.
        await page.SelectOptionAsync("#account", "1003");
        await Expect(page.Locator("#status")).ToHaveTextAsync("logged on as carol", new() { Timeout = 10_000 });
        string bestBid = await page.Locator("#bids tr >> nth=0 >> td >> nth=0").InnerTextAsync();
        string restingPrice = (decimal.Parse(bestBid, System.Globalization.CultureInfo.InvariantCulture) - 5m).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await page.FillAsync("#price", restingPrice);
        await page.FillAsync("#quantity", "1");
        await page.ClickAsync("#submit");
        await Expect(page.Locator("#ticket-result")).ToContainTextAsync("acknowledged");
        await Expect(page.Locator("#orders tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#orders tr td >> nth=3")).ToHaveTextAsync(restingPrice);

        // A leveraged long (about 14x her 5,000 USDC): the position shows its liquidation estimate and ADL rank.
        await page.SelectOptionAsync("#order-type", "Market");
        await page.FillAsync("#quantity", "400");
        await page.ClickAsync("#submit");
        await Expect(page.Locator("#ticket-result")).ToContainTextAsync("acknowledged: Bid 400 SOL_USDC_PERP (New)");
        var position = page.Locator("#positions tr", new() { HasText = "SOL_USDC_PERP" });
        await Expect(position.Locator("td >> nth=1")).ToHaveTextAsync("400", new() { Timeout = 10_000 });
        await Expect(position.Locator("td >> nth=5")).Not.ToHaveTextAsync("none");
        // Her fills add up to the 400 bought, and the market order shows as filled in her order history.
        await Expect(page.Locator("#my-history tr", new() { HasText = "MARKET" }).Locator("td >> nth=7")).ToHaveTextAsync("Filled");
        await Expect(page.Locator("#my-history tr", new() { HasText = "MARKET" }).Locator("td >> nth=6")).ToHaveTextAsync("400");
        var fills = await page.Locator("#my-fills tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [...r.cells].map(c => c.textContent))");
        Assert.All(fills, f => Assert.Equal(("SOL_USDC_PERP", "Bid", "taker", "USER"), (f[1], f[2], f[6], f[7])));
        Assert.Equal(400m, fills.Sum(f => decimal.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture)));

        // The index gaps 12% lower: carol and the demo's leveraged longs are liquidated.
        await venue.PostAsync("admin/scenarios/gap-down/start?speed=30");
        await Expect(page.Locator("#feed li", new() { HasText = "liquidation SOL_USDC_PERP" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#feed li.mine", new() { HasText = "carol is being LIQUIDATED" })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(page.Locator("#fund")).Not.ToHaveTextAsync("–");
        // The liquidity provider quotes around the new index again.
        await Expect(page.Locator("#asks tr")).ToHaveCountAsync(8, new() { Timeout = 10_000 });

        string screenshot = Path.Combine(AppContext.BaseDirectory, "web-page-after-crash.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine("screenshot: " + screenshot);
        foreach (var line in await page.Locator("#feed li").AllInnerTextsAsync()) output.WriteLine("feed: " + line);
        Assert.Empty(errors);
    }
}

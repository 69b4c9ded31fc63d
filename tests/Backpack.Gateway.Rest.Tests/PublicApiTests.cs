using System.Net;
using System.Text.Json;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Rest.Tests;

/// <summary>Backpack's public endpoints over HTTP, with hand-computed values (SOL: 0.01 ticks, 0.001 lots).</summary>
public class PublicApiTests : IAsyncLifetime
{
    private readonly RestTestHost _host = new();

    public Task InitializeAsync()
    {
        var h = _host;
        h.Index(18_000); // 180.00
        h.Deposit(1, 100_000);
        h.Deposit(2, 100_000);
        h.Limit(2, Side.Sell, 18_010, 3_000);  // 3 SOL at 180.10
        h.Limit(2, Side.Buy, 17_990, 2_000);   // 2 SOL at 179.90
        h.Limit(1, Side.Buy, 18_010, 1_000);   // trade 1: 1 SOL at 180.10
        h.Time += 61_000_000;                   // past the first funding time (a minute after the start)
        h.Tick();
        h.Limit(1, Side.Sell, 17_990, 500);    // trade 2: 0.5 SOL at 179.90
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Status_ping_and_time_answer_as_Backpack_does()
    {
        var (status, body) = await _host.GetJsonAsync("api/v1/status");
        Assert.Equal((HttpStatusCode.OK, "Ok"), (status, body.GetProperty("status").GetString()));
        Assert.Equal("pong", await _host.GetTextAsync("api/v1/ping"));
        Assert.Equal((_host.Time / 1000).ToString(), await _host.GetTextAsync("api/v1/time"));
    }

    [Fact]
    public async Task Markets_list_each_perpetual_with_its_filters_and_funding_terms()
    {
        var (_, body) = await _host.GetJsonAsync("api/v1/markets");
        var sol = Assert.Single(body.EnumerateArray());
        Assert.Equal(("SOL_USDC_PERP", "SOL", "USDC", "PERP", "Open"), (sol.GetProperty("symbol").GetString(), sol.GetProperty("baseSymbol").GetString(),
            sol.GetProperty("quoteSymbol").GetString(), sol.GetProperty("marketType").GetString(), sol.GetProperty("orderBookState").GetString()));
        var filters = sol.GetProperty("filters");
        Assert.Equal(("0.01", "0.001", "0.001"), (filters.GetProperty("price").GetProperty("tickSize").GetString(),
            filters.GetProperty("quantity").GetProperty("stepSize").GetString(), filters.GetProperty("quantity").GetProperty("minQuantity").GetString()));
        Assert.Equal(("60000", "-100", "100"), (sol.GetProperty("fundingInterval").GetString(), sol.GetProperty("fundingRateLowerBound").GetString(),
            sol.GetProperty("fundingRateUpperBound").GetString()));
        var (_, one) = await _host.GetJsonAsync("api/v1/market?symbol=SOL_USDC_PERP");
        Assert.Equal(sol.GetRawText(), one.GetRawText());
        var (_, assets) = await _host.GetJsonAsync("api/v1/assets");
        Assert.Equal(["USDC", "SOL"], assets.EnumerateArray().Select(a => a.GetProperty("symbol").GetString()));
    }

    [Fact]
    public async Task Depth_shows_the_live_book_with_its_sequence_and_a_microsecond_timestamp()
    {
        var (_, body) = await _host.GetJsonAsync("api/v1/depth?symbol=SOL_USDC_PERP");
        Assert.Equal([["180.1", "2"]], body.GetProperty("asks").EnumerateArray().Select(l => l.EnumerateArray().Select(x => x.GetString()!).ToArray()));
        Assert.Equal([["179.9", "1.5"]], body.GetProperty("bids").EnumerateArray().Select(l => l.EnumerateArray().Select(x => x.GetString()!).ToArray()));
        Assert.Equal(_host.Engine.GetBookSequence(1).ToString(), body.GetProperty("lastUpdateId").GetString());
        Assert.Equal(_host.Time, body.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public async Task Trades_and_klines_come_from_the_history()
    {
        var (_, trades) = await _host.GetJsonAsync("api/v1/trades?symbol=SOL_USDC_PERP");
        Assert.Equal([(2L, "179.9", "0.5", "89.95", true, (RestTestHost.Start + 61_000_000) / 1000), (1L, "180.1", "1", "180.1", false, RestTestHost.Start / 1000)],
            trades.EnumerateArray().Select(t => (t.GetProperty("id").GetInt64(), t.GetProperty("price").GetString(), t.GetProperty("quantity").GetString(),
                t.GetProperty("quoteQuantity").GetString(), t.GetProperty("isBuyerMaker").GetBoolean(), t.GetProperty("timestamp").GetInt64())));
        var (_, page) = await _host.GetJsonAsync("api/v1/trades/history?symbol=SOL_USDC_PERP&limit=1&offset=1");
        Assert.Equal(1, Assert.Single(page.EnumerateArray()).GetProperty("id").GetInt64());

        var (_, klines) = await _host.GetJsonAsync($"api/v1/klines?symbol=SOL_USDC_PERP&interval=1m&startTime={RestTestHost.Start / 1_000_000}");
        Assert.Equal([("2026-01-01 00:00:00", "2026-01-01 00:01:00", "180.1", "180.1", "1", "180.1", "1"), ("2026-01-01 00:01:00", "2026-01-01 00:02:00", "179.9", "179.9", "0.5", "89.95", "1")],
            klines.EnumerateArray().Select(k => (k.GetProperty("start").GetString(), k.GetProperty("end").GetString(), k.GetProperty("open").GetString(),
                k.GetProperty("close").GetString(), k.GetProperty("volume").GetString(), k.GetProperty("quoteVolume").GetString(), k.GetProperty("trades").GetString())));
        var (_, mark) = await _host.GetJsonAsync($"api/v1/klines?symbol=SOL_USDC_PERP&interval=1h&priceType=Mark&startTime={RestTestHost.Start / 1_000_000}");
        Assert.Equal("180", Assert.Single(mark.EnumerateArray()).GetProperty("open").GetString());
    }

    [Fact]
    public async Task The_ticker_sums_the_last_day_and_gives_the_change_as_a_fraction()
    {
        var (_, t) = await _host.GetJsonAsync("api/v1/ticker?symbol=SOL_USDC_PERP");
        Assert.Equal(("180.1", "179.9", "180.1", "179.9", "-0.2", "-0.00111", "1.5", "270.05", "2"), (t.GetProperty("firstPrice").GetString(), t.GetProperty("lastPrice").GetString(),
            t.GetProperty("high").GetString(), t.GetProperty("low").GetString(), t.GetProperty("priceChange").GetString(), t.GetProperty("priceChangePercent").GetString(),
            t.GetProperty("volume").GetString(), t.GetProperty("quoteVolume").GetString(), t.GetProperty("trades").GetString()));
        var (_, all) = await _host.GetJsonAsync("api/v1/tickers");
        Assert.Equal(t.GetRawText(), Assert.Single(all.EnumerateArray()).GetRawText());
    }

    [Fact]
    public async Task Mark_prices_funding_and_open_interest_follow_the_engine()
    {
        var (_, marks) = await _host.GetJsonAsync("api/v1/markPrices?symbol=SOL_USDC_PERP");
        var m = Assert.Single(marks.EnumerateArray());
        var (estimate, next, _) = _host.Engine.GetFunding(1);
        Assert.Equal(("180", "180", (estimate / 1_000_000_000m).ToString("0.############"), next / 1000),
            (m.GetProperty("markPrice").GetString(), m.GetProperty("indexPrice").GetString(), m.GetProperty("fundingRate").GetString(), m.GetProperty("nextFundingTimestamp").GetInt64()));
        var (_, oi) = await _host.GetJsonAsync("api/v1/openInterest?symbol=SOL_USDC_PERP");
        Assert.Equal("0.5", Assert.Single(oi.EnumerateArray()).GetProperty("openInterest").GetString()); // account 1 long 1, then sold 0.5
        var (_, rates) = await _host.GetJsonAsync("api/v1/fundingRates?symbol=SOL_USDC_PERP");
        var settled = Assert.Single(rates.EnumerateArray());
        Assert.Equal("2026-01-01T00:01:00.000", settled.GetProperty("intervalEndTimestamp").GetString());
    }

    [Theory]
    [InlineData("api/v1/depth", HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "symbol is required")]
    [InlineData("api/v1/depth?symbol=DOGE_USDC_PERP", HttpStatusCode.BadRequest, "INVALID_SYMBOL", "Unknown symbol 'DOGE_USDC_PERP'")]
    [InlineData("api/v1/depth?symbol=SOL_USDC_PERP&limit=7", HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "limit must be one of 5, 10, 20, 50, 100, 500, 1000")]
    [InlineData("api/v1/klines?symbol=SOL_USDC_PERP&interval=2m&startTime=0", HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "interval must be one of")]
    [InlineData("api/v1/klines?symbol=SOL_USDC_PERP&interval=1m", HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "startTime is required")]
    [InlineData("api/v1/trades?symbol=SOL_USDC_PERP&limit=5000", HttpStatusCode.BadRequest, "INVALID_CLIENT_REQUEST", "limit must be a whole number from 1 to 1000")]
    public async Task Bad_parameters_get_Backpacks_error_body(string path, HttpStatusCode expected, string code, string message)
    {
        var (status, body) = await _host.GetJsonAsync(path);
        Assert.Equal((expected, code), (status, body.GetProperty("code").GetString()));
        Assert.StartsWith(message, body.GetProperty("message").GetString());
    }
}

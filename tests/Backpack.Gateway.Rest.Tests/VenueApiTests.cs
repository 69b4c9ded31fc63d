using System.Net;
using System.Text.Json;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Rest.Tests;

/// <summary>
/// Our extensions under /api/v1/x/ (docs/rest.md) on a worked liquidation. SOL: 0.01 ticks, 0.001
/// lots, IMF 5%, MMF 2.5%, taker fee 5 bp. Account 1 buys 10 SOL at 180.00 on 100 USDC (fee 0.90);
/// the maker (3) quotes 173.90 / 175.00; the index falls to 174.00, so the mark is 174.00:
/// equity 99.10 - 60 = 39.10 is under the maintenance margin 2.5% x 1,740 = 43.50.
/// </summary>
public class VenueApiTests : IAsyncLifetime
{
    private const int Fund = 9_000_000, Long = 1, Short = 2, Maker = 3;
    private readonly RestTestHost _host = new();

    public Task InitializeAsync()
    {
        var h = _host;
        h.Index(18_000);
        h.Deposit(Fund, 1_000);
        h.Deposit(Long, 100);
        h.Deposit(Short, 100_000);
        h.Deposit(Maker, 100_000);
        h.Limit(Short, Side.Sell, 18_000, 10_000);
        h.Limit(Long, Side.Buy, 18_000, 10_000);
        h.Limit(Maker, Side.Buy, 17_390, 20_000);
        h.Limit(Maker, Side.Sell, 17_500, 20_000);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_fund_and_the_forced_closes_answer_from_the_first_request_on()
    {
        var (status, fund) = await _host.GetJsonAsync("api/v1/x/insuranceFund");
        Assert.Equal((HttpStatusCode.OK, "1000", _host.Time / 1000), (status, fund.GetProperty("balance").GetString(), fund.GetProperty("timestamp").GetInt64()));
        Assert.Equal("[]", (await _host.GetJsonAsync("api/v1/x/liquidations")).Body.GetRawText());

        _host.Time += 1_000_000;
        _host.Index(17_400); // the liquidation starts, and its first step sells a slice on the book
        _host.Time += 250_000;
        _host.Tick();        // the account is under 98% of its maintenance margin: the liquidation ends

        // The slice: urgency (43.5 - 39.1) / (43.5 - 21.75) = 20.2%, so 10% + 90% x 20.2% = 28.2% of 10 SOL, but at least
        // 1,000 USDC at the mark 174: ceil(5.7471) = 5.748 SOL, sold into the 173.90 bid (inside the band:
        // 174 x (1 - (1 - 39.1 / 43.5) x 1.5 x 2.5%) = 173.345, 173.35 in ticks toward the mark).
        var (_, all) = await _host.GetJsonAsync("api/v1/x/liquidations");
        var close = Assert.Single(all.EnumerateArray());
        Assert.Equal(("SOL_USDC_PERP", "Ask", "173.9", "5.748", "Book", (RestTestHost.Start + 1_000_000) / 1000),
            (close.GetProperty("symbol").GetString(), close.GetProperty("side").GetString(), close.GetProperty("price").GetString(),
             close.GetProperty("quantity").GetString(), close.GetProperty("stage").GetString(), close.GetProperty("timestamp").GetInt64()));
        var (_, trades) = await _host.GetJsonAsync("api/v1/trades?symbol=SOL_USDC_PERP&limit=1");
        Assert.Equal(trades[0].GetProperty("id").GetInt64(), close.GetProperty("id").GetInt64()); // the slice's trade
        Assert.Equal(all.GetRawText(), (await _host.GetJsonAsync("api/v1/x/liquidations?symbol=SOL_USDC_PERP&limit=1")).Body.GetRawText());

        // The fee: min(1% of 5.748 x 173.90 = 9.995772, the surplus over the bankruptcy price 174 - 39.1 / 10 = 170.09) to the fund.
        Assert.Equal("1009.995772", (await _host.GetJsonAsync("api/v1/x/insuranceFund")).Body.GetProperty("balance").GetString());
        Assert.Equal(1_009_995_772, _host.Engine.InsuranceFundBalance);

        // docs/rest.md shows these answers.
        string doc = File.ReadAllText(TestSupport.RepositoryFiles.PathOf("docs/rest.md")).ReplaceLineEndings("\n");
        foreach (string path in new[] { "/api/v1/x/insuranceFund", "/api/v1/x/liquidations?symbol=SOL_USDC_PERP&limit=1" })
        {
            Assert.Contains($"GET {path}\n{await _host.GetTextAsync(path[1..])}\n", doc);
        }

        // The fund's history: its injection, the fee, then 500 USDC taken out of it: a drawdown of 500 from the peak.
        _host.Time += 1_000_000;
        _host.Withdraw(Fund, 500);
        var (_, history) = await _host.GetJsonAsync("api/v1/x/insuranceFund/history");
        Assert.Equal([("1000", "1000", "Injection", "0"), ("9.995772", "1009.995772", "LiquidationFee", "0"), ("-500", "509.995772", "Injection", "500")],
            history.GetProperty("movements").EnumerateArray().Select(m => (m.GetProperty("change").GetString(), m.GetProperty("balance").GetString(),
                m.GetProperty("reason").GetString(), m.GetProperty("drawdown").GetString())));
        Assert.Equal(("509.995772", "1009.995772", "500", "49.51"), (history.GetProperty("balance").GetString(), history.GetProperty("peak").GetString(),
            history.GetProperty("maxDrawdown").GetString(), history.GetProperty("maxDrawdownPercent").GetString()));
        Assert.Equal(1, history.GetProperty("movements")[1].GetProperty("liquidationId").GetInt64());
        long feeTime = history.GetProperty("movements")[1].GetProperty("timestamp").GetInt64();
        var (_, window) = await _host.GetJsonAsync($"api/v1/x/insuranceFund/history?from={feeTime}&to={feeTime}");
        Assert.Equal(["9.995772"], window.GetProperty("movements").EnumerateArray().Select(m => m.GetProperty("change").GetString()));
        Assert.Equal("0", window.GetProperty("maxDrawdown").GetString());
        var (_, last) = await _host.GetJsonAsync("api/v1/x/insuranceFund/history?limit=1");
        Assert.Equal(["-500"], last.GetProperty("movements").EnumerateArray().Select(m => m.GetProperty("change").GetString()));

        Assert.Contains($"GET /api/v1/x/insuranceFund/history\n{await _host.GetTextAsync("api/v1/x/insuranceFund/history")}\n", doc);
    }

    [Fact]
    public async Task A_liquidations_trail_is_public_without_naming_an_account()
    {
        _host.Time += 1_000_000;
        _host.Index(17_400); // started, and its first step sells a slice
        _host.Time += 250_000;
        _host.Tick();        // ended: under 98% of the maintenance margin

        var (status, trail) = await _host.GetJsonAsync("api/v1/x/liquidation?id=1");
        Assert.Equal((HttpStatusCode.OK, 1L, "Partial"), (status, trail.GetProperty("id").GetInt64(), trail.GetProperty("outcome").GetString()));
        var items = trail.GetProperty("trail").EnumerateArray().ToList();
        Assert.Equal(["started", "step", "step", "fill", "ended"], items.Select(i => i.GetProperty("kind").GetString()));
        // The trigger's figures: equity 39.10 against 43.50 at the mark 174 (index 174), urgency 20.2%, bankruptcy 170.09.
        var trigger = items[1];
        Assert.Equal(("Triggered", "SOL_USDC_PERP", "174", "174", "39.1", "43.5", "170.09"), (trigger.GetProperty("action").GetString(), trigger.GetProperty("symbol").GetString(),
            trigger.GetProperty("markPrice").GetString(), trigger.GetProperty("indexPrice").GetString(), trigger.GetProperty("equity").GetString(),
            trigger.GetProperty("maintenanceMargin").GetString(), trigger.GetProperty("bankruptcyPrice").GetString()));
        // The slice: 5.748 SOL to the book down to 173.35 (173.345 rounded toward the mark), with 20 SOL resting there (the maker's bid at 173.90).
        var slice = items[2];
        Assert.Equal(("Slice", "173.35", "20", "5.748"), (slice.GetProperty("action").GetString(), slice.GetProperty("limit").GetString(),
            slice.GetProperty("bandDepth").GetString(), slice.GetProperty("quantity").GetString()));
        Assert.Equal(("Book", "173.9", "5.748", "170.09"), (items[3].GetProperty("stage").GetString(), items[3].GetProperty("price").GetString(),
            items[3].GetProperty("quantity").GetString(), items[3].GetProperty("bankruptcyPrice").GetString()));
        // Anonymous: no account, no counterparty.
        Assert.DoesNotContain("account", trail.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("counterparty", trail.GetRawText(), StringComparison.OrdinalIgnoreCase);

        var (missing, body) = await _host.GetJsonAsync("api/v1/x/liquidation?id=2");
        Assert.Equal((HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND", "No liquidation 2"), (missing, body.GetProperty("code").GetString(), body.GetProperty("message").GetString()));
        string doc = File.ReadAllText(TestSupport.RepositoryFiles.PathOf("docs/rest.md")).ReplaceLineEndings("\n");
        Assert.Contains($"GET /api/v1/x/liquidation?id=1\n{await _host.GetTextAsync("api/v1/x/liquidation?id=1")}\n", doc);
    }

    [Fact]
    public async Task The_adl_queue_by_score_band_is_public_and_anonymous()
    {
        var (_, before) = await _host.GetJsonAsync("api/v1/x/adlQueue?symbol=SOL_USDC_PERP"); // no ranking yet
        Assert.Equal(0, before.GetProperty("long").GetProperty("positions").GetInt32());
        _host.Time += 250_000;
        _host.Tick();
        // The mark is 175 (the median of the index 180 and the maker's 173.90 / 175.00). The long: PnL -50 on
        // 1,800, at a loss: band 8. The short: PnL% 2.78% at leverage 1,750 / 100,050: score 0.0005, band 7 (0 to 0.1).
        var (status, queue) = await _host.GetJsonAsync("api/v1/x/adlQueue?symbol=SOL_USDC_PERP");
        Assert.Equal(HttpStatusCode.OK, status);
        var longs = queue.GetProperty("long");
        Assert.Equal((1, "1750"), (longs.GetProperty("positions").GetInt32(), longs.GetProperty("notional").GetString()));
        var bands = longs.GetProperty("bands");
        Assert.Equal(9, bands.GetArrayLength());
        Assert.Equal((8, JsonValueKind.Null, "0", 1, "1750", "0"), (bands[8].GetProperty("band").GetInt32(), bands[8].GetProperty("scoreFrom").ValueKind,
            bands[8].GetProperty("scoreTo").GetString(), bands[8].GetProperty("positions").GetInt32(), bands[8].GetProperty("notional").GetString(),
            bands[8].GetProperty("notionalAhead").GetString()));
        var shorts = queue.GetProperty("short").GetProperty("bands");
        Assert.Equal(("0", "0.1", 1, "1750", "0"), (shorts[7].GetProperty("scoreFrom").GetString(), shorts[7].GetProperty("scoreTo").GetString(),
            shorts[7].GetProperty("positions").GetInt32(), shorts[7].GetProperty("notional").GetString(), shorts[7].GetProperty("notionalAhead").GetString()));
        Assert.Equal("1750", shorts[8].GetProperty("notionalAhead").GetString());
        Assert.Equal(_host.Time / 1000, queue.GetProperty("timestamp").GetInt64());
        Assert.DoesNotContain("account", queue.GetRawText(), StringComparison.OrdinalIgnoreCase);
        string doc = File.ReadAllText(TestSupport.RepositoryFiles.PathOf("docs/rest.md")).ReplaceLineEndings("\n");
        Assert.Contains($"GET /api/v1/x/adlQueue?symbol=SOL_USDC_PERP\n{await _host.GetTextAsync("api/v1/x/adlQueue?symbol=SOL_USDC_PERP")}\n", doc);
    }

    [Theory]
    [InlineData("api/v1/x/adlQueue", "INVALID_CLIENT_REQUEST", "symbol is required")]
    [InlineData("api/v1/x/adlQueue?symbol=DOGE_USDC_PERP", "INVALID_SYMBOL", "Unknown symbol 'DOGE_USDC_PERP'")]
    [InlineData("api/v1/x/liquidations?symbol=DOGE_USDC_PERP", "INVALID_SYMBOL", "Unknown symbol 'DOGE_USDC_PERP'")]
    [InlineData("api/v1/x/liquidations?symbol=", "INVALID_CLIENT_REQUEST", "symbol is required")]
    [InlineData("api/v1/x/liquidations?limit=0", "INVALID_CLIENT_REQUEST", "limit must be a whole number from 1 to 1000")]
    [InlineData("api/v1/x/liquidations?limit=ten", "INVALID_CLIENT_REQUEST", "limit must be a whole number from 1 to 1000")]
    [InlineData("api/v1/x/insuranceFund/history?limit=0", "INVALID_CLIENT_REQUEST", "limit must be a whole number from 1 to 10000")]
    [InlineData("api/v1/x/liquidation?id=one", "INVALID_CLIENT_REQUEST", "id must be a liquidation id (digits)")]
    [InlineData("api/v1/x/liquidation", "INVALID_CLIENT_REQUEST", "id must be a liquidation id (digits)")]
    [InlineData("api/v1/x/insuranceFund/history?from=yesterday", "INVALID_CLIENT_REQUEST", "from must be a time in milliseconds since the epoch")]
    [InlineData("api/v1/x/insuranceFund/history?from=2000&to=1000", "INVALID_CLIENT_REQUEST", "to must not be before from")]
    public async Task Bad_parameters_get_Backpacks_error_body(string path, string code, string message)
    {
        var (status, body) = await _host.GetJsonAsync(path);
        Assert.Equal((HttpStatusCode.BadRequest, code, message), (status, body.GetProperty("code").GetString(), body.GetProperty("message").GetString()));
    }
}

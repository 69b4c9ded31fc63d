using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Backpack.Gateway.TestSupport;

namespace Backpack.Gateway.Host.Tests;

/// <summary>/health, /metrics and /admin over real HTTP on loopback, with the demo activity off so that every count is known.</summary>
public class AdminEndpointTests
{
    private static readonly string[] Quiet = ["--Demo:Enabled=false", "--PriceFeed:Walk=false"];

    [Fact]
    public async Task Health_needs_no_token_while_metrics_and_admin_refuse_a_missing_or_wrong_one()
    {
        await using var venue = await HostTestVenue.StartAsync(Quiet);
        using var anonymous = new HttpClient { BaseAddress = venue.BaseAddress };

        using var health = await anonymous.GetAsync("health");
        var document = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(("ready", true, true), (document.GetProperty("status").GetString(), document.GetProperty("live").GetBoolean(), document.GetProperty("ready").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/ready")).StatusCode);

        foreach (string path in new[] { "metrics", "admin/summary", "admin/scenarios", "admin/liquidation-events" })
        {
            using var refused = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        }
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostTestVenue.AdminToken + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("admin/scenarios/gap-down/start", null)).StatusCode);
        Assert.Equal("still", (await venue.GetJsonAsync("admin/scenarios")).GetProperty("feed").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task The_liquidation_log_is_empty_on_a_calm_venue_and_refuses_a_bad_page()
    {
        await using var venue = await HostTestVenue.StartAsync(Quiet);
        var log = await venue.GetJsonAsync("admin/liquidation-events?after=0&limit=5");
        Assert.True(log.GetProperty("complete").GetBoolean());
        Assert.False(log.GetProperty("more").GetBoolean());
        Assert.Equal(0, log.GetProperty("events").GetArrayLength());
        foreach (string bad in new[] { "limit=0", "limit=10001", "after=-1" })
        {
            using var refused = await venue.Http.GetAsync("admin/liquidation-events?" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("limit 1 to 10000", await refused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Without_a_configured_token_the_admin_endpoints_are_off()
    {
        await using var venue = await HostTestVenue.StartAsync([.. Quiet, "--Admin:Token="]);
        using var metrics = await venue.Http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Forbidden, metrics.StatusCode);
        Assert.Contains("set Admin:Token", await metrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await venue.Http.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task Metrics_count_orders_rejects_by_reason_commands_and_connections_in_Prometheus_text()
    {
        await using var venue = await HostTestVenue.StartAsync(Quiet);
        await using (var carol = await WsTestClient.ConnectAsync(venue.WebSocketUri))
        {
            await carol.LogOnAsync(Demo.SecretOf("carol"), "account.orderUpdate");
            var placed = await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "179", quantity = "1" });
            Assert.Equal("New", placed.GetProperty("result").GetProperty("status").GetString());
            var refused = await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "100", quantity = "1" });
            Assert.Equal("PRICE_OUT_OF_BAND", refused.GetProperty("error").GetProperty("code").GetString());

            using var response = await venue.Http.GetAsync("metrics");
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            var metrics = Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(1, metrics["backpack_orders_accepted_total"]);
            Assert.Equal(1, metrics["backpack_rejects_total{kind=\"order\",reason=\"PriceOutOfBand\"}"]);
            Assert.Equal(1, metrics["backpack_websocket_connections"]);
            Assert.Equal(250_000, metrics["backpack_insurance_fund_balance_usdc"]);
            Assert.Equal(0, metrics["backpack_liquidation_fills_total{stage=\"Book\"}"]);
            Assert.Equal(0, metrics["backpack_engine_queue_depth"]);
            Assert.Equal(4, metrics["backpack_fix_sessions{state=\"logged_off\"}"]);
            Assert.Equal(0, metrics["backpack_fix_message_log_dropped_lines_total"]); // the log is off in the demo
            // The process: CPU, collections per generation, pauses and allocation, as the load report reads them.
            Assert.True(metrics["process_cpu_time_seconds_total"] > 0);
            Assert.True(metrics["dotnet_gc_heap_total_allocated_bytes_total"] > 0);
            Assert.True(metrics["dotnet_gc_pause_time_seconds_total"] >= 0);
            Assert.True(metrics.ContainsKey("dotnet_gc_collections_total{generation=\"gen0\"}") && metrics.ContainsKey("dotnet_gc_collections_total{generation=\"gen2\"}"));
            // The latency histogram: cumulative buckets up to +Inf, which equals the count.
            Assert.Equal(2, metrics["backpack_engine_command_duration_seconds_count{command=\"NewOrder\"}"]);
            Assert.Equal(2, metrics["backpack_engine_command_duration_seconds_bucket{command=\"NewOrder\",le=\"+Inf\"}"]);
            Assert.True(metrics["backpack_engine_commands_total"] >= metrics["backpack_engine_command_duration_seconds_count{command=\"Deposit\"}"]);
        }
        var text = await venue.Http.GetStringAsync("metrics");
        Assert.Contains("# TYPE backpack_orders_accepted_total counter\n", text);
        Assert.Contains("# TYPE backpack_engine_command_duration_seconds histogram\n", text);
        Assert.Contains("# HELP backpack_insurance_fund_balance_usdc Insurance fund balance\n", text);
    }

    [Fact]
    public async Task The_summary_reports_accounts_markets_the_fund_and_the_money_checks()
    {
        await using var venue = await HostTestVenue.StartAsync(Quiet);
        var summary = await venue.WaitForSummaryAsync(s => s.GetProperty("accounts").GetInt32() == 10, "the ten demo accounts", TimeSpan.FromSeconds(10));
        Assert.Equal(250_000m, summary.GetProperty("insuranceFund").GetDecimal());
        Assert.Equal(Demo.Settings.Accounts.Sum(a => a.Deposit) + 250_000m, summary.GetProperty("deposits").GetDecimal());
        var sol = summary.GetProperty("markets").EnumerateArray().Single(m => m.GetProperty("symbol").GetString() == "SOL_USDC_PERP");
        Assert.Equal(180m, sol.GetProperty("index").GetDecimal());
        Assert.Equal(0m, sol.GetProperty("longOpenInterest").GetDecimal());
        var checks = summary.GetProperty("moneyChecks");
        Assert.Equal((0m, true, 0), (checks.GetProperty("cashDiscrepancy").GetDecimal(), checks.GetProperty("openInterestBalanced").GetBoolean(), checks.GetProperty("negativeEquityAccounts").GetInt32()));
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("liquidations").GetProperty("bookShare").ValueKind);
    }

    /// <summary>Prometheus text to sample name (with labels) -> value.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.LastIndexOf(' ');
            samples[line[..space]] = line[(space + 1)..] == "+Inf" ? double.PositiveInfinity : double.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return samples;
    }
}

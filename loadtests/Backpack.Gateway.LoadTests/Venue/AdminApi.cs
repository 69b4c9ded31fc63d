using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Backpack.Gateway.LoadTests.Venue;

/// <summary>The parts of GET /admin/summary the run reads (docs/operations.md).</summary>
public sealed record VenueSummary(long Sequence, long Time, string StateHash, int Accounts, int AccountsWithPositions, int OpenOrders,
    IReadOnlyList<VenueSummary.Market> Markets, decimal InsuranceFund, VenueSummary.LiquidationTotals Liquidations, VenueSummary.Checks MoneyChecks)
{
    public sealed record Market(string Symbol, decimal TickSize, decimal StepSize, decimal Index, decimal Mark, decimal LongOpenInterest,
        decimal ShortOpenInterest, decimal? BestBid, decimal? BestAsk, int BidLevels, int AskLevels);

    public sealed record LiquidationTotals(long Started, long Active, long Averted, long Partial, long Full, long Bankrupt,
        decimal BookNotional, decimal BackstopNotional, decimal FundNotional, decimal AdlNotional, decimal TotalNotional, decimal? BookShare,
        decimal Fees, decimal ShortfallsPaid);

    public sealed record Checks(decimal CashDiscrepancy, bool OpenInterestBalanced, int NegativeEquityAccounts, decimal NegativeEquity);
}

/// <summary>One margin-call, liquidation or ADL event of GET /admin/liquidation-events.</summary>
public sealed record EngineLiquidationEvent(long Sequence, long Time, string Kind, int Account, long? LiquidationId,
    string? Symbol, string? Stage, string? Side, decimal? Price, decimal? Quantity, long? TradeId, int? Counterparty, string? Role, string? Outcome);

/// <summary>The host's HTTP endpoints: health, the admin summary, crash scenarios and the liquidation log (bearer token).</summary>
public sealed class AdminApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public AdminApi(Uri baseAddress, string token)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Waits until GET /health/ready answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await _http.GetAsync("health/ready", cancellation);
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(250, cancellation);
        }
        throw new TimeoutException($"{_http.BaseAddress}health/ready did not answer 200 within {timeout.TotalSeconds} s: {last}");
    }

    /// <summary>GET /admin/summary; asked again for up to 30 s while the host answers 503 (its engine too busy to answer in time).</summary>
    public async Task<VenueSummary> SummaryAsync(CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await GetAsync<VenueSummary>("admin/summary", cancellation);
            }
            catch (BusyException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellation);
            }
        }
    }

    /// <summary>The host answered 503: busy, not broken.</summary>
    private sealed class BusyException(string message) : InvalidOperationException(message);

    /// <summary>Starts a scenario; returns its length in seconds of the run (its duration divided by the speed).</summary>
    public async Task<double> StartScenarioAsync(string name, double speed, CancellationToken cancellation)
    {
        using var response = await _http.PostAsync($"admin/scenarios/{Uri.EscapeDataString(name)}/start?speed={speed.ToString(CultureInfo.InvariantCulture)}", null, cancellation);
        string body = await response.Content.ReadAsStringAsync(cancellation);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"starting scenario {name}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("duration").GetDouble() / document.RootElement.GetProperty("speed").GetDouble();
    }

    /// <summary>Every logged event after <paramref name="afterSequence"/>, page by page.</summary>
    public async Task<IReadOnlyList<EngineLiquidationEvent>> LiquidationEventsAsync(long afterSequence, CancellationToken cancellation)
    {
        var all = new List<EngineLiquidationEvent>();
        while (true)
        {
            var page = await GetAsync<EventPage>($"admin/liquidation-events?after={afterSequence}", cancellation);
            if (!page.Complete) throw new InvalidOperationException("the host's liquidation log no longer reaches back to the start of the run");
            all.AddRange(page.Events);
            if (!page.More || page.Events.Count == 0) return all;
            afterSequence = page.Events[^1].Sequence; // pages end at a command boundary
        }
    }

    /// <summary>GET /metrics, parsed (<see cref="VenueMetrics"/>).</summary>
    public async Task<VenueMetrics> MetricsAsync(CancellationToken cancellation) =>
        VenueMetrics.Parse(await _http.GetStringAsync("metrics", cancellation));

    private sealed record EventPage(long After, bool Complete, bool More, IReadOnlyList<EngineLiquidationEvent> Events);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellation)
    {
        using var response = await _http.GetAsync(path, cancellation);
        if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
        {
            throw new BusyException($"GET {path}: 503 {await response.Content.ReadAsStringAsync(cancellation)}");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
        }
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellation))!;
    }

    public void Dispose() => _http.Dispose();
}

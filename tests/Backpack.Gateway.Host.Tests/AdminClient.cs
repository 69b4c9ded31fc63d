using System.Net.Http.Headers;
using System.Text.Json;

namespace Backpack.Gateway.Host.Tests;

/// <summary>An HTTP client of a venue's health, metrics and admin endpoints, carrying the demo's admin token.</summary>
public sealed class AdminClient : IDisposable
{
    public const string Token = "demo-admin-token-change-me";

    public AdminClient(Uri baseAddress)
    {
        Http = new HttpClient { BaseAddress = baseAddress };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public HttpClient Http { get; }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> PostAsync(string path)
    {
        using var response = await Http.PostAsync(path, null);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls the engine summary until <paramref name="condition"/> holds; returns that summary.</summary>
    public async Task<JsonElement> WaitForSummaryAsync(Func<JsonElement, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var summary = await GetJsonAsync("admin/summary");
            if (condition(summary)) return summary;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} within {timeout}: {summary.GetRawText()}");
            await Task.Delay(200);
        }
    }

    public void Dispose() => Http.Dispose();
}

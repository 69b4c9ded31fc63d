using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Host.Metrics;
using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Host.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backpack.Gateway.Host.Admin;

/// <summary>
/// Health, metrics and admin over HTTP on the host's Kestrel server (docs/operations.md):
/// <list type="bullet">
/// <item>GET /health, /health/live, /health/ready: no token.</item>
/// <item>GET /metrics: Prometheus text. GET /admin/summary, GET /admin/scenarios, POST
/// /admin/scenarios/{name}/start?speed=x, POST /admin/scenarios/stop, GET
/// /admin/liquidation-events?after=seq&amp;limit=n: bearer token (Admin:Token).</item>
/// </list>
/// </summary>
public static class AdminEndpoints
{
    /// <summary>How long the engine may take to answer before it is reported not live.</summary>
    public static readonly TimeSpan EngineAnswerTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Most liquidation events one request returns.</summary>
    public const int MaxLiquidationEvents = 10_000;

    private static readonly JsonSerializerOptions IgnoreNulls = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Map(WebApplication app)
    {
        var venue = app.Services.GetRequiredService<Venue>();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var feed = app.Services.GetRequiredService<IndexFeed>();
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        var liquidations = app.Services.GetRequiredService<LiquidationLog>();
        byte[] token = Encoding.UTF8.GetBytes(venue.Settings.Admin.Token);
        var started = DateTime.UtcNow;

        app.MapGet("/health/live", async () =>
        {
            long? sequence = await EngineSequenceAsync(venue);
            return sequence is null
                ? Results.Json(new { status = "down", reason = "the engine did not answer within " + EngineAnswerTimeout.TotalSeconds + " s" }, statusCode: 503)
                : Results.Json(new { status = "live", sequence });
        });
        async Task<IResult> Readiness()
        {
            var health = await HealthAsync(venue, lifetime, started);
            return Results.Json(health, statusCode: health.Ready ? 200 : 503);
        }
        app.MapGet("/health/ready", Readiness);
        app.MapGet("/health", Readiness);

        app.MapGet("/metrics", (HttpContext http) =>
            Authorize(http, token) ?? Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));

        app.MapGet("/admin/summary", async (HttpContext http) =>
        {
            if (Authorize(http, token) is { } refused) return refused;
            try
            {
                var (summary, hash) = await venue.Runner.InspectAsync(e => (e.Summarize(), e.ComputeStateHash())).WaitAsync(EngineAnswerTimeout);
                return Results.Json(SummaryDocument.From(summary, hash, venue, feed.Status));
            }
            catch (Exception e) when (e is TimeoutException or ObjectDisposedException)
            {
                return Results.Json(new { error = "The engine did not answer: " + e.Message }, statusCode: 503);
            }
        });
        app.MapGet("/admin/liquidation-events", (HttpContext http, long? after, int? limit) =>
        {
            if (Authorize(http, token) is { } refused) return refused;
            if (after < 0 || limit is < 1 or > MaxLiquidationEvents)
            {
                return Results.Json(new { error = $"after must be 0 or more and limit 1 to {MaxLiquidationEvents}" }, statusCode: 400);
            }
            var (events, complete, more) = liquidations.Read(after ?? 0, limit ?? MaxLiquidationEvents);
            return Results.Json(new { after = after ?? 0, complete, more, events }, IgnoreNulls);
        });
        app.MapGet("/admin/scenarios", (HttpContext http) => Authorize(http, token) ?? Results.Json(new
        {
            feed = feed.Status,
            scenarios = feed.Scenarios.All.OrderBy(s => s.Name, StringComparer.Ordinal)
                .Select(s => new { name = s.Name, description = s.Description, durationSeconds = s.DurationSeconds }),
        }));
        app.MapPost("/admin/scenarios/stop", (HttpContext http) => Authorize(http, token) ?? Results.Json(feed.StopScenario()));
        app.MapPost("/admin/scenarios/{name}/start", (HttpContext http, string name, string? speed) =>
        {
            if (Authorize(http, token) is { } refused) return refused;
            double playback = 1;
            if (speed is not null && !double.TryParse(speed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out playback))
            {
                return Results.Json(new { error = "speed must be a number 0.01 to 1000" }, statusCode: 400);
            }
            try
            {
                return Results.Json(feed.StartScenario(name, playback), statusCode: 202);
            }
            catch (KeyNotFoundException e)
            {
                return Results.Json(new { error = e.Message }, statusCode: 404);
            }
            catch (ArgumentOutOfRangeException)
            {
                return Results.Json(new { error = "speed must be a number 0.01 to 1000" }, statusCode: 400);
            }
        });
    }

    /// <summary>Null when the request carries the admin token, else the refusal to send.</summary>
    private static IResult? Authorize(HttpContext http, byte[] token)
    {
        if (token.Length == 0) return Results.Json(new { error = "The admin endpoints are off: set Admin:Token" }, statusCode: 403);
        string header = http.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()), token))
        {
            return null;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Json(new { error = "Authorization: Bearer <Admin:Token> required" }, statusCode: 401);
    }

    private static async Task<long?> EngineSequenceAsync(Venue venue)
    {
        try
        {
            return await venue.Runner.InspectAsync(e => e.LastSequence).WaitAsync(EngineAnswerTimeout);
        }
        catch (Exception e) when (e is TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<HealthDocument> HealthAsync(Venue venue, IHostApplicationLifetime lifetime, DateTime started)
    {
        long? sequence = await EngineSequenceAsync(venue);
        bool stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        bool running = lifetime.ApplicationStarted.IsCancellationRequested;
        bool ready = sequence is not null && running && !stopping;
        string status = sequence is null ? "down" : stopping ? "stopping" : running ? "ready" : "starting";
        return new HealthDocument(status, sequence is not null, ready, sequence ?? 0, Math.Round((DateTime.UtcNow - started).TotalSeconds, 1));
    }

    private sealed record HealthDocument(string Status, bool Live, bool Ready, long Sequence, double UptimeSeconds);
}

using System.Text.Json;
using Backpack.Gateway.Host.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.Host.Tests;

/// <summary>
/// The demo venue as the program builds it, on ports chosen by the system, with a temporary folder
/// for its FIX store, journal and snapshots, and extra --Section:Key=value overrides; an HTTP client for its health, metrics and admin
/// endpoints (carrying the demo's admin token).
/// </summary>
public sealed class HostTestVenue : IAsyncDisposable
{
    public const string AdminToken = AdminClient.Token;

    private readonly string _store;
    private readonly bool _keep;

    private HostTestVenue(WebApplication app, string store, bool keep)
    {
        App = app;
        _store = store;
        _keep = keep;
    }

    public WebApplication App { get; }
    public AdminClient Admin { get; private set; } = null!;
    public HttpClient Http => Admin.Http;
    public Uri BaseAddress { get; private set; } = null!;
    public Uri WebSocketUri { get; private set; } = null!;

    public static Task<HostTestVenue> StartAsync(params string[] overrides) =>
        StartInAsync(Path.Combine(Path.GetTempPath(), "bp-host-" + Guid.NewGuid().ToString("N")), keep: false, overrides);

    /// <summary>A venue whose FIX store and journal are in <paramref name="store"/>; kept after it stops when <paramref name="keep"/> (to start it again).</summary>
    public static async Task<HostTestVenue> StartInAsync(string store, bool keep, params string[] overrides)
    {
        string[] all = ["--Fix:Listen=127.0.0.1:0", "--WebSocket:Listen=127.0.0.1:0", "--Fix:TlsListen=127.0.0.1:0", "--WebSocket:HttpsListen=127.0.0.1:0", "--Tls:DemoCertificate=" + Path.Combine(store, "tls", "demo-certificate.pfx"), "--Fix:StoreDirectory=" + Path.Combine(store, "fix"),
            "--Journal:Directory=" + Path.Combine(store, "journal"), "--Snapshots:Directory=" + Path.Combine(store, "snapshots"), .. overrides];
        var venue = new HostTestVenue(GatewayHost.Build(GatewayHost.LoadConfiguration(null, all)), store, keep);
        try
        {
            await venue.App.StartAsync();
        }
        catch
        {
            await venue.App.DisposeAsync();
            throw;
        }
        string ws = venue.App.Services.GetRequiredService<WebSocketService>().Url;
        venue.WebSocketUri = new Uri(ws);
        venue.BaseAddress = new Uri("http" + ws["ws".Length..^venue.WebSocketUri.AbsolutePath.Length] + "/");
        venue.Admin = new AdminClient(venue.BaseAddress);
        return venue;
    }

    public Task<JsonElement> GetJsonAsync(string path) => Admin.GetJsonAsync(path);

    public Task<JsonElement> PostAsync(string path) => Admin.PostAsync(path);

    /// <summary>Polls the engine summary until <paramref name="condition"/> holds; returns that summary.</summary>
    public Task<JsonElement> WaitForSummaryAsync(Func<JsonElement, bool> condition, string what, TimeSpan timeout) =>
        Admin.WaitForSummaryAsync(condition, what, timeout);

    /// <summary>Stops the host (as Ctrl+C would) and returns the engine's state hash and sequence as it stopped.</summary>
    public async Task<(ulong Hash, long Sequence)> StopAsync()
    {
        await App.StopAsync();
        var engine = App.Services.GetRequiredService<Venue>().Engine; // its thread has ended
        return (engine.ComputeStateHash(), engine.LastSequence);
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
            if (!_keep && Directory.Exists(_store)) Directory.Delete(_store, recursive: true);
        }
    }
}

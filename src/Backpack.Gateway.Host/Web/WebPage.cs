using System.Reflection;
using Backpack.Gateway.Host.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.Host.Web;

/// <summary>
/// The retail web page at / (docs/web-page.md): index.html, app.js and style.css from the assembly's
/// resources, and /web/config.json with the markets and, when the demo is on (Demo:Enabled), the
/// accounts the page can log on as: those whose ApiSecret is in the configuration (the demo's
/// published keys), except the demo's own market maker and traders. Otherwise the page has no
/// account to pick and only watches.
/// </summary>
public static class WebPage
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    public static void Map(WebApplication app)
    {
        var assembly = typeof(WebPage).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            byte[] content = Read(assembly, resource);
            string file = resource["wwwroot/".Length..];
            string type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            app.MapGet(file == "index.html" ? "/" : "/" + file, () => Results.Bytes(content, type));
        }
        var venue = app.Services.GetRequiredService<Venue>();
        var demo = venue.Settings.Demo;
        // The demo's own market maker and traders are not offered: the page would trade against their plans.
        var actors = demo.Traders.Select(t => t.Account).Append(demo.LiquidityProvider.Account).ToHashSet();
        var config = new
        {
            wsPath = venue.Settings.WebSocket.Path,
            markets = venue.Markets.Select(m => new { symbol = m.Symbol, tickSize = m.TickSize, stepSize = m.StepSize, minQuantity = m.MinQuantity }),
            accounts = venue.Settings.Accounts.Where(a => demo.Enabled && a.ApiSecret is not null && !actors.Contains(a.Id))
                .Select(a => new { id = a.Id, name = a.Name, apiKey = a.ApiKey, apiSecret = a.ApiSecret }),
        };
        app.MapGet("/web/config.json", () => Results.Json(config));
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

using Backpack.Gateway.Host.Admin;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Host.Demo;
using Backpack.Gateway.Host.Metrics;
using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Host.Web;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host;

/// <summary>
/// Builds the running venue. Configuration, later sources overriding earlier ones:
/// config/markets.json, config/gateway.json, an extra JSON file (--config), environment
/// variables prefixed BACKPACK_ (BACKPACK_Fix__Listen=...), then command-line --Section:Key=value.
/// </summary>
public static class GatewayHost
{
    public const string EnvironmentPrefix = "BACKPACK_";

    public static IConfiguration LoadConfiguration(string? extraFile, string[] overrides)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(ConfigFiles.Resolve("config/markets.json"), optional: false, reloadOnChange: false)
            .AddJsonFile(ConfigFiles.Resolve("config/gateway.json"), optional: false, reloadOnChange: false);
        if (extraFile is not null) builder.AddJsonFile(Path.GetFullPath(extraFile), optional: false, reloadOnChange: false);
        return builder.AddEnvironmentVariables(EnvironmentPrefix).AddCommandLine(overrides).Build();
    }

    /// <summary>The host for the settings (throws <see cref="ConfigurationException"/> when they are not usable).</summary>
    public static WebApplication Build(IConfiguration configuration)
    {
        var settings = GatewaySettings.Load(configuration);
        var scenarios = ScenarioLibrary.Load(settings.PriceFeed.ScenarioDirectory);
        if (settings.PriceFeed.Scenario is { } atLaunch && !scenarios.TryGet(atLaunch, out _))
        {
            throw new ConfigurationException([$"PriceFeed:Scenario: unknown scenario '{atLaunch}' (the scenarios are {scenarios.Names})"]);
        }
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        var certificate = VenueCertificate.For(settings);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(settings.WebSocket.ParseListen());
            if (settings.WebSocket.ParseHttpsListen() is { } https)
            {
                // HTTPS and WSS: the same endpoints, the venue's certificate and client-certificate rule.
                var validate = TlsCertificates.ClientValidator(settings.Tls);
                kestrel.Listen(https, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificate.Certificate,
                    ClientCertificateMode = settings.Tls.ClientCertificates switch
                    {
                        ClientCertificates.Required => ClientCertificateMode.RequireCertificate,
                        ClientCertificates.Optional => ClientCertificateMode.AllowCertificate,
                        _ => ClientCertificateMode.NoCertificate,
                    },
                    ClientCertificateValidation = (client, chain, errors) => validate(client, chain, errors),
                }));
            }
        });
        builder.Services.AddSingleton(certificate);
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Services.AddRouting();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(scenarios);
        builder.Services.AddSingleton<Venue>();
        // Started in this order and stopped in reverse: the engine runs before clients can connect and
        // after they are gone; the demo's clients leave before the front ends close; the front ends'
        // dispatchers and stores close last, after the engine's final events (FrontEndCloser).
        builder.Services.AddHostedService<FrontEndCloser>();
        builder.Services.AddHostedService<EngineService>();
        builder.Services.AddHostedService<SnapshotService>();
        builder.Services.AddSingleton<HistoryService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HistoryService>());
        builder.Services.AddSingleton<RestService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RestService>());
        builder.Services.AddSingleton<FixService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FixService>());
        builder.Services.AddSingleton<WebSocketService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebSocketService>());
        builder.Services.AddSingleton<IndexFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IndexFeed>());
        builder.Services.AddHostedService<DemoActivity>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<LiquidationLog>();
        builder.Services.AddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<GatewayMetrics>().Meter));
        var app = builder.Build();
        // The metrics and the liquidation log count from the first command: their consumers join the engine before it starts.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.Services.GetRequiredService<LiquidationLog>();
        app.Services.GetRequiredService<WebSocketService>().FrontEnd.MapTo(app);
        var rest = app.Services.GetRequiredService<RestService>().Api;
        app.MapBackpackPublicApi(rest);
        app.MapBackpackPrivateApi(rest);
        // The page's first load (docs/rest.md, our extensions): the fund's balance follows the engine's events from the recovered state on.
        var venue = app.Services.GetRequiredService<Venue>();
        var fund = new InsuranceFundWatch(venue.Engine.InsuranceFundBalance);
        venue.Observers.Add(fund);
        app.MapVenueApi(rest, () => fund.Balance);
        AdminEndpoints.Map(app);
        WebPage.Map(app);
        return app;
    }
}

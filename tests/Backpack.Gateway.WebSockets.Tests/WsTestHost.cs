using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// A whole WebSocket gateway in the test process: engine thread, the WebSocket front end on a
/// real Kestrel server bound to a free loopback port, and three accounts with fresh keys.
/// </summary>
public sealed class WsTestHost : IAsyncDisposable
{
    public const int AccountA = 101;
    public const int AccountB = 102;
    public const int AccountC = 103;

    public static readonly byte[] KeyA = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    public static readonly byte[] KeyB = Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    public static readonly byte[] KeyC = Convert.FromHexString("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7");

    private readonly WebApplication _app;

    /// <param name="configure">changes to the WebSocket settings</param>
    /// <param name="tick">the engine's tick interval (none by default)</param>
    /// <param name="market">the market (<see cref="Market"/> by default)</param>
    /// <param name="clock">the engine's clock (the system clock by default); signatures are always checked against the system clock</param>
    /// <param name="engine">engine settings</param>
    /// <param name="rest">also serve Backpack's public REST API (live market data, no history) on the same port, as the host does</param>
    public WsTestHost(Action<WebSocketApiOptions>? configure = null, TimeSpan? tick = null, MarketDefinition? market = null, Func<long>? clock = null,
        EngineOptions? engine = null, bool rest = false)
    {
        Markets = [market ?? Market()];
        Engine = new MatchingEngine(Markets, engine ?? new EngineOptions());
        Runner = new EngineRunner(Engine, clock ?? EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = tick ?? TimeSpan.Zero });
        var options = new WebSocketApiOptions { Listen = "127.0.0.1:0", PingInterval = TimeSpan.FromSeconds(30), PongTimeout = TimeSpan.FromSeconds(30) };
        foreach (var (key, account) in new[] { (KeyA, AccountA), (KeyB, AccountB), (KeyC, AccountC) })
        {
            options.ApiKeys[Convert.ToBase64String(Ed25519.PublicKeyOf(key))] = account;
        }
        configure?.Invoke(options);
        FrontEnd = new WsFrontEnd(options, Markets, Runner, EngineRunner.SystemClock);
        Runner.AddConsumer(FrontEnd.Gateway);
        if (rest)
        {
            Feed = new MarketFeed(Markets.Length);
            Runner.AddConsumer(Feed);
            Feed.Start();
        }
        FrontEnd.Start();
        Runner.Start();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.ParseListen()));
        if (rest) builder.Services.AddRouting();
        _app = builder.Build();
        FrontEnd.MapTo(_app);
        if (Feed is not null) _app.MapBackpackPublicApi(new RestVenue(Markets, Feed, null, clock ?? EngineRunner.SystemClock));
        _app.StartAsync().GetAwaiter().GetResult();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Uri = new Uri("ws" + address["http".Length..] + options.Path);
    }

    public MarketDefinition[] Markets { get; }
    public MatchingEngine Engine { get; }
    public EngineRunner Runner { get; }
    public WsFrontEnd FrontEnd { get; }
    public WsGateway Gateway => FrontEnd.Gateway;
    public Uri Uri { get; }

    /// <summary>The REST API's market feed (null unless the host was made with <c>rest</c>).</summary>
    public MarketFeed? Feed { get; }

    /// <summary>The server's base address without a path or trailing slash (<c>http://127.0.0.1:port</c>): Backpack's REST base URL.</summary>
    public string HttpBase => "http" + Uri.GetLeftPart(UriPartial.Authority)["ws".Length..];

    /// <summary>0.01 USDC ticks, 0.001 lots, 10% band, 2/5 bp fees, IMF 5%, MMF 2.5% (as the FIX tests).</summary>
    public static MarketDefinition Market() => TestMarkets.Sol();

    public Task<WsTestClient> ConnectAsync(bool messagePack = false) => WsTestClient.ConnectAsync(Uri, messagePack);

    /// <summary>Sends a command straight to the engine (funding, prices) and waits until it is processed.</summary>
    public void Command<T>(T command) where T : struct, IProtocolMessage<T>
    {
        long before = Engine.LastSequence;
        byte[] frame = ProtocolCodec.ToArray(command);
        while (!Runner.TrySubmit(frame)) Thread.Yield();
        Assert.True(SpinWait.SpinUntil(() => Engine.LastSequence > before, TimeSpan.FromSeconds(5)), $"the engine did not process {typeof(T).Name}");
    }

    public void Fund(int account, long usdc) => Command(new Deposit(new CommandHeader(0, 0, 0), account, usdc * 1_000_000));

    public void Index(long ticks) => Command(new SetIndexPrice(new CommandHeader(0, 0, 0), 1, ticks));

    public void Tick() => Command(new Tick(new CommandHeader(0, 0, 0)));

    /// <summary>The engine's state hash, read on the engine thread (a refused request leaves it as it was).</summary>
    public ulong StateHash() => Runner.InspectAsync(e => e.ComputeStateHash()).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await FrontEnd.StopAsync("test over");
        await _app.StopAsync();
        await _app.DisposeAsync();
        Runner.Dispose();
        await FrontEnd.DisposeAsync();
        if (Feed is not null) await Feed.DisposeAsync();
    }
}

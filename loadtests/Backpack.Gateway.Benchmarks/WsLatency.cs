using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// The WebSocket API over loopback through the whole path (Kestrel, request parsing, inbound
/// ring, engine thread, dispatcher, per-connection queue, socket):
/// 1. order -> response ping-pong on one connection (JSON, then MessagePack), latency percentiles,
///    in rounds alternating with a bare Kestrel WebSocket echo endpoint (the same client and bytes);
///    the engine here has no journal;
/// 2. one public liquidation event to N connections subscribed to the liquidation stream: for each
///    event, the delay from its engine time to each connection's receipt, and to the last one.
/// </summary>
public static class WsLatency
{
    private static readonly byte[] TraderKey = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private const int Trader = 1, Short = 2, FirstLong = 1000;

    public static void Run(int pings, int connections, int liquidations, int rounds) => RunAsync(pings, connections, liquidations, rounds).GetAwaiter().GetResult();

    private static async Task RunAsync(int pings, int connections, int liquidations, int rounds)
    {
        var market = new MarketDefinition
        {
            Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.001m, MinQuantity = 0.001m, MaxQuantity = 100_000m, PriceBand = 0.10m,
            MakerFee = 0.0002m, TakerFee = 0.0005m, BaseImf = 0.05m, ImfFactor = 0, BaseMmf = 0.025m, MmfFactor = 0,
        };
        var engine = new MatchingEngine([market], new EngineOptions { MaxOpenOrdersPerAccount = 1_000_000, InitialOrderCapacity = 1 << 20 });
        using var runner = new EngineRunner(engine, EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = TimeSpan.Zero });
        var options = new WebSocketApiOptions
        {
            Listen = "127.0.0.1:0", RequestsPerSecond = 1_000_000, RequestBurst = 1_000_000, MaxConnections = 2 * connections * rounds + 10,
        };
        options.ApiKeys[Convert.ToBase64String(Ed25519.PublicKeyOf(TraderKey))] = Trader;
        var frontEnd = new WsFrontEnd(options, [market], runner, EngineRunner.SystemClock);
        runner.AddConsumer(frontEnd.Gateway);
        frontEnd.Start();
        runner.Start();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.ParseListen()));
        await using var app = builder.Build();
        frontEnd.MapTo(app);
        await app.StartAsync();
        var uri = new Uri("ws" + app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()["http".Length..] + options.Path);

        Submit(runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 18_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), Trader, 1_000_000_000L * 1_000_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), Short, 1_000_000_000L * 1_000_000));

        // The reference: a bare Kestrel WebSocket endpoint in this process that sends every message
        // straight back; the same client and the same request bytes (it echoes the order itself).
        await using var echo = await EchoServer.StartAsync();
        foreach (bool messagePack in new[] { false, true })
        {
            string format = messagePack ? "MessagePack" : "JSON";
            await PingPongAsync(uri, messagePack, 10_000, null); // warm-up (JIT tiers, pools)
            await PingPongAsync(echo.Uri, messagePack, 10_000, null);
            await Task.Delay(500);
            var gateway = new List<(double P50, double P99)>();
            var bare = new List<(double P50, double P99)>();
            for (int round = 1; round <= rounds; round++)
            {
                gateway.Add(await MeasureAsync(uri, messagePack, pings, $"round {round}, gateway order -> response, {format}"));
                bare.Add(await MeasureAsync(echo.Uri, messagePack, pings, $"round {round}, bare Kestrel echo, {format}"));
            }
            double Median(List<(double P50, double P99)> values, Func<(double P50, double P99), double> pick) => values.Select(pick).Order().ElementAt(values.Count / 2);
            Console.WriteLine($"=> WebSocket ping-pong over loopback, {format}, medians of {rounds} rounds of {pings:N0}: gateway p50 {Median(gateway, v => v.P50):F1} us, " +
                              $"p99 {Median(gateway, v => v.P99):F1} us; bare Kestrel echo p50 {Median(bare, v => v.P50):F1} us, p99 {Median(bare, v => v.P99):F1} us; " +
                              $"ratio p50 {Median(gateway, v => v.P50) / Median(bare, v => v.P50):F2}x, p99 {Median(gateway, v => v.P99) / Median(bare, v => v.P99):F2}x");
        }

        // One public liquidation event at a time: a long account opened at 18x, the index drops 5.6%
        // and a tick deleverages it; the index goes back before the next.
        int account = FirstLong;
        await WsFanOut.RunAsync(uri, _ =>
        {
            Submit(runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 18_000));
            Submit(runner, new Deposit(new CommandHeader(0, 0, 0), account, 1_000L * 1_000_000));
            Submit(runner, new NewOrder(new CommandHeader(0, 0, 0), Short, 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 18_000, 100_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
            Submit(runner, new NewOrder(new CommandHeader(0, 0, 0), account++, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 18_000, 100_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
            Submit(runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 17_000));
            Submit(runner, new Tick(new CommandHeader(0, 0, 0)));
            return Task.CompletedTask;
        }, connections, liquidations, rounds);
        await frontEnd.StopAsync("benchmark over");
        await app.StopAsync();
    }

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    private static async Task<(double P50, double P99)> MeasureAsync(Uri uri, bool messagePack, int pings, string what)
    {
        var latencies = new long[pings];
        await PingPongAsync(uri, messagePack, pings, latencies);
        Array.Sort(latencies);
        Console.WriteLine($"{what}, {pings:N0} orders: p50 {Micros(latencies[pings / 2]):F1} us, p90 {Micros(latencies[pings * 9 / 10]):F1} us, " +
                          $"p99 {Micros(latencies[pings * 99 / 100]):F1} us, p99.9 {Micros(latencies[pings * 999 / 1000]):F1} us, max {Micros(latencies[^1]):F1} us");
        return (Micros(latencies[pings / 2]), Micros(latencies[pings * 99 / 100]));
    }

    /// <summary>A bare Kestrel WebSocket endpoint that sends every message back as it came (the ping-pong's reference).</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public Uri Uri { get; private set; } = null!;

        public static async Task<EchoServer> StartAsync()
        {
            var server = new EchoServer();
            (server._app, server.Uri) = await WsFanOut.StartBareKestrelAsync(EchoAsync);
            return server;
        }

        private static async Task EchoAsync(Microsoft.AspNetCore.Http.HttpContext context)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(
                context.WebSockets.WebSocketRequestedProtocols.Contains(WsFrontEnd.MessagePackSubprotocol) ? WsFrontEnd.MessagePackSubprotocol : null);
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                        return;
                    }
                    int length = result.Count;
                    while (!result.EndOfMessage)
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        length += result.Count;
                    }
                    await socket.SendAsync(buffer.AsMemory(0, length), result.MessageType, true, CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
                // the client went away
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task PingPongAsync(Uri uri, bool messagePack, int count, long[]? latencies)
    {
        using var socket = new ClientWebSocket();
        if (messagePack) socket.Options.AddSubProtocol(WsFrontEnd.MessagePackSubprotocol);
        await socket.ConnectAsync(uri, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        string[] signature = SubscribeSignature.Create(TraderKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await SendAsync(socket, messagePack, $"{{\"method\":\"SUBSCRIBE\",\"params\":[],\"signature\":[\"{string.Join("\",\"", signature)}\"],\"id\":0}}");
        await socket.ReceiveAsync(buffer, CancellationToken.None);
        // The requests are prepared before the clock starts: the client's own serialization is not measured.
        var orders = new byte[1000][];
        for (int i = 0; i < orders.Length; i++)
        {
            string json = $"{{\"method\":\"orderExecute\",\"params\":{{\"symbol\":\"SOL_USDC_PERP\",\"side\":\"Bid\",\"orderType\":\"Limit\",\"price\":\"{100 + i % 500 * 0.01m}\",\"quantity\":\"1\"}},\"id\":{i + 1}}}";
            orders[i] = messagePack ? JsonToMessagePack(json) : Encoding.UTF8.GetBytes(json);
        }
        byte[] cancelAll = Encoding.UTF8.GetBytes("{\"method\":\"orderCancelAll\",\"params\":{},\"id\":99999}");
        if (messagePack) cancelAll = JsonToMessagePack(Encoding.UTF8.GetString(cancelAll));
        var type = messagePack ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await socket.SendAsync(orders[i % orders.Length], type, true, CancellationToken.None);
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            while (!result.EndOfMessage) result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (latencies is not null) latencies[i] = Stopwatch.GetTimestamp() - start;
            if (i % orders.Length == orders.Length - 1)
            {
                await socket.SendAsync(cancelAll, type, true, CancellationToken.None);
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                while (!result.EndOfMessage) result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            }
        }
        await socket.SendAsync(cancelAll, type, true, CancellationToken.None);
        await socket.ReceiveAsync(buffer, CancellationToken.None);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    private static Task SendAsync(ClientWebSocket socket, bool messagePack, string json) =>
        messagePack
            ? socket.SendAsync(JsonToMessagePack(json), WebSocketMessageType.Binary, true, CancellationToken.None)
            : socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    private static byte[] JsonToMessagePack(string json) => TestSupport.WsTestClient.JsonToMessagePack(Encoding.UTF8.GetBytes(json));

    private static void Submit<T>(EngineRunner runner, T command) where T : struct, IProtocolMessage<T>
    {
        long before = runner.Engine.LastSequence;
        while (!runner.TrySubmit(ProtocolCodec.ToArray(command))) Thread.Yield();
        SpinWait.SpinUntil(() => runner.Engine.LastSequence > before, 5000);
    }
}

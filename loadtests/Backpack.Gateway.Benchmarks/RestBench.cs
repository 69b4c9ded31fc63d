using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.Rest;
using Backpack.Gateway.Rest.Orders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// The REST API under wrk (Debian's package) over loopback, each figure next to a bare Kestrel
/// endpoint in the same process answering a constant, measured in the same run, alternating:
/// 1. signed order -> answer on one keep-alive connection (wrk -c1; a Lua script sends requests
///    signed beforehand, each once: IOC bids that find no ask, so each is accepted and expires);
///    the bare endpoint gets the same requests (headers and body read, a constant answered);
/// 2. GET depth (40 levels) requests/s with 16 connections, against a bare GET.
/// The venue is wired as the host wires it (engine behind its sequencer, order desk, market feed,
/// SQLite history projection, unless told no-history) with the rate limits off.
/// </summary>
public static class RestBench
{
    private static readonly byte[] TraderKey = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private const int Trader = 1, Maker = 2;
    private static readonly byte[] Constant = "{\"ok\":true}"u8.ToArray();

    public static void Run(int rounds, int seconds, bool history) => RunAsync(rounds, seconds, history).GetAwaiter().GetResult();

    private static async Task RunAsync(int rounds, int seconds, bool history)
    {
        var market = new MarketDefinition
        {
            Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.001m, MinQuantity = 0.001m, MaxQuantity = 100_000m, PriceBand = 0.10m,
            MakerFee = 0.0002m, TakerFee = 0.0005m, BaseImf = 0.05m, ImfFactor = 0, BaseMmf = 0.025m, MmfFactor = 0,
        };
        string folder = Directory.CreateTempSubdirectory("bp-restbench-").FullName;
        var engine = new MatchingEngine([market], new EngineOptions { MaxOpenOrdersPerAccount = 1_000_000, InitialOrderCapacity = 1 << 20 });
        using var runner = new EngineRunner(engine, EngineRunner.SystemClock, new EngineRunnerOptions { TickInterval = TimeSpan.Zero });
        var db = HistoryDatabase.Sqlite(Path.Combine(folder, "history.db"));
        await using var projector = new HistoryProjector(db);
        projector.Open();
        await using var feed = new MarketFeed(1);
        await using var desk = new OrderDesk(runner);
        if (history) runner.AddConsumer(projector);
        runner.AddConsumer(feed);
        runner.AddConsumer(desk);
        string apiKey = Convert.ToBase64String(Ed25519.PublicKeyOf(TraderKey));
        var options = new RestOptions { RequestsPerSecond = 0, PublicRequestsPerSecond = 0 };
        var venue = RestVenue.WithSignedApi([market], feed, new HistoryReader(db), EngineRunner.SystemClock, options, desk, new Dictionary<string, int> { [apiKey] = Trader });
        projector.Start();
        feed.Start();
        desk.Start();
        runner.Start();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapBackpackPublicApi(venue);
        app.MapBackpackPrivateApi(venue);
        app.MapGet("/bench/constant", Answer);
        app.MapPost("/bench/constant", async context =>
        {
            // Reads the request as the order endpoint must (headers are parsed by Kestrel either way), answers a constant.
            _ = context.Request.Headers["X-Signature"].ToString();
            var buffer = new byte[4096];
            while (await context.Request.Body.ReadAsync(buffer) > 0) { }
            await Answer(context);
        });
        await app.StartAsync();
        string url = app.Urls.First();

        Submit(runner, new SetIndexPrice(new CommandHeader(0, 0, 0), 1, 18_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), Trader, 1_000_000_000L * 1_000_000));
        Submit(runner, new Deposit(new CommandHeader(0, 0, 0), Maker, 1_000_000_000L * 1_000_000));
        // 20 bid levels (175.00 down) and 20 ask levels (185.00 up): the depth answer has 40.
        for (int i = 0; i < 20; i++)
        {
            Submit(runner, new NewOrder(new CommandHeader(0, 0, 0), Maker, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 17_500 - i * 10, 1_000 + i, OrderFlags.None, SelfTradePrevention.RejectTaker));
            Submit(runner, new NewOrder(new CommandHeader(0, 0, 0), Maker, 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 18_500 + i * 10, 1_000 + i, OrderFlags.None, SelfTradePrevention.RejectTaker));
        }
        await runner.InspectAsync(_ => 0);
        while (feed.Sequence < engine.LastSequence) await Task.Delay(10);

        string script = Path.Combine(folder, "signed.lua");
        File.WriteAllText(script, LuaScript);
        Console.WriteLine($"REST benchmark: {WrkVersion()}, history projection {(history ? "on" : "off")}, {rounds} rounds of {seconds} s per figure, venue and bare endpoint on {url}");

        var order = new List<WrkResult>();
        var bareOrder = new List<WrkResult>();
        var depth = new List<WrkResult>();
        var bareDepth = new List<WrkResult>();
        for (int round = 1; round <= rounds; round++)
        {
            // Signed just before use (valid for 60 s), a few more than one connection can send in the time.
            string requests = Path.Combine(folder, $"requests-{round}.tsv");
            WriteSignedRequests(requests, apiKey, count: 60_000 * seconds / 5 + 10_000, round);
            bareOrder.Add(Wrk(url + "/bench/constant", 1, 1, seconds, script, requests));
            order.Add(Wrk(url + "/api/v1/order", 1, 1, seconds, script, requests));
            bareDepth.Add(Wrk(url + "/bench/constant", 1, 16, seconds));
            depth.Add(Wrk(url + "/api/v1/depth?symbol=SOL_USDC_PERP&limit=100", 1, 16, seconds));
            Console.WriteLine($"round {round}: order p50 {order[^1].P50:F0} us p99 {order[^1].P99:F0} us ({order[^1].Errors} errors), bare POST p50 {bareOrder[^1].P50:F0} us p99 {bareOrder[^1].P99:F0} us; " +
                              $"depth {depth[^1].RequestsPerSecond:N0}/s ({depth[^1].Errors} errors), bare GET {bareDepth[^1].RequestsPerSecond:N0}/s");
        }
        double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        Console.WriteLine();
        Console.WriteLine("| figure (median of " + rounds + ") | REST API | bare Kestrel | ratio |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| signed order -> answer p50, one connection | {Median(order.Select(r => r.P50)):F0} us | {Median(bareOrder.Select(r => r.P50)):F0} us | {Median(order.Select(r => r.P50)) / Median(bareOrder.Select(r => r.P50)):F2} |");
        Console.WriteLine($"| signed order -> answer p99, one connection | {Median(order.Select(r => r.P99)):F0} us | {Median(bareOrder.Select(r => r.P99)):F0} us | {Median(order.Select(r => r.P99)) / Median(bareOrder.Select(r => r.P99)):F2} |");
        Console.WriteLine($"| orders/s, one connection | {Median(order.Select(r => r.RequestsPerSecond)):N0} | {Median(bareOrder.Select(r => r.RequestsPerSecond)):N0} | {Median(order.Select(r => r.RequestsPerSecond)) / Median(bareOrder.Select(r => r.RequestsPerSecond)):F2} |");
        Console.WriteLine($"| GET depth (40 levels) requests/s, 16 connections | {Median(depth.Select(r => r.RequestsPerSecond)):N0} | {Median(bareDepth.Select(r => r.RequestsPerSecond)):N0} | {Median(depth.Select(r => r.RequestsPerSecond)) / Median(bareDepth.Select(r => r.RequestsPerSecond)):F2} |");
        int errors = order.Concat(depth).Concat(bareOrder).Concat(bareDepth).Sum(r => r.Errors);
        Console.WriteLine($"non-2xx answers: {errors}; engine commands processed: {runner.Processed:N0}");
        await app.StopAsync();
        Directory.Delete(folder, recursive: true);
    }

    private static Task Answer(HttpContext context)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(Constant).AsTask();
    }

    private static void Submit<T>(EngineRunner runner, T command) where T : struct, IProtocolMessage<T>
    {
        while (!runner.TrySubmit(ProtocolCodec.ToArray(command))) Thread.Sleep(1);
    }

    /// <summary>One line per request: body, signature, timestamp (tab separated); every body differs (clientId), so no signature repeats.</summary>
    private static void WriteSignedRequests(string path, string apiKey, int count, int round)
    {
        long ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var file = new StreamWriter(path);
        file.WriteLine(apiKey);
        for (int i = 0; i < count; i++)
        {
            long clientId = (long)round * 10_000_000 + i + 1;
            string body = $"{{\"symbol\":\"SOL_USDC_PERP\",\"side\":\"Bid\",\"orderType\":\"Limit\",\"price\":\"170\",\"quantity\":\"0.01\",\"timeInForce\":\"IOC\",\"clientId\":{clientId}}}";
            string signed = $"instruction=orderExecute&clientId={clientId}&orderType=Limit&price=170&quantity=0.01&side=Bid&symbol=SOL_USDC_PERP&timeInForce=IOC&timestamp={ts}&window=60000";
            string signature = Convert.ToBase64String(Ed25519.Sign(TraderKey, Encoding.UTF8.GetBytes(signed)));
            file.Write(body);
            file.Write('\t');
            file.Write(signature);
            file.Write('\t');
            file.WriteLine(ts.ToString(CultureInfo.InvariantCulture));
        }
    }

    private const string LuaScript = """
        local requests = {}
        local index = 0
        function init(args)
          local key = nil
          for line in io.lines(args[1]) do
            if key == nil then
              key = line
            else
              local body, signature, ts = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)")
              requests[#requests + 1] = wrk.format("POST", nil, {
                ["Content-Type"] = "application/json", ["X-API-Key"] = key, ["X-Signature"] = signature,
                ["X-Timestamp"] = ts, ["X-Window"] = "60000" }, body)
            end
          end
        end
        function request()
          index = index + 1
          if index > #requests then index = 1 end
          return requests[index]
        end
        """;

    private sealed record WrkResult(double P50, double P99, double RequestsPerSecond, int Errors);

    private static WrkResult Wrk(string url, int threads, int connections, int seconds, string? script = null, string? scriptArgument = null)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency" }) start.ArgumentList.Add(a);
        if (script is not null)
        {
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(script);
        }
        start.ArgumentList.Add(url);
        if (scriptArgument is not null)
        {
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(scriptArgument);
        }
        using var wrk = Process.Start(start)!;
        string output = wrk.StandardOutput.ReadToEnd();
        wrk.WaitForExit();
        double P(string percentile) => Micros(Regex.Match(output, $@"^\s+{percentile}%\s+(\S+)", RegexOptions.Multiline).Groups[1].Value);
        double rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+(\S+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)");
        var socketErrors = Regex.Match(output, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)");
        int errors = (non2xx.Success ? int.Parse(non2xx.Groups[1].Value) : 0)
                     + (socketErrors.Success ? Enumerable.Range(1, 4).Sum(g => int.Parse(socketErrors.Groups[g].Value)) : 0);
        return new WrkResult(P("50"), P("99"), rps, errors);
    }

    /// <summary>wrk's duration text (e.g. 85.00us, 1.20ms, 2.00s) in microseconds.</summary>
    private static double Micros(string text)
    {
        var m = Regex.Match(text, @"^([\d.]+)(us|ms|s)$");
        if (!m.Success) throw new InvalidOperationException("wrk printed no latency percentile: '" + text + "'");
        double value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => value, "ms" => value * 1_000, _ => value * 1_000_000 };
    }

    private static string WrkVersion()
    {
        var start = new ProcessStartInfo("wrk", "-v") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var wrk = Process.Start(start)!;
        string text = wrk.StandardOutput.ReadToEnd() + wrk.StandardError.ReadToEnd();
        wrk.WaitForExit();
        return Regex.Match(text, @"wrk\s+\S+").Value;
    }
}

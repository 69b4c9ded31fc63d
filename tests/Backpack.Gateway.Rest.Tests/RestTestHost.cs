using System.Net;
using System.Text.Json;
using Backpack.Gateway.Engine;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Rest.Tests;

/// <summary>
/// The REST API on a real Kestrel (127.0.0.1, a free port) over a real engine: every command's
/// events go to the history projection (SQLite in a temporary folder) and the market feed, as the
/// host wires them.
/// </summary>
public sealed class RestTestHost : IAsyncDisposable
{
    public const long Usdc = 1_000_000;
    public const long Start = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z
    private readonly FrameBuffer _output = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-rest-").FullName;
    private readonly WebApplication _app;
    private readonly HistoryProjector _projector;
    private long _sequence;

    public RestTestHost()
    {
        Market = TestSupport.TestMarkets.Sol();
        Market.FundingIntervalSeconds = 60;
        Engine = new MatchingEngine([Market]);
        Time = Start;
        var db = HistoryDatabase.Sqlite(Path.Combine(_folder, "history.db"));
        _projector = new HistoryProjector(db);
        _projector.Open();
        Feed = new MarketFeed(1);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        var api = new RestVenue([Market], Feed, new HistoryReader(db), () => Time);
        _app.MapBackpackPublicApi(api);
        _app.MapVenueApi(api, () => Fund.Balance);
        _app.StartAsync().GetAwaiter().GetResult();
        Http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public MarketDefinition Market { get; }
    public MatchingEngine Engine { get; }
    public MarketFeed Feed { get; }
    public InsuranceFundWatch Fund { get; } = new(0);
    public HttpClient Http { get; }

    /// <summary>Engine time (microseconds), also the API's clock.</summary>
    public long Time { get; set; }

    public CommandHeader Header() => new(++_sequence, Time, _sequence);

    public void Send<T>(T command) where T : struct, IProtocolMessage<T>
    {
        _output.Clear();
        Engine.Process(ProtocolCodec.ToArray(command), _output);
        _projector.Apply(EventBatch.Copy(_output));
        Feed.Apply(_output);
        Fund.OnEvents(_output);
    }

    public void Deposit(int account, long usdc) => Send(new Deposit(Header(), account, usdc * Usdc));
    public void Index(long ticks) => Send(new SetIndexPrice(Header(), 1, ticks));
    public void Limit(int account, Side side, long price, long quantity) =>
        Send(new NewOrder(Header(), account, 1, 0, side, OrderType.Limit, TimeInForce.Gtc, price, quantity, OrderFlags.None, SelfTradePrevention.RejectTaker));
    public void Tick() => Send(new Tick(Header()));
    public void Withdraw(int account, long usdc) => Send(new Withdraw(Header(), account, usdc * Usdc));

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<string> GetTextAsync(string path) => await Http.GetStringAsync(path);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

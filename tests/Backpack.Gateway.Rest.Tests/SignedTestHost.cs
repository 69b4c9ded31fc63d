using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.Rest.Orders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Rest.Tests;

/// <summary>
/// The signed REST API as the host wires it: a real engine behind its sequencer (EngineRunner), the
/// order desk, the market feed and the history projection following the engine's events, on a real
/// Kestrel (127.0.0.1, a free port). Accounts 1 and 2 have API keys (Ed25519, made per host).
/// </summary>
public sealed class SignedTestHost : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-rest-signed-").FullName;
    private readonly WebApplication _app;
    private readonly HistoryProjector _projector;
    private readonly Dictionary<int, byte[]> _privateKeys = [];

    private long _engineOffset;

    /// <param name="fundingIntervalSeconds">The market's funding interval (0 = none); <see cref="SettleFunding"/> moves the engine's clock past the next funding time.</param>
    public SignedTestHost(RestOptions? options = null, int fundingIntervalSeconds = 0)
    {
        Market = TestSupport.TestMarkets.Sol();
        Market.FundingIntervalSeconds = fundingIntervalSeconds;
        Engine = new MatchingEngine([Market]);
        // The engine's clock runs ahead of the wall clock by what SettleFunding added; requests are signed and checked on the wall clock.
        Runner = new EngineRunner(Engine, () => EngineRunner.SystemClock() + Interlocked.Read(ref _engineOffset), new EngineRunnerOptions { TickInterval = TimeSpan.Zero });
        var db = HistoryDatabase.Sqlite(Path.Combine(_folder, "history.db"));
        _projector = new HistoryProjector(db);
        _projector.Open();
        Feed = new MarketFeed(1);
        Desk = new OrderDesk(Runner);
        Runner.AddConsumer(_projector);
        Runner.AddConsumer(Feed);
        Runner.AddConsumer(Desk);
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int account in new[] { 1, 2 })
        {
            byte[] key = Ed25519.NewPrivateKey();
            _privateKeys[account] = key;
            keys[Convert.ToBase64String(Ed25519.PublicKeyOf(key))] = account;
        }
        Options = options ?? new RestOptions();
        Venue = RestVenue.WithSignedApi([Market], Feed, new HistoryReader(db), EngineRunner.SystemClock, Options, Desk, keys);
        _projector.Start();
        Feed.Start();
        Desk.Start();
        Runner.Start();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapBackpackPublicApi(Venue);
        _app.MapBackpackPrivateApi(Venue);
        _app.StartAsync().GetAwaiter().GetResult();
        Http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public MarketDefinition Market { get; }
    public MatchingEngine Engine { get; }
    public EngineRunner Runner { get; }
    public MarketFeed Feed { get; }
    public OrderDesk Desk { get; }
    public RestVenue Venue { get; }
    public RestOptions Options { get; }
    public HttpClient Http { get; }

    /// <summary>Sends a command to the engine and waits until it has been processed.</summary>
    public async Task Command<T>(T command) where T : struct, IProtocolMessage<T>
    {
        while (!Runner.TrySubmit(ProtocolCodec.ToArray(command))) await Task.Delay(1);
        await Runner.InspectAsync(_ => 0);
    }

    public Task Fund(int account, long usdc) => Command(new Deposit(new CommandHeader(0, 0, 0), account, usdc * 1_000_000));
    public Task Index(long ticks) => Command(new SetIndexPrice(new CommandHeader(0, 0, 0), 1, ticks));

    /// <summary>Moves the engine's clock one funding interval ahead and ticks: the interval under way is settled.</summary>
    public async Task SettleFunding()
    {
        Interlocked.Add(ref _engineOffset, Market.FundingIntervalSeconds * 1_000_000L + 1_000_000);
        await Command(new Tick(new CommandHeader(0, 0, 0)));
    }

    /// <summary>What the engine holds for an account (read on the engine thread).</summary>
    public Task<T> Inspect<T>(Func<MatchingEngine, T> read) => Runner.InspectAsync(read);

    /// <summary>Waits until the history database has applied everything the engine has done so far.</summary>
    public async Task HistoryCaughtUp()
    {
        long target = await Runner.InspectAsync(e => e.LastSequence);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_projector.Cursor < target)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"history at {_projector.Cursor}, engine at {target}");
            await Task.Delay(5);
        }
    }

    /// <summary>A request signed by <paramref name="account"/>'s key (or <paramref name="signWith"/>, under the account's API key) as a Backpack client signs it.</summary>
    public HttpRequestMessage Signed(int account, HttpMethod method, string path, string instruction,
        IReadOnlyDictionary<string, string>? query = null, string? body = null, long? timestamp = null, int window = 5000, byte[]? signWith = null)
    {
        var request = TestSupport.RestSigner.Sign(signWith ?? _privateKeys[account], method, path, instruction, query, body, timestamp, window);
        request.Headers.Remove("X-API-Key");
        request.Headers.Add("X-API-Key", ApiKey(account));
        return request;
    }

    public string ApiKey(int account) => Convert.ToBase64String(Ed25519.PublicKeyOf(_privateKeys[account]));

    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(HttpRequestMessage request)
    {
        var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Post(int account, string path, string instruction, string body) =>
        Send(Signed(account, HttpMethod.Post, path, instruction, body: body));

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Get(int account, string path, string instruction, Dictionary<string, string>? query = null) =>
        Send(Signed(account, HttpMethod.Get, path, instruction, query));

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Delete(int account, string path, string instruction, string body) =>
        Send(Signed(account, HttpMethod.Delete, path, instruction, body: body));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        Runner.Dispose();
        await Desk.DisposeAsync();
        await Feed.DisposeAsync();
        await _projector.DisposeAsync();
        Venue.Limiter.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}

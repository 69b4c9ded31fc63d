using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.WebSockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// The WebSocket API (section WebSocket) on the host's Kestrel server. After a recovery its depth
/// replicas start from the engine's books (read before the engine thread starts). Its connections
/// are closed with a reason as soon as the host starts stopping, so that Kestrel's shutdown does not
/// wait for them.
/// </summary>
public sealed class WebSocketService : IHostedService, IAsyncDisposable
{
    private readonly WsFrontEnd _frontEnd;
    private readonly ILogger<WebSocketService> _log;
    private readonly IServer _server;

    public WebSocketService(Venue venue, HistoryService history, IServer server, IHostApplicationLifetime lifetime, ILogger<WebSocketService> log)
    {
        _log = log;
        _server = server;
        _frontEnd = new WsFrontEnd(venue.Settings.WebSocket, venue.Markets, venue.Runner, venue.Clock);
        _frontEnd.OnError = (peer, e) => _log.LogError(e, "WebSocket connection from {Peer} failed", peer);
        _frontEnd.Gateway.OnError = e => _log.LogError(e, "An engine event could not be reported over WebSocket");
        if (venue.Recovered)
        {
            // The depth replica would otherwise know only the book changes from now on.
            foreach (var market in venue.Markets) _frontEnd.Gateway.SeedBook(market.Id, venue.BookLevels(market.Id), venue.Engine.GetBookSequence(market.Id));
            SeedMarketData(venue, history.Reader);
        }
        venue.Runner.AddConsumer(_frontEnd.Gateway);
        lifetime.ApplicationStarted.Register(() =>
        {
            _log.LogInformation("WebSocket API listening on {Url} ({Accounts} API keys)", Url, venue.Settings.WebSocket.ApiKeys.Count);
            if (SecureUrl is { } secure) _log.LogInformation("WebSocket API over TLS listening on {Url} (HTTPS for the REST API and the page on the same port)", secure);
        });
        lifetime.ApplicationStopping.Register(() => _ = _frontEnd.StopAsync("Gateway shutting down"));
    }

    /// <summary>
    /// The open interest (the engine's positions) and ADL queue bands, and the 24 h ticker and the candles under way (the
    /// history, caught up by now) of a recovered venue, so that the streams go on from where they were.
    /// </summary>
    private void SeedMarketData(Venue venue, HistoryReader? history)
    {
        var engine = venue.Engine;
        var accounts = engine.AccountIds().Select(id => engine.GetAccount(id)!).ToList();
        long now = venue.Clock();
        _frontEnd.Gateway.SeedClock(now);
        foreach (var market in venue.Markets)
        {
            _frontEnd.Gateway.SeedPositions(market.Id, accounts.Select(a => (a.AccountId, a.Positions[market.Id - 1].Quantity)).Where(p => p.Quantity != 0));
            _frontEnd.Gateway.SeedAdlQueue(market.Id, engine.AdlQueueBands(market.Id));
            if (history is null) continue;
            foreach (var c in history.Candles(market.Id, CandlePrice.Last, "1m", now - 86_400_000_000, now + 1, 2_000))
            {
                _frontEnd.Gateway.SeedTickerMinute(market.Id, c.OpenTime, c.Open, c.High, c.Low, c.Close, c.Volume, c.QuoteVolume * market.QuotePerTickLot, c.Trades);
            }
            foreach (var interval in CandleInterval.All)
            {
                var last = history.Candles(market.Id, CandlePrice.Last, interval.Name, interval.OpenTime(now), now + 1, 1);
                if (last.Count == 1)
                {
                    var c = last[0];
                    _frontEnd.Gateway.SeedCandle(market.Id, interval.Name, c.OpenTime, c.Open, c.High, c.Low, c.Close, c.Volume, c.Trades, now);
                }
            }
        }
    }

    public WsFrontEnd FrontEnd => _frontEnd;

    /// <summary>The endpoint's ws:// address once the server listens (the port is known then, also when configured as 0).</summary>
    public string Url
    {
        get
        {
            string? address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal));
            return address is null ? "(not listening)" : "ws" + address["http".Length..] + _frontEnd.Options.Path;
        }
    }

    /// <summary>The endpoint's wss:// address when WebSocket:HttpsListen is set.</summary>
    public string? SecureUrl
    {
        get
        {
            string? address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal));
            return address is null ? null : "wss" + address["https".Length..] + _frontEnd.Options.Path;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _frontEnd.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _frontEnd.StopAsync("Gateway shutting down").ConfigureAwait(false);
        _log.LogInformation("WebSocket API stopped");
    }

    public ValueTask DisposeAsync() => _frontEnd.DisposeAsync();
}

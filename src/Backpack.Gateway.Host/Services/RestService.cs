using Backpack.Gateway.Protocol;
using Backpack.Gateway.Rest;
using Backpack.Gateway.Rest.Orders;
using Microsoft.Extensions.Hosting;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// Backpack's REST API on the host's Kestrel (docs/rest.md): its market feed follows the engine's
/// events (seeded from the engine's books, positions and prices when the venue recovered, before
/// the engine thread owns them), and it reads the history.
/// </summary>
public sealed class RestService : IHostedService, IAsyncDisposable
{
    public RestService(Venue venue, HistoryService history)
    {
        Feed = new MarketFeed(venue.Markets.Count);
        if (venue.Recovered)
        {
            var engine = venue.Engine;
            var accounts = engine.AccountIds().Select(id => engine.GetAccount(id)!).ToList();
            foreach (var market in venue.Markets)
            {
                var positions = accounts.Select(a => (a.AccountId, a.Positions[market.Id - 1].Quantity)).Where(p => p.Quantity != 0);
                var (rate, next, _) = engine.GetFunding(market.Id);
                Feed[market.Id].Seed(venue.BookLevels(market.Id), engine.GetBookSequence(market.Id), positions, engine.GetMarkPrice(market.Id), engine.GetIndexPrice(market.Id), rate, next);
                Feed[market.Id].SeedAdlQueue(engine.AdlQueueBands(market.Id));
            }
        }
        venue.Runner.AddConsumer(Feed);
        // The signed endpoints act for the accounts' API keys (the WebSocket API's list, made from section Accounts).
        var options = venue.Settings.Rest;
        Desk = new OrderDesk(venue.Runner);
        venue.Runner.AddConsumer(Desk);
        Api = RestVenue.WithSignedApi(venue.Markets, Feed, history.Reader, venue.Clock, options, Desk, venue.Settings.WebSocket.ApiKeys);
    }

    public MarketFeed Feed { get; }

    /// <summary>Where signed requests meet the engine.</summary>
    public OrderDesk Desk { get; }

    /// <summary>What the endpoints answer from (mapped on the host's app by GatewayHost).</summary>
    public RestVenue Api { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Feed.Start();
        Desk.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Desk.DisposeAsync().ConfigureAwait(false);
        await Feed.DisposeAsync().ConfigureAwait(false);
        Api.Limiter.Dispose();
    }
}

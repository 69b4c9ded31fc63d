using Backpack.Gateway.Fix;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>The FIX 4.4 acceptor with the configured sessions (section Fix).</summary>
public sealed class FixService : IHostedService, IAsyncDisposable
{
    private readonly FixFrontEnd _frontEnd;
    private readonly ILogger<FixService> _log;

    public FixService(Venue venue, ILogger<FixService> log)
    {
        _log = log;
        _frontEnd = new FixFrontEnd(venue.Settings.Fix, venue.Markets, venue.Runner, venue.Clock);
        _frontEnd.Acceptor.OnError = (peer, e) => _log.LogError(e, "FIX connection from {Peer} failed", peer);
        _frontEnd.Gateway.OnError = e => _log.LogError(e, "An engine event could not be reported over FIX");
        venue.Runner.AddConsumer(_frontEnd.Gateway);
    }

    public FixFrontEnd FrontEnd => _frontEnd;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _frontEnd.Start();
        _log.LogInformation("FIX 4.4 acceptor listening on {Endpoint} as {CompId}; sessions: {Sessions}",
            _frontEnd.Acceptor.LocalEndPoint, _frontEnd.Options.CompId,
            string.Join(", ", _frontEnd.Sessions.Select(s => $"{s.Settings.TargetCompId} (accounts {string.Join("/", s.Settings.Accounts)})")));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _frontEnd.StopAsync("Gateway shutting down").ConfigureAwait(false);
        _log.LogInformation("FIX acceptor stopped");
    }

    public ValueTask DisposeAsync() => _frontEnd.DisposeAsync();
}

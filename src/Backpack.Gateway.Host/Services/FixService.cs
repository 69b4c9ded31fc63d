using Backpack.Gateway.Fix;
using Backpack.Gateway.Protocol.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// The FIX 4.4 acceptor with the configured sessions (section Fix). After a recovery the gateway
/// knows the sessions' open orders again (their ClOrdIDs from the sessions' order logs), and its
/// market data replicas start from the engine's books.
/// </summary>
public sealed class FixService : IHostedService, IAsyncDisposable
{
    private readonly FixFrontEnd _frontEnd;
    private readonly ILogger<FixService> _log;

    public FixService(Venue venue, VenueCertificate tls, HistoryService history, ILogger<FixService> log)
    {
        _log = log;
        _frontEnd = new FixFrontEnd(venue.Settings.Fix, venue.Markets, venue.Runner, venue.Clock);
        // Trade capture reads the history database and the gateway's memory of the fills it has not written yet.
        if (history.Reader is { } reader) _frontEnd.Gateway.FillHistory = new HistoryFills(reader);
        if (tls.Certificate is { } certificate && venue.Settings.Fix.TlsListen.Length > 0)
        {
            _frontEnd.Acceptor.Tls = Protocol.Security.TlsCertificates.ServerOptions(certificate, tls.Options);
        }
        _frontEnd.Acceptor.OnError = (peer, e) => _log.LogError(e, "FIX connection from {Peer} failed", peer);
        _frontEnd.Gateway.OnError = e => _log.LogError(e, "An engine event could not be reported over FIX");
        if (venue.Recovered)
        {
            // The market data replicas start from the engine's books; the catch-up's book changes below are older and skipped.
            foreach (var market in venue.Markets) _frontEnd.Gateway.SeedBook(market.Id, venue.BookLevels(market.Id), venue.Engine.GetBookSequence(market.Id));
        }
        if (venue.FixCatchUp is { } catchUp)
        {
            // The gateway first makes the reports it missed (from the sessions' orders at that point), then takes live events.
            _openOrders = catchUp.OpenOrders;
            foreach (var batch in catchUp.Batches) _frontEnd.Gateway.OnEvents(batch);
            _log.LogWarning("FIX stores were saved up to sequence {Applied}: the reports of {Commands} later commands are made again from the journal (the last batch's may repeat, with the same ExecIDs)",
                catchUp.Applied, catchUp.Batches.Count);
        }
        else if (venue.Recovered)
        {
            // Read now, before the engine thread owns the state; the gateway takes up every event after it.
            var accounts = venue.Settings.Fix.Sessions.SelectMany(s => s.Accounts).Distinct();
            var open = accounts.ToDictionary(a => a, a => venue.Engine.SnapshotOrders(a));
            _openOrders = account => open.GetValueOrDefault(account, []);
        }
        venue.Runner.AddConsumer(_frontEnd.Gateway);
    }

    private readonly Func<int, IReadOnlyList<OrderSnapshot>>? _openOrders;

    public FixFrontEnd FrontEnd => _frontEnd;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _frontEnd.Start(_openOrders);
        _log.LogInformation("FIX 4.4 acceptor listening on {Endpoint} as {CompId}; sessions: {Sessions}",
            _frontEnd.Acceptor.LocalEndPoint, _frontEnd.Options.CompId,
            string.Join(", ", _frontEnd.Sessions.Select(s => $"{s.Settings.TargetCompId} (accounts {string.Join("/", s.Settings.Accounts)})")));
        if (_frontEnd.Acceptor.TlsEndPoint is { } tls) _log.LogInformation("FIX 4.4 over TLS listening on {Endpoint}", tls);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Intake only: the gateway goes on storing reports until the engine has stopped (FrontEndCloser).
        await _frontEnd.StopAcceptingAsync("Gateway shutting down").ConfigureAwait(false);
        _log.LogInformation("FIX acceptor stopped");
    }

    public ValueTask DisposeAsync() => _frontEnd.DisposeAsync();
}

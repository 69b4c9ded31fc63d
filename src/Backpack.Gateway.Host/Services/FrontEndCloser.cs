using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// Registered first, so it stops last: after the engine has stopped (and committed its last batch),
/// it lets the FIX gateway store the reports of every event the engine made — also those of
/// commands that were still in the ring and of the last ticks — and then closes the FIX stores and
/// the WebSocket dispatcher, the REST feed and the history projection (after writing what is queued).
/// The front ends' own services only stop their intake (logouts, closes).
/// </summary>
public sealed class FrontEndCloser(FixService fix, WebSocketService webSocket, HistoryService history, RestService rest, ILogger<FrontEndCloser> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await fix.FrontEnd.StopAsync().ConfigureAwait(false);
        await webSocket.FrontEnd.DisposeAsync().ConfigureAwait(false);
        await rest.DisposeAsync().ConfigureAwait(false);
        await history.DisposeAsync().ConfigureAwait(false); // the history writes what is queued, then stops
        log.LogInformation("FIX stores closed with every engine event reported");
    }
}

using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Host.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Demo;

/// <summary>
/// Runs the demo's liquidity provider and traders (section Demo) once the venue listens, each as a
/// WebSocket client of the venue's own endpoint (the same path as any client: signature, rate limit,
/// engine, streams). A client that loses its connection connects again after a pause. Stopped before
/// the front ends, so its clients leave first at shutdown.
/// </summary>
public sealed class DemoActivity(Venue venue, IndexFeed feed, WebSocketService webSocket, IHostApplicationLifetime lifetime, ILogger<DemoActivity> log)
    : BackgroundService
{
    public static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingService)
    {
        // The front ends close their connections as soon as the host starts stopping: the demo's
        // clients stop then too, rather than see their connections drop and try again.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingService, lifetime.ApplicationStopping);
        var stopping = linked.Token;
        var options = venue.Settings.Demo;
        if (!options.Enabled) return;
        var listening = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => listening.TrySetResult()))
        using (stopping.Register(() => listening.TrySetCanceled()))
        {
            try
            {
                await listening.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        var uri = new Uri(webSocket.Url);
        var accounts = venue.Settings.Accounts.ToDictionary(a => a.Id);
        var random = new Random(options.Seed);
        var actors = new List<Task>();
        var lp = options.LiquidityProvider;
        actors.Add(RunClientAsync($"{LiquidityProvider.Name} {accounts[lp.Account].Name}", uri, accounts[lp.Account].ApiSecret!, [], null,
            (client, ct) => new LiquidityProvider(client, feed, venue.Markets, lp, log).RunAsync(ct), stopping));
        foreach (var t in options.Traders)
        {
            var account = accounts[t.Account];
            var trader = new DemoTrader(feed, venue.Markets, t, account.Deposit, options.TradeInterval, new Random(random.Next()), log);
            actors.Add(RunClientAsync($"trader {account.Name} ({t.Leverage}x)", uri, account.ApiSecret!, DemoTrader.Streams, trader.OnStream,
                trader.RunAsync, stopping));
        }
        log.LogInformation("Demo activity on {Url}: {Provider} (account {Account}, {Levels} levels a side), {Traders} traders ({Leverage})",
            uri, accounts[lp.Account].Name, lp.Account, lp.Levels, options.Traders.Count,
            string.Join(", ", options.Traders.Select(t => $"{accounts[t.Account].Name} {t.Leverage}x")));
        await Task.WhenAll(actors);
    }

    private async Task RunClientAsync(string name, Uri uri, string secret, string[] streams, Action<string, System.Text.Json.JsonElement>? onStream,
        Func<VenueClient, CancellationToken, Task> run, CancellationToken stopping)
    {
        byte[] key = Convert.FromBase64String(secret);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var client = await VenueClient.ConnectAsync(uri, onStream, stopping);
                await client.LogOnAsync(key, streams, stopping);
                // Ends with the run (on stopping, or when it fails) or when the connection is lost.
                var running = run(client, stopping);
                await Task.WhenAny(running, client.Completion);
                if (stopping.IsCancellationRequested) return;
                if (running.IsFaulted) log.LogWarning("Demo {Name} failed ({Error}); reconnecting in {Delay}", name, running.Exception!.InnerException!.Message, Reconnect);
                else log.LogWarning("Demo {Name}: connection lost; reconnecting in {Delay}", name, Reconnect);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                log.LogWarning("Demo {Name} failed ({Error}); reconnecting in {Delay}", name, e.Message, Reconnect);
            }
            try
            {
                await Task.Delay(Reconnect, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// Starts the engine thread (its state already recovered from the journal by <see cref="Venue"/>).
/// On a first start, with an empty journal (or none), it then feeds the engine the opening state from
/// configuration: each market's index at its ReferencePrice, each account's Deposit, the insurance
/// fund's deposit and the backstop providers; a recovered engine already holds it. The FIX and
/// WebSocket services start after this one, so clients see that state.
/// </summary>
public sealed class EngineService(Venue venue, ILogger<EngineService> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bool recovered = venue.Recovered; // read before the engine thread owns the state
        foreach (string skipped in venue.SnapshotsSkipped) log.LogWarning("Snapshot passed over: {Reason}", skipped);
        if (venue.SnapshotLoaded is { } snapshot) log.LogInformation("Started from snapshot {Path}", snapshot);
        if (venue.Recovery is { } r)
        {
            log.LogInformation("Journal {Directory}: replayed {Commands} commands to sequence {Sequence} in {Elapsed} ms, state hash {Hash:x16}{Torn}",
                venue.Settings.Journal.Directory, r.Commands, r.LastSequence, (long)r.Elapsed.TotalMilliseconds, r.StateHash,
                r.TornBytes > 0 ? $"; a torn last record ({r.TornBytes} bytes) was cut off" : "");
        }
        venue.Runner.Start();
        if (!recovered) ApplyOpeningState();
        log.LogInformation("Engine started: {Markets} markets ({Symbols}), {Accounts} accounts, tick every {Tick}{Recovered}",
            venue.Markets.Count, string.Join(", ", venue.Markets.Select(m => m.Symbol)), venue.Settings.Accounts.Count, venue.Settings.Sequencer.TickInterval,
            recovered ? "; resumed from the journal (opening deposits not applied again)" : "");
        return Task.CompletedTask;
    }

    private void ApplyOpeningState()
    {
        var header = new CommandHeader(0, 0, 0);
        foreach (var market in venue.Markets)
        {
            if (market.ReferencePrice > 0 && market.TryPriceToTicks(market.ReferencePrice, out long ticks))
            {
                venue.Submit(new SetIndexPrice(header, market.Id, ticks));
            }
        }
        foreach (var account in venue.Settings.Accounts)
        {
            if (account.DepositMicros > 0) venue.Submit(new Deposit(header, account.Id, account.DepositMicros));
        }
        var backstop = venue.Settings.Backstop;
        if (backstop.InsuranceFundDeposit > 0) venue.Submit(new Deposit(header, venue.Engine.InsuranceFundAccountId, Micros(backstop.InsuranceFundDeposit)));
        foreach (var provider in backstop.Providers)
        {
            venue.Submit(new RegisterBackstopProvider(header, provider.Account, Micros(provider.NotionalPerMinute), Micros(provider.NotionalPerHour)));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        venue.Runner.Dispose();
        log.LogInformation("Engine stopped after {Commands} commands (sequence {Sequence}, state hash {Hash:x16})",
            venue.Runner.Processed, venue.Engine.LastSequence, venue.Engine.ComputeStateHash());
        if (venue.Runner.Journal is { } journal)
        {
            journal.Dispose();
            log.LogInformation("Journal closed: {Records} records, {Bytes} bytes, {Syncs} fsyncs this run", journal.Records, journal.Bytes, journal.Syncs);
        }
        if (venue.Settings.Snapshots is { Enabled: true, AtShutdown: true })
        {
            // The engine thread has ended: the state can be read here.
            SnapshotService.Write(venue, EngineSnapshot.Capture(venue.Engine), log);
        }
        return Task.CompletedTask;
    }

    private static long Micros(decimal usdc) => Usdc.TryFromDecimal(usdc, out long micros) ? micros : 0;
}

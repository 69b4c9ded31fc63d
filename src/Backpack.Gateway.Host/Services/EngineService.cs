using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// Starts the engine thread (its state already recovered from the journal by <see cref="Venue"/>),
/// then feeds it the part of the configured opening state it does not hold yet (see
/// <see cref="OpeningState"/>): on a first start all of it, on a restart normally only the backstop
/// providers' limits. The FIX and
/// WebSocket services start after this one, so clients see that state.
/// </summary>
public sealed class EngineService(Venue venue, ILogger<EngineService> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bool recovered = venue.Recovered;
        foreach (string skipped in venue.SnapshotsSkipped) log.LogWarning("Snapshot passed over: {Reason}", skipped);
        if (venue.SnapshotLoaded is { } snapshot) log.LogInformation("Started from snapshot {Path}", snapshot);
        if (venue.Recovery is { } r)
        {
            log.LogInformation("Journal {Directory}: replayed {Commands} commands to sequence {Sequence} in {Elapsed} ms, state hash {Hash:x16}{Torn}",
                venue.Settings.Journal.Directory, r.Commands, r.LastSequence, (long)r.Elapsed.TotalMilliseconds, r.StateHash,
                r.TornBytes > 0 ? $"; a torn last record ({r.TornBytes} bytes) was cut off" : "");
        }
        var opening = OpeningState(); // read before the engine thread owns the state
        if (venue.FixStoresAhead is { } ahead)
        {
            log.LogWarning("The FIX stores saved events up to sequence {Ahead}, past the journal's end {End}: the journal lost commands (a power cut with Fsync Never?)", ahead, venue.Engine.LastSequence);
        }
        venue.Runner.Start();
        foreach (var submit in opening) submit();
        log.LogInformation("Engine started: {Markets} markets ({Symbols}), {Accounts} accounts, tick every {Tick}{Recovered}; {Opening} opening commands",
            venue.Markets.Count, string.Join(", ", venue.Markets.Select(m => m.Symbol)), venue.Settings.Accounts.Count, venue.Settings.Sequencer.TickInterval,
            recovered ? "; resumed from the journal" : "", opening.Count);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The part of the configured opening state the engine does not hold yet: an index for a market
    /// without one, the Deposit of an account the engine has never seen, the insurance fund deposit
    /// if the fund has had none, and the backstop providers (registering again only updates their
    /// limits). So a first start applies it all, a recovered venue nothing it already has (a crash in
    /// the middle of the opening state leaves nothing half done), and an account added to the
    /// configuration later gets its deposit.
    /// </summary>
    private List<Action> OpeningState()
    {
        var header = new CommandHeader(0, 0, 0);
        var engine = venue.Engine;
        var commands = new List<Action>();
        foreach (var market in venue.Markets)
        {
            if (engine.GetIndexPrice(market.Id) == 0 && market.ReferencePrice > 0 && market.TryPriceToTicks(market.ReferencePrice, out long ticks))
            {
                commands.Add(() => venue.Submit(new SetIndexPrice(header, market.Id, ticks)));
            }
        }
        foreach (var account in venue.Settings.Accounts)
        {
            if (account.DepositMicros > 0 && engine.GetAccount(account.Id) is null) commands.Add(() => venue.Submit(new Deposit(header, account.Id, account.DepositMicros)));
        }
        var backstop = venue.Settings.Backstop;
        if (backstop.InsuranceFundDeposit > 0 && engine.InsuranceFundTotal(InsuranceFundReason.Injection) == 0)
        {
            commands.Add(() => venue.Submit(new Deposit(header, engine.InsuranceFundAccountId, Micros(backstop.InsuranceFundDeposit))));
        }
        foreach (var provider in backstop.Providers)
        {
            commands.Add(() => venue.Submit(new RegisterBackstopProvider(header, provider.Account, Micros(provider.NotionalPerMinute), Micros(provider.NotionalPerHour))));
        }
        return commands;
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

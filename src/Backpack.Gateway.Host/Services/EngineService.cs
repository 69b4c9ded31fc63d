using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// Starts the engine thread, then feeds it the opening state from configuration: each market's
/// index at its ReferencePrice, each account's Deposit, the insurance fund's deposit and the backstop
/// providers (every start, until the engine state is journaled). The FIX and WebSocket services start after this one, so clients see that state.
/// </summary>
public sealed class EngineService(Venue venue, ILogger<EngineService> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        venue.Runner.Start();
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
        log.LogInformation("Engine started: {Markets} markets ({Symbols}), {Accounts} accounts, tick every {Tick}",
            venue.Markets.Count, string.Join(", ", venue.Markets.Select(m => m.Symbol)), venue.Settings.Accounts.Count, venue.Settings.Sequencer.TickInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        venue.Runner.Dispose();
        log.LogInformation("Engine stopped after {Commands} commands (sequence {Sequence})", venue.Runner.Processed, venue.Engine.LastSequence);
        return Task.CompletedTask;
    }

    private static long Micros(decimal usdc) => Usdc.TryFromDecimal(usdc, out long micros) ? micros : 0;
}

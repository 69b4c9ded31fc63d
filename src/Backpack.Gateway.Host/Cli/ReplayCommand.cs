using System.CommandLine;
using System.Globalization;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Host.Cli;

/// <summary>
/// `replay`: rebuilds the engine state from a journal (optionally from the newest valid snapshot and
/// the journal after it), read-only, and prints the state hash and counts — to check a journal,
/// compare two runs, or see what a restart would recover. The engine is configured like the
/// gateway's (markets and Engine section, with the same overrides).
/// </summary>
public static class ReplayCommand
{
    public static Command Create(Option<string?> configFile)
    {
        var journal = new Option<string?>("--journal", "-j") { Description = "Journal folder (default: Journal:Directory of the configuration, data/journal)" };
        var fromSnapshot = new Option<string?>("--from-snapshot")
        {
            Description = "Start from the newest valid snapshot of this folder (default without a value: Snapshots:Directory) and replay the journal after it",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var liquidation = new Option<long?>("--liquidation") { Description = "Also print the audit trail of this liquidation id: trigger, every step and its figures, fills, takers, fund, ADL ranks, end" };
        var command = new Command("replay", "Rebuild the engine state from a journal (read-only) and print its state hash and counts")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(journal);
        command.Options.Add(fromSnapshot);
        command.Options.Add(liquidation);
        command.SetAction(parse =>
        {
            GatewaySettings settings;
            try
            {
                settings = GatewaySettings.Load(GatewayHost.LoadConfiguration(parse.GetValue(configFile), parse.UnmatchedTokens.ToArray()));
            }
            catch (Exception e) when (e is ConfigurationException or FileNotFoundException or FormatException or InvalidDataException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            string folder = parse.GetValue(journal) ?? settings.Journal.Directory;
            if (!Directory.Exists(folder))
            {
                Console.Error.WriteLine($"No journal folder {Path.GetFullPath(folder)}");
                return 2;
            }
            var engine = new MatchingEngine(settings.Markets, settings.Engine);
            if (parse.GetResult(fromSnapshot) is not null)
            {
                string snapshots = parse.GetValue(fromSnapshot) ?? settings.Snapshots.Directory;
                var skipped = new List<string>();
                var loaded = EngineSnapshot.LoadLatest(snapshots, settings.Markets, settings.Engine, skipped);
                foreach (string reason in skipped) Console.WriteLine($"snapshot passed over: {reason}");
                if (loaded is { } found)
                {
                    engine = found.Engine;
                    Console.WriteLine($"snapshot          {found.Path} (sequence {engine.LastSequence:N0})");
                }
                else
                {
                    Console.WriteLine($"snapshot          none usable in {Path.GetFullPath(snapshots)}: replaying from the start");
                }
            }
            RecoveryReport report;
            var trail = parse.GetValue(liquidation) is { } id ? new LiquidationTrail(id, settings.Markets) : null;
            try
            {
                (report, _) = JournalRecovery.Replay(engine, folder, trail is null ? null : (_, events, _) => trail.Add(events));
            }
            catch (Exception e) when (e is JournalCorruptException or InvalidDataException or JournalBehindSnapshotException)
            {
                Console.Error.WriteLine(e.Message);
                return 3;
            }
            Print(folder, report, engine);
            if (trail is not null)
            {
                Console.WriteLine();
                if (!trail.Found)
                {
                    Console.Error.WriteLine($"No liquidation {parse.GetValue(liquidation)} in the replayed part of the journal");
                    return 4;
                }
                trail.Print(Console.Out);
            }
            return 0;
        });
        return command;
    }

    private static void Print(string folder, RecoveryReport report, MatchingEngine engine)
    {
        static string Usd(long micros) => Usdc.ToDecimal(micros).ToString("N0", CultureInfo.InvariantCulture);
        var s = engine.Summarize();
        var l = s.Liquidations;
        double seconds = Math.Max(report.Elapsed.TotalSeconds, 1e-9);
        Console.WriteLine($"journal           {Path.GetFullPath(folder)}: {JournalFormat.Segments(folder).Count} segment(s)");
        Console.WriteLine($"commands          {report.Commands:N0}, last sequence {report.LastSequence:N0}" +
                          (report.TornBytes > 0 ? $", torn last record ({report.TornBytes} bytes) left out" : ", clean end"));
        Console.WriteLine($"replayed in       {report.Elapsed.TotalSeconds:F3} s ({report.Commands / seconds / 1e6:F2} M commands/s)");
        Console.WriteLine($"state hash        {report.StateHash:x16}");
        Console.WriteLine($"accounts          {s.Accounts:N0} ({s.AccountsWithPositions:N0} with positions), open orders {s.OpenOrders:N0}");
        foreach (var m in s.Markets)
        {
            Console.WriteLine($"  {m.Symbol,-16} index {m.IndexPrice:N0} mark {m.MarkPrice:N0} ticks, open interest {m.LongOpenInterest:N0} lots");
        }
        Console.WriteLine($"insurance fund    {Usd(s.InsuranceFund)} USDC; fees {Usd(s.FeeIncome)} USDC; deposits {Usd(s.TotalDeposits)}, withdrawals {Usd(s.TotalWithdrawals)} USDC");
        Console.WriteLine($"liquidations      {l.Started:N0} started, {l.Active:N0} active; closed {Usd(l.TotalNotional)} USDC " +
                          $"(book {Usd(l.BookNotional)}, backstop {Usd(l.ProviderNotional)}, fund {Usd(l.FundNotional)}, ADL {Usd(l.AdlNotional)})");
        Console.WriteLine($"funding           {Usdc.ToDecimal(s.Funding.Paid):N2} USDC paid, {Usdc.ToDecimal(s.Funding.Received):N2} received, {Usdc.ToDecimal(s.Funding.Residue):N6} to the fund, {s.Funding.Payments:N0} payments");
        Console.WriteLine($"conditional       {s.Conditional.Pending:N0} waiting, {s.Conditional.Fired:N0} fired, {s.Conditional.Failed:N0} refused when fired");
        Console.WriteLine($"money checks      cash discrepancy {Usd(s.CashDiscrepancy)} USDC, open interest {(s.OpenInterestBalanced ? "balanced" : "NOT balanced")}, " +
                          $"funding {(s.Funding.Balanced ? "balanced" : "NOT balanced")}, {s.NegativeEquityAccounts} accounts with negative equity");
    }
}

using System.CommandLine;
using System.Globalization;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Scenarios;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Configuration;

namespace Backpack.Gateway.Host.Cli;

/// <summary>
/// `simulate`: runs a crash scenario with a generated population through the engine, without any
/// network, and prints what the liquidation pipeline did.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario", "-s") { Description = "Scenario name in config/scenarios, or a path to a scenario file", DefaultValueFactory = _ => "flash-crash" };
        var all = new Option<bool>("--all") { Description = "Run every scenario in config/scenarios, one after another" };
        var accounts = new Option<int>("--accounts", "-n") { Description = "Traders holding positions", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the population", DefaultValueFactory = _ => 1 };
        var leverage = new Option<string>("--leverage-mix") { Description = "leverage:weight pairs (default 2:30,5:35,10:25,20:10; calibrated 1:50,2:30,3:12,5:5,10:2,20:1)" };
        var liquidity = new Option<decimal>("--liquidity") { Description = "USDC each market maker quotes per level (times the scenario's liquidity); default 2 per trader" };
        var ticks = new Option<int>("--ticks-per-second") { Description = "Engine ticks (liquidation steps) per second", DefaultValueFactory = _ => 1 };
        var makers = new Option<int>("--market-makers") { Description = "Market makers quoting ladders", DefaultValueFactory = _ => 10 };
        var providers = new Option<int>("--providers") { Description = "Backstop liquidity providers", DefaultValueFactory = _ => 3 };
        var fund = new Option<decimal>("--fund") { Description = "Insurance fund at the start, USDC", DefaultValueFactory = _ => 5_000_000m };
        var stops = new Option<decimal>("--stop-losses") { Description = "Share of the traders with a stop-loss (2-8% from entry)", DefaultValueFactory = _ => 0.3m };
        var funding = new Option<int>("--funding-interval") { Description = "Funding interval of every market in seconds (0 = the markets' own)", DefaultValueFactory = _ => 60 };
        var markets = new Option<string>("--markets") { Description = "Markets file", DefaultValueFactory = _ => "config/markets.json" };
        var matrix = new Option<bool>("--matrix") { Description = "Every scenario (or the one given) at every speed of --speeds, a fresh population each, then one table" };
        var kind = new Option<string>("--population") { Description = "default (the options below), or calibrated: the demo's book and backstop, open interest 58x the bids within 1% (Binance BTCUSDT, 2025), deposits 100-5,000 USDC; options given explicitly still apply", DefaultValueFactory = _ => "default" };
        var stageOne = new Option<string>("--stage-one") { Description = "venue: stage 1 as the venue runs it (steps on mark moves, urgency-sized slices, the book before the backstop); reference: a step per tick, fixed 10% slices, the band from ABR alone, straight to the backstop at the auto-close level (as before issue 20); reference,venue: both", DefaultValueFactory = _ => "venue" };
        var plot = new Option<string>("--plot") { Description = "With --matrix: write the book's share against the playback speed, per scenario (and stage 1), to this SVG or PNG file" };
        var speeds = new Option<string>("--speeds") { Description = "Playback speeds: the path plays this many times faster while the engine keeps its tick rate", DefaultValueFactory = _ => "1" };

        var command = new Command("simulate", "Run a crash scenario with a generated population through the engine (no network) and print a summary");
        foreach (var option in new Option[] { scenario, all, kind, stageOne, plot, accounts, seed, leverage, liquidity, ticks, makers, providers, fund, stops, funding, markets, matrix, speeds }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            IReadOnlyList<MarketDefinition> definitions;
            try
            {
                definitions = GatewaySettings.LoadMarkets(new ConfigurationBuilder().AddJsonFile(ConfigFiles.Resolve(parse.GetValue(markets)!)).Build());
            }
            catch (Exception e) when (e is ConfigurationException or FileNotFoundException or InvalidDataException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            string populationKind = parse.GetValue(kind)!;
            if (populationKind is not ("default" or "calibrated"))
            {
                Console.Error.WriteLine($"--population is default or calibrated, not {populationKind}");
                return 2;
            }
            string[] stages = parse.GetValue(stageOne)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (stages.Length == 0 || stages.Any(x => x is not ("venue" or "reference")))
            {
                Console.Error.WriteLine($"--stage-one is venue, reference or both (reference,venue), not {parse.GetValue(stageOne)}");
                return 2;
            }
            bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
            var population = populationKind == "calibrated" ? PopulationOptions.Calibrated() : new PopulationOptions();
            population.Seed = parse.GetValue(seed);
            if (parse.GetValue(leverage) is { } mix) population.LeverageMix = mix;
            if (populationKind == "default" || Given(ticks)) population.TicksPerSecond = parse.GetValue(ticks);
            population.StopLossShare = parse.GetValue(stops);
            population.FundingIntervalSeconds = parse.GetValue(funding);
            if (populationKind == "default" || Given(accounts))
            {
                population.Accounts = parse.GetValue(accounts);
                population.OpenInterestToDepth = 0;
            }
            if (populationKind == "default" || Given(liquidity)) population.LiquidityPerLevel = parse.GetValue(liquidity);
            if (populationKind == "default" || Given(makers)) population.MarketMakers = parse.GetValue(makers);
            if (populationKind == "default" || Given(providers)) population.BackstopProviders = parse.GetValue(providers);
            if (populationKind == "default" || Given(fund)) population.InsuranceFund = parse.GetValue(fund);
            population.Accounts = population.TradersFor(definitions.Count);
            double[] playback;
            try
            {
                playback = parse.GetValue(speeds)!.Split(',').Select(x => double.Parse(x, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
                if (playback.Any(x => !(x is >= 0.01 and <= 1000))) throw new FormatException();
            }
            catch (FormatException)
            {
                Console.Error.WriteLine($"--speeds takes speeds 0.01 to 1000 separated by commas, e.g. 1,3,6,10, not {parse.GetValue(speeds)}");
                return 2;
            }
            bool every = parse.GetValue(all) || (parse.GetValue(matrix) && parse.GetResult(scenario) is null or { Implicit: true });
            var scenarios = every
                ? Directory.GetFiles(ConfigFiles.Resolve("config/scenarios"), "*.json").Order(StringComparer.Ordinal).ToList()
                : [ScenarioPath(parse.GetValue(scenario)!)];
            var table = new List<MatrixRow>();
            foreach (string path in scenarios)
            foreach (string stage in stages)
            foreach (double speed in playback)
            {
                var crash = CrashScenario.Parse(File.ReadAllText(path), path);
                Console.WriteLine($"Scenario {crash.Name} at speed {speed.ToString(CultureInfo.InvariantCulture)}, stage 1 as the {stage}: {crash.Description}");
                Console.WriteLine($"Population: {population.Accounts:N0} traders (leverage {population.LeverageMix}, entries within {population.EntrySpread:P0}), " +
                                  $"{population.MarketMakers} market makers x {population.Levels} levels x {population.EffectiveLiquidityPerLevel * crash.Liquidity:N0} USDC a side, " +
                                  $"{population.BackstopProviders} backstop providers, fund {population.InsuranceFund:N0} USDC, {population.TicksPerSecond} tick/s, requotes {(population.RequoteMilliseconds > 0 ? $"every {population.RequoteMilliseconds} ms" : "every tick")}, seed {population.Seed}, " +
                                  $"{population.StopLossShare:P0} with stop-losses, funding every {population.FundingIntervalSeconds} s");
                if (population.OpenInterestToDepth > 0)
                {
                    Console.WriteLine($"Calibrated: traders chosen for open interest {population.OpenInterestToDepth:N0}x the bids within 1% of the index " +
                                      $"({population.BidDepthWithinOnePercent():N0} USDC per market); deposits {population.MinDeposit:N0}-{population.MaxDeposit:N0} USDC");
                }
                var engine = new EngineOptions();
                if (stage == "reference") engine.Liquidation = LiquidationOptions.Reference();
                var simulation = new CrashSimulation(definitions, StartPrices(definitions), population, engine);
                simulation.Populate();
                var summary = simulation.Run(crash, speed);
                Print(summary);
                table.Add(new MatrixRow(crash.Name, stage, speed, summary));
            }
            if (parse.GetValue(matrix)) PrintMatrix(table);
            if (parse.GetValue(plot) is { } file)
            {
                BookSharePlot.Save(table, file);
                Console.WriteLine($"Plot: {Path.GetFullPath(file)}");
            }
            return 0;
        });
        return command;
    }

    private static string ScenarioPath(string nameOrPath) =>
        File.Exists(nameOrPath) ? nameOrPath : ConfigFiles.Resolve(Path.Combine("config/scenarios", nameOrPath + ".json"));

    private static long[] StartPrices(IReadOnlyList<MarketDefinition> markets) =>
        markets.Select(m => m.TryPriceToTicks(m.ReferencePrice, out long ticks) ? ticks
            : throw new FormatException($"{m.Symbol}: ReferencePrice is needed to simulate")).ToArray();

    /// <summary>One line per scenario and speed, as Markdown: where the liquidated notional closed, the fund's P&amp;L and what was left unsettled.</summary>
    public static void PrintMatrix(IReadOnlyList<MatrixRow> rows)
    {
        static string Pct(double share) => (share * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
        static string Usd(long micros) => Usdc.ToDecimal(micros).ToString("N0", CultureInfo.InvariantCulture);
        static string Bp(double bp) => bp.ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine("| scenario | stage 1 | speed | liquidations (bankrupt) | book | backstop | insurance fund | ADL | book slippage mean / worst (bp) | all closes mean (bp) | notional closed (USDC) | fund P&L (USDC) | ADL closes | negative equity left |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (scenario, stage, speed, s) in rows)
        {
            Console.WriteLine($"| {scenario} | {stage} | {speed.ToString(CultureInfo.InvariantCulture)} | {s.LiquidationsStarted:N0} ({s.Bankrupt:N0}) | {Pct(s.Share(s.BookNotional))} | " +
                              $"{Pct(s.Share(s.BackstopNotional))} | {Pct(s.Share(s.FundNotional))} | {Pct(s.Share(s.AdlNotional))} | " +
                              $"{Bp(s.BookSlippage.MeanBp)} / {Bp(s.BookSlippage.WorstBp)} | {Bp(s.CloseSlippage.MeanBp)} | {Usd(s.TotalNotional)} | " +
                              $"{Usd(s.FundEnd - s.FundStart)} | {s.AdlCloses:N0} | {s.NegativeEquityAccounts} |");
        }
        Console.WriteLine();
    }

    public static void Print(SimulationSummary s)
    {
        static string Usd(long micros) => Usdc.ToDecimal(micros).ToString("N0", CultureInfo.InvariantCulture);
        static string Pct(double share) => (share * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
        Console.WriteLine($"  commands processed        {s.Commands:N0} ({s.Events:N0} events)");
        Console.WriteLine($"  liquidations              {s.LiquidationsStarted:N0} started, {s.AccountsLiquidated:N0} accounts " +
                          $"(averted {s.Averted:N0}, partial {s.Partial:N0}, full {s.Full:N0}, bankrupt {s.Bankrupt:N0}); still liquidating {s.StillLiquidating}");
        Console.WriteLine($"  notional closed           {Usd(s.TotalNotional)} USDC");
        Console.WriteLine($"    on the book (stage 1)   {Usd(s.BookNotional),16} USDC  {Pct(s.Share(s.BookNotional)),8}   (Backpack reports 99.82%)");
        Console.WriteLine($"    backstop providers      {Usd(s.BackstopNotional),16} USDC  {Pct(s.Share(s.BackstopNotional)),8}");
        Console.WriteLine($"    insurance fund takeover {Usd(s.FundNotional),16} USDC  {Pct(s.Share(s.FundNotional)),8}");
        Console.WriteLine($"    ADL (stage 3)           {Usd(s.AdlNotional),16} USDC  {Pct(s.Share(s.AdlNotional)),8}");
        Console.WriteLine($"  slippage against the mark book fills: mean {s.BookSlippage.MeanBp:F1} bp, worst {s.BookSlippage.WorstBp:F1} bp over {s.BookSlippage.Fills:N0}; " +
                          $"all closes: mean {s.CloseSlippage.MeanBp:F1} bp, worst {s.CloseSlippage.WorstBp:F1} bp over {s.CloseSlippage.Fills:N0}");
        Console.WriteLine($"  open interest at start    {Usd(s.Size.OpenInterest)} USDC long, {s.Size.Ratio:F0}x the {Usd(s.Size.BidDepthWithinOnePercent)} USDC of bids within 1%");
        Console.WriteLine($"  insurance fund            {Usd(s.FundStart)} -> {Usd(s.FundEnd)} USDC");
        Console.WriteLine($"  largest shortfall         {Usd(s.LargestShortfall)} USDC");
        Console.WriteLine($"  negative equity left      {s.NegativeEquityAccounts} accounts");
        Console.WriteLine($"  funding                   {Usdc.ToDecimal(s.FundingPaid).ToString("N2", CultureInfo.InvariantCulture)} USDC paid, {Usdc.ToDecimal(s.FundingReceived).ToString("N2", CultureInfo.InvariantCulture)} received, "
                          + $"{Usdc.ToDecimal(s.FundingResidue).ToString("N6", CultureInfo.InvariantCulture)} to the fund (rounding), {s.FundingPayments:N0} payments");
        Console.WriteLine($"  stop-losses               {s.StopsPlaced:N0} placed, {s.StopsFired:N0} fired into the book, {s.StopsFailed:N0} fired but refused");
        Console.WriteLine($"  engine time per command that moved a mark (margin checks): mean {s.MarkUpdates.Mean:F1} us, p50 {s.MarkUpdates.P50:F1} us, p99 {s.MarkUpdates.P99:F1} us, max {s.MarkUpdates.Max:F1} us over {s.MarkUpdates.Count:N0}");
        Console.WriteLine($"    slowest mark update:    {s.Worst.Micros:F1} us, examined {s.Worst.Examined:N0} accounts, started {s.Worst.LiquidationsStarted:N0} liquidations and {s.Worst.MarginCalls:N0} margin calls");
        Console.WriteLine($"  engine time per tick (liquidation steps):    mean {s.Ticks.Mean:F1} us, p50 {s.Ticks.P50:F1} us, p99 {s.Ticks.P99:F1} us, max {s.Ticks.Max:F1} us over {s.Ticks.Count:N0}");
        Console.WriteLine($"  margin monitor            {s.MonitorEvaluations:N0} exact evaluations, {s.TriggersFired:N0} triggers fired");
        Console.WriteLine($"  state hash                {s.StateHash:x16}");
        Console.WriteLine();
    }
}

/// <summary>One run of the matrix: a scenario with stage 1 as the venue or the reference runs it, at a playback speed.</summary>
public sealed record MatrixRow(string Scenario, string Stage, double Speed, SimulationSummary Summary);

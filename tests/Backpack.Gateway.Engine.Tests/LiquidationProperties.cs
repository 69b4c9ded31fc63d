using Backpack.Gateway.Engine.Scenarios;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using FsCheck;
using FsCheck.Fluent;
using MarketDefinition = Backpack.Gateway.Protocol.Markets.MarketDefinition;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The reference's invariants over random populations and random crash paths: cash is conserved,
/// long and short open interest stay equal, no account is above maintenance without being
/// liquidated (so the trigger index never misses a crossing), nobody is left liquidating, and
/// nobody is left with negative equity while the fund can pay.
/// </summary>
public class LiquidationProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(40);

    internal static MarketDefinition[] Markets() =>
    [
        new() { Symbol = "AAA_USDC_PERP", TickSize = 0.01m, StepSize = 0.001m, MinQuantity = 0.001m, MaxQuantity = 1_000_000m, PriceBand = 0.10m,
                MakerFee = 0.0002m, TakerFee = 0.0005m, BaseImf = 0.05m, ImfFactor = 0.00002m, BaseMmf = 0.025m, MmfFactor = 0.00001m, ReferencePrice = 100m },
        new() { Symbol = "BBB_USDC_PERP", TickSize = 0.1m, StepSize = 0.0001m, MinQuantity = 0.0001m, MaxQuantity = 1_000_000m, PriceBand = 0.10m,
                MakerFee = -0.0001m, TakerFee = 0.0006m, BaseImf = 0.02m, ImfFactor = 0.00002m, BaseMmf = 0.01m, MmfFactor = 0.000012m, ReferencePrice = 2_500m },
    ];

    internal static long[] StartPrices() => [10_000, 25_000];

    internal static CrashScenario RandomPath(Random random)
    {
        var points = new List<PathPoint> { new(0, 0m) };
        double t = 0;
        decimal move = 0;
        int duration = random.Next(40, 90);
        while (t < duration)
        {
            t = Math.Min(duration, t + random.Next(3, 20));
            bool gap = random.Next(6) == 0;
            if (gap) points.Add(new PathPoint(t, move));
            move = Math.Clamp(move + (decimal)(random.NextDouble() * 0.16 - 0.11), -0.35m, 0.15m);
            points.Add(new PathPoint(t, move));
        }
        return new CrashScenario { Name = "random", DurationSeconds = duration, StepMilliseconds = 500, Liquidity = (decimal)random.NextDouble(), Path = points };
    }

    internal static PopulationOptions Population(Random random, int seed) => new()
    {
        Accounts = random.Next(60, 200),
        Seed = seed,
        LeverageMix = "3:30,8:30,15:25,30:15",
        MinDeposit = 100m,
        MaxDeposit = 5_000m,
        MarketMakers = random.Next(0, 4),
        Levels = 5,
        LiquidityPerLevel = random.Next(0, 3) * 2_000m,
        BackstopProviders = random.Next(0, 3),
        ProviderPerMinute = 50_000m,
        ProviderPerHour = 200_000m,
        ProviderCollateral = 1_000_000m,
        InsuranceFund = random.Next(0, 3) * 20_000m,
        RecoverySeconds = 75, // longer than the 60 s a liquidation may stay on the book
        TicksPerSecond = random.Next(1, 3),
    };

    /// <summary>Stage 1's settings at random, the reference's and the venue's defaults among them.</summary>
    internal static EngineOptions RandomStageOne(Random random)
    {
        var o = new LiquidationOptions
        {
            StepOnMarkMoves = random.Next(4) != 0,
            BookBeforeBackstop = random.Next(4) != 0,
            MinBandAbr = random.Next(3) * 0.1m,
            BandDepthShare = random.Next(1, 5) * 0.25m,
        };
        o.UrgentSliceFraction = random.Next(3) == 0 ? o.SliceFraction : random.Next(2, 11) * 0.1m;
        return new EngineOptions { Liquidation = o };
    }

    [Fact]
    public void Random_crashes_keep_money_open_interest_and_the_margin_monitor_sound()
    {
        int fundNeverRanDry = 0, shortfallsPaidFromAFundThatHeld = 0, withFunding = 0, withStops = 0;
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var random = new Random(seed);
            var scenario = RandomPath(random);
            var simulation = new CrashSimulation(Markets(), StartPrices(), Population(random, seed), RandomStageOne(random));
            var checker = new InvariantChecker(simulation.Engine);
            simulation.AfterCommand = checker.Check;
            simulation.Populate();
            checker.WatchTheFund(); // from the fund's deposit on
            var summary = simulation.Run(scenario);

            Assert.Equal(0, summary.StillLiquidating);
            Assert.Empty(simulation.Engine.LiquidatingAccounts());
            // Unsettled (negative) equity is only left when the fund ran dry at some point after its deposit.
            Assert.True(checker.LowestFundBalance <= 0 || summary.NegativeEquityAccounts == 0,
                $"seed {seed}: {summary.NegativeEquityAccounts} accounts left with negative equity while the fund never ran dry (lowest {checker.LowestFundBalance})");
            if (simulation.Engine.FundingTotals.Payments > 0) withFunding++;
            if (simulation.Engine.ConditionalCounters.Fired > 0) withStops++;
            if (checker.LowestFundBalance > 0)
            {
                fundNeverRanDry++;
                if (simulation.Engine.Liquidations.ShortfallsPaid > 0) shortfallsPaidFromAFundThatHeld++;
            }
            return true;
        }).Check(Config);
        // The fund rule above is only tested by runs whose fund held: enough of them, and some where it paid.
        Assert.True(fundNeverRanDry >= 10, $"only {fundNeverRanDry} of 40 runs had a fund that never ran dry");
        Assert.True(shortfallsPaidFromAFundThatHeld >= 3, $"only {shortfallsPaidFromAFundThatHeld} runs had the fund pay a shortfall and stay above zero");
        // Funding (every 60 s) and stop-losses ran through the crashes the money checks watched.
        Assert.True(withFunding >= 35 && withStops >= 20, $"{withFunding} of 40 runs paid funding, {withStops} fired stop-losses");
    }

    [Fact]
    public void A_crash_played_faster_gets_fewer_engine_ticks_and_keeps_the_money_sound()
    {
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var random = new Random(seed);
            var scenario = RandomPath(random);
            var population = Population(random, seed);
            // A faster path leaves a funding payment (every 60 s of real time) inside the recovery, where it
            // may start a liquidation that can stay on the book 60 s: the recovery must outlast both.
            population.RecoverySeconds = population.FundingIntervalSeconds + 75;
            double speed = random.Next(2, 11);
            var simulation = new CrashSimulation(Markets(), StartPrices(), population);
            var checker = new InvariantChecker(simulation.Engine);
            simulation.AfterCommand = checker.Check;
            simulation.Populate();
            var summary = simulation.Run(scenario, speed);

            // One tick every 1/TicksPerSecond of real time: the path's ticks shrink by the speed, the recovery's do not.
            double pathTicks = scenario.DurationSeconds * population.TicksPerSecond / speed;
            int recoveryTicks = population.RecoverySeconds * population.TicksPerSecond;
            Assert.InRange(summary.Ticks.Count, Math.Floor(pathTicks) + recoveryTicks, Math.Ceiling(pathTicks) + 1 + recoveryTicks);
            Assert.Equal(0, summary.StillLiquidating);
            return true;
        }).Check(Config.WithMaxTest(10));
    }

    [Fact]
    public void The_same_scenario_and_seed_give_the_same_events_and_state_hash()
    {
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var (eventsA, hashA) = Run(seed);
            var (eventsB, hashB) = Run(seed);
            return hashA == hashB && eventsA.Count > 0 && eventsA.Select(Convert.ToHexString).SequenceEqual(eventsB.Select(Convert.ToHexString));
        }).Check(Config.WithMaxTest(5));

        static (List<byte[]> Events, ulong Hash) Run(int seed)
        {
            var random = new Random(seed);
            var scenario = RandomPath(random);
            var simulation = new CrashSimulation(Markets(), StartPrices(), Population(random, seed));
            var events = new List<byte[]>();
            simulation.AfterCommand = output =>
            {
                for (int i = 0; i < output.Count; i++) events.Add(output[i].ToArray());
            };
            simulation.Populate();
            return (events, simulation.Run(scenario).StateHash);
        }
    }

    [Fact]
    public void Replaying_a_crash_journal_rebuilds_the_same_state()
    {
        var random = new Random(7);
        var scenario = RandomPath(random);
        var simulation = new CrashSimulation(Markets(), StartPrices(), Population(random, 7)) { RecordJournal = true };
        simulation.Populate();
        var summary = simulation.Run(scenario);
        Assert.True(summary.LiquidationsStarted > 0, "the crash should liquidate someone");

        var replay = new MatchingEngine(simulation.Markets, new EngineOptions());
        var output = new Protocol.Framing.FrameBuffer();
        foreach (var frame in simulation.Journal)
        {
            output.Clear();
            replay.Process(frame, output);
        }
        Assert.Equal(summary.StateHash, replay.ComputeStateHash());
    }

    [Fact]
    public void A_mark_move_examines_every_account_that_crossed_and_few_others()
    {
        var population = new PopulationOptions { Accounts = 5_000, Seed = 3, MarketMakers = 0, BackstopProviders = 0, InsuranceFund = 0 };
        var simulation = new CrashSimulation(Markets(), StartPrices(), population);
        simulation.Populate();
        var engine = simulation.Engine;
        var (start, _, armed) = engine.MonitorCounters;
        Assert.True(armed >= 4_500, $"every position should have a trigger armed, {armed} armed");
        var sender = new CommandSender(engine, engine.LastSequence);

        sender.Index(1, 9_990); // -0.1%
        var (afterSmall, _, _) = engine.MonitorCounters;
        Assert.InRange(afterSmall - start, 0, 100);

        sender.Index(1, 9_300); // -7%
        var (afterLarge, _, _) = engine.MonitorCounters;
        int crossed = engine.AccountIds().Count(id =>
        {
            var a = engine.GetAccount(id)!;
            return id != engine.InsuranceFundAccountId && a.MaintenanceMargin > 0 && (a.Liquidating || a.MaintenanceMargin * 10 >= a.Equity * 8);
        });
        long examined = afterLarge - afterSmall;
        Assert.True(crossed > 100, $"a 7% fall should bring many accounts to the margin-call level, {crossed} did");
        Assert.True(examined >= crossed, $"{crossed} accounts crossed but only {examined} were examined");
        Assert.True(examined < 5_000 / 2, $"{examined} evaluations for a move that {crossed} accounts crossed");
    }
}

/// <summary>Sends single commands to an engine that something else has been driving.</summary>
internal sealed class CommandSender(MatchingEngine engine, long lastSequence)
{
    private long _sequence = lastSequence;
    private readonly Protocol.Framing.FrameBuffer _output = new();

    public void Index(int market, long price) =>
        Send(new Protocol.Commands.SetIndexPrice(new CommandHeader(++_sequence, engine.Time, _sequence), market, price));

    private void Send<T>(T command) where T : struct, IProtocolMessage<T>
    {
        _output.Clear();
        engine.Process(ProtocolCodec.ToArray(command), _output);
    }
}

/// <summary>
/// Checks the money, open-interest and monitoring invariants after a command, and that a
/// liquidation only ends with the account below zero when the insurance fund is empty.
/// </summary>
internal sealed class InvariantChecker(MatchingEngine engine)
{
    private int _commands;
    private bool _watchingFund;
    private long _fundBalance;
    private readonly MoneyInvariants _money = new();

    /// <summary>Lowest insurance fund balance seen after any command since <see cref="WatchTheFund"/>; long.MaxValue before.</summary>
    public long LowestFundBalance { get; private set; } = long.MaxValue;

    /// <summary>Starts measuring the fund's lowest balance (call once the fund has its deposit).</summary>
    public void WatchTheFund()
    {
        _watchingFund = true;
        LowestFundBalance = engine.InsuranceFundBalance;
    }

    public void Check(Protocol.Framing.FrameBuffer output)
    {
        if (_watchingFund) LowestFundBalance = Math.Min(LowestFundBalance, engine.InsuranceFundBalance);
        // The fund's balance as the events go (it starts where the previous command left it).
        long fund = _fundBalance;
        for (int i = 0; i < output.Count; i++)
        {
            _money.Observe(output[i]);
            if (!ProtocolCodec.TryReadType(output[i], out var type, out _)) continue;
            if (type == MessageType.InsuranceFundChanged) fund = ProtocolCodec.Decode<InsuranceFundChanged>(output[i]).Balance;
            if (type != MessageType.LiquidationEnded) continue;
            var ended = ProtocolCodec.Decode<LiquidationEnded>(output[i]);
            var account = engine.GetAccount(ended.AccountId)!;
            // The fund covers a closed-out account's deficit as far as its balance goes (reference: stage 3).
            if (account.Equity < 0 && account.Positions.All(p => p.Quantity == 0))
                Assert.True(fund <= 0, $"liquidation {ended.LiquidationId} ended with account {ended.AccountId} at {account.Equity} while the fund held {fund}");
        }
        _fundBalance = engine.InsuranceFundBalance;
        // Every event tells the check what kind of command this was; full checks after marks and ticks.
        bool full = false;
        for (int i = 0; i < output.Count && !full; i++)
        {
            ProtocolCodec.TryReadType(output[i], out var type, out _);
            full = type is MessageType.MarkPrice or MessageType.LiquidationFill or MessageType.LiquidationEnded;
        }
        if (!full && ++_commands % 50 != 0) return;

        _money.Check(engine);
        var liquidating = engine.LiquidatingAccounts().ToHashSet();
        foreach (int id in engine.AccountIds())
        {
            var a = engine.GetAccount(id)!;
            if (id == engine.InsuranceFundAccountId || a.MaintenanceMargin == 0) continue;
            // Soundness of the trigger index: nobody at or past maintenance escapes liquidation.
            if (a.MaintenanceMargin >= a.Equity) Assert.True(liquidating.Contains(id), $"account {id} is at maintenance (MM {a.MaintenanceMargin} >= E {a.Equity}) but not liquidating");
        }
    }
}

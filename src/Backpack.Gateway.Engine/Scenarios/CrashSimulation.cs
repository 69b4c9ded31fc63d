using System.Diagnostics;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine.Scenarios;

/// <summary>
/// Runs a crash scenario through an engine with a generated population and no network: traders
/// open paired positions at the start price with leverage drawn from a mix; market makers quote
/// ladders around the index after every tick (scaled by the scenario's liquidity); backstop
/// providers register; the fund gets its starting injection. Then the scenario's index path and
/// ticks are played, and the engine's liquidation statistics are summarized. Deterministic for a
/// seed (only the wall-time figures vary).
/// </summary>
public sealed class CrashSimulation
{
    private readonly MatchingEngine _engine;
    private readonly FrameBuffer _output = new(1 << 20, 1 << 14);
    private readonly MarketDefinition[] _markets;
    private readonly PopulationOptions _population;
    private readonly long[] _startPrices;
    private readonly HashSet<int> _liquidated = [];
    private WorstMarkUpdate _worst = new(0, 0, 0, 0);
    private readonly List<double> _markSamples = [];
    private readonly long[] _marks;
    private readonly SlippageTally _bookSlippage = new(), _closeSlippage = new();
    private MarketSize _size = new(0, 0);
    private long _adlCloses;
    private long _lastQuote;
    private long _sequence;
    private long _time;
    private int _placed;

    public CrashSimulation(IReadOnlyList<MarketDefinition> markets, IReadOnlyList<long> startPrices, PopulationOptions population, EngineOptions? engine = null)
    {
        _markets = markets.Select(m => m.Copy()).ToArray();
        if (population.FundingIntervalSeconds > 0)
        {
            foreach (var m in _markets) m.FundingIntervalSeconds = population.FundingIntervalSeconds;
        }
        _population = population;
        _startPrices = startPrices.ToArray();
        _marks = startPrices.ToArray();
        if (_startPrices.Length != _markets.Length) throw new ArgumentException("one start price per market");
        int others = population.Accounts + population.MarketMakers + population.BackstopProviders;
        engine ??= new EngineOptions();
        engine.InitialAccountCapacity = Math.Max(engine.InitialAccountCapacity, others + 16);
        engine.InitialOrderCapacity = Math.Max(engine.InitialOrderCapacity, population.MarketMakers * population.Levels * 2 * _markets.Length * 2 + 1024);
        engine.MaxOpenOrdersPerAccount = Math.Max(engine.MaxOpenOrdersPerAccount, population.Levels * 2 * _markets.Length + 16);
        if (others >= engine.Liquidation.InsuranceFundAccountId) throw new ArgumentException("too many accounts: ids would reach the insurance fund's");
        _engine = new MatchingEngine(_markets, engine);
        _time = 1_760_000_000_000_000;
    }

    public MatchingEngine Engine => _engine;

    /// <summary>The markets as the simulation runs them (its funding interval applied): a replay needs the same.</summary>
    public IReadOnlyList<MarketDefinition> Markets => _markets;

    /// <summary>Stop-losses the population placed.</summary>
    public int StopsPlaced { get; private set; }

    /// <summary>Every command sent, in order (a journal), when <see cref="RecordJournal"/> is on.</summary>
    public List<byte[]> Journal { get; } = [];
    public bool RecordJournal { get; set; }

    /// <summary>Called after every command with its events (for tests that check invariants as it goes).</summary>
    public Action<FrameBuffer>? AfterCommand { get; set; }

    public long Commands { get; private set; }
    public long Events { get; private set; }

    private int FirstMaker => _population.Accounts + 1;
    private int FirstProvider => FirstMaker + _population.MarketMakers;

    /// <summary>Deposits, positions, providers, the fund and the first quotes.</summary>
    public void Populate()
    {
        var p = _population;
        var random = new Random(p.Seed);
        var mix = p.ParseLeverageMix();
        int totalWeight = mix.Sum(x => x.Weight);
        for (int m = 0; m < _markets.Length; m++) Send(new SetIndexPrice(Header(), m + 1, _startPrices[m]));
        Send(new Deposit(Header(), _engine.InsuranceFundAccountId, Micros(p.InsuranceFund)));
        for (int i = 0; i < p.BackstopProviders; i++)
        {
            int id = FirstProvider + i;
            Send(new Deposit(Header(), id, Micros(p.ProviderCollateral)));
            Send(new RegisterBackstopProvider(Header(), id, Micros(p.ProviderPerMinute), Micros(p.ProviderPerHour)));
        }
        for (int i = 0; i < p.MarketMakers; i++) Send(new Deposit(Header(), FirstMaker + i, 1_000_000_000L * 1_000_000));

        var openings = new List<(int Long, int Short, int Market, long Entry, long Lots)>();
        for (int id = 1; id + 1 <= p.Accounts; id += 2)
        {
            int m = random.Next(_markets.Length);
            var rules = _engine.Markets[m];
            long price = _startPrices[m];
            decimal maxLeverage = 0.9m / (rules.BaseImfPpm / 1_000_000m);
            // Leverage from the mix with +/-20% jitter for each side; the long's deposit sets the size,
            // and the short's deposit is sized so it carries its own leverage; entries spread around the start.
            long longDeposit = Micros(p.MinDeposit + (p.MaxDeposit - p.MinDeposit) * (decimal)random.NextDouble());
            decimal longLeverage = Math.Min(maxLeverage, Draw(mix, totalWeight, random) * (0.8m + 0.4m * (decimal)random.NextDouble()));
            decimal shortLeverage = Math.Min(maxLeverage, Draw(mix, totalWeight, random) * (0.8m + 0.4m * (decimal)random.NextDouble()));
            long entry = Math.Max(1, (long)(price * (1 + p.EntrySpread * (2 * (decimal)random.NextDouble() - 1))));
            long lots = (long)(longDeposit * longLeverage) / (rules.QuotePerTickLot * entry);
            lots = Math.Clamp(lots, rules.MinQuantity, rules.MaxQuantity);
            long shortDeposit = Math.Max(Micros(p.MinDeposit) / 10, (long)(rules.Quote(entry, lots) / shortLeverage));
            Send(new Deposit(Header(), id, longDeposit));
            Send(new Deposit(Header(), id + 1, shortDeposit));
            Send(new NewOrder(Header(), id + 1, m + 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, entry, lots, OrderFlags.None, SelfTradePrevention.RejectTaker));
            Send(new NewOrder(Header(), id, m + 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Ioc, entry, lots, OrderFlags.None, SelfTradePrevention.RejectTaker));
            openings.Add((id, id + 1, m, entry, lots));
        }
        // Stop-losses from a generator of their own, so the population is the same with or without them.
        var stops = new Random(p.Seed ^ 0x5709);
        foreach (var (longId, shortId, m, entry, lots) in openings)
        {
            foreach (var (id, side) in new[] { (longId, Side.Sell), (shortId, Side.Buy) })
            {
                if ((decimal)stops.NextDouble() >= p.StopLossShare) continue;
                decimal distance = p.StopLossMinDistance + (p.StopLossMaxDistance - p.StopLossMinDistance) * (decimal)stops.NextDouble();
                long trigger = Math.Max(1, (long)(entry * (side == Side.Sell ? 1 - distance : 1 + distance)));
                Send(new NewTriggerOrder(Header(), id, m + 1, 0, side, OrderType.Market, TimeInForce.Ioc, 0, lots, OrderFlags.ReduceOnly,
                    SelfTradePrevention.RejectTaker, trigger, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice));
                StopsPlaced += _placed;
            }
        }
        Quote(_startPrices, 1m);
        _lastQuote = _time;
        _size = MeasureSize();
    }

    /// <summary>Long open interest and bids within 1% of the index, at the start prices, over all markets.</summary>
    private MarketSize MeasureSize()
    {
        long openInterest = 0, depth = 0;
        for (int m = 0; m < _markets.Length; m++)
        {
            var rules = _engine.Markets[m];
            long floor = _startPrices[m] - _startPrices[m] / 100;
            foreach (var level in _engine.GetDepth(m + 1, Side.Buy))
            {
                if (level.Price < floor) break;
                depth += rules.Quote(level.Price, level.Quantity);
            }
        }
        foreach (int id in _engine.AccountIds())
        {
            var account = _engine.GetAccount(id)!;
            if (id >= FirstMaker) continue;
            foreach (var position in account.Positions)
            {
                if (position.Quantity > 0) openInterest += _engine.Markets[position.MarketId - 1].Quote(_startPrices[position.MarketId - 1], position.Quantity);
            }
        }
        return new MarketSize(openInterest, depth);
    }

    /// <summary>
    /// Plays the scenario (then the recovery seconds) and returns the summary. At
    /// <paramref name="speed"/> the path plays that many times faster while the engine keeps its tick
    /// rate, as the host's scenarios do at a playback speed: each tick then follows a move as large as
    /// <paramref name="speed"/> seconds of the path.
    /// </summary>
    public SimulationSummary Run(CrashScenario scenario, double speed = 1)
    {
        if (!(speed is >= 0.01 and <= 1000)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be 0.01 to 1000");
        long fundStart = _engine.InsuranceFundBalance;
        _bookSlippage.Clear();
        _adlCloses = 0;
        _closeSlippage.Clear();
        _markSamples.Clear();
        _worst = new WorstMarkUpdate(0, 0, 0, 0);
        var tickSamples = new List<double>();
        long start = _time;
        long[] last = _startPrices;
        long tickMicros = 1_000_000L / Math.Max(1, _population.TicksPerSecond);
        foreach (var step in ScenarioPlayer.Steps(scenario, _startPrices, Math.Max(1, (long)(tickMicros * speed))))
        {
            _time = Math.Max(_time, start + (long)(step.OffsetMicros / speed));
            PlayStep(step.IndexPrices, step.Tick, scenario.Liquidity, tickSamples);
            last = step.IndexPrices;
        }
        int recoveryTicks = _population.RecoverySeconds * Math.Max(1, _population.TicksPerSecond);
        for (int s = 1; s <= recoveryTicks; s++)
        {
            _time = Math.Max(_time, start + (long)(scenario.DurationSeconds * 1_000_000L / speed) + s * tickMicros);
            PlayStep(last, true, scenario.Liquidity, tickSamples);
        }

        var stats = _engine.Liquidations;
        int negative = 0;
        foreach (int id in _engine.AccountIds())
        {
            if (id == _engine.InsuranceFundAccountId) continue;
            if (_engine.GetAccount(id)!.Equity < 0) negative++;
        }
        var (evaluations, fired, _) = _engine.MonitorCounters;
        var (paid, received, residue, payments) = _engine.FundingTotals;
        var (_, stopsFired, stopsFailed) = _engine.ConditionalCounters;
        return new SimulationSummary(scenario.Name, _population.Accounts, Commands, Events, stats.Started, _liquidated.Count,
            stats.Averted, stats.Partial, stats.Full, stats.Bankrupt, stats.BookNotional, stats.ProviderNotional, stats.FundNotional,
            stats.AdlNotional, fundStart, _engine.InsuranceFundBalance, stats.LargestShortfall, paid, received, residue, payments,
            StopsPlaced, stopsFired, stopsFailed, negative,
            _engine.LiquidatingAccounts().Count, TimingSummary.Of(_markSamples), TimingSummary.Of(tickSamples), evaluations, fired,
            _worst, _engine.ComputeStateHash(), _size, _bookSlippage.Summary(), _closeSlippage.Summary(), _adlCloses);
    }

    private void PlayStep(long[] prices, bool tick, decimal liquidity, List<double> tickSamples)
    {
        for (int m = 0; m < prices.Length; m++) Send(new SetIndexPrice(Header(), m + 1, prices[m]));
        if (!tick) return;
        if (_time - _lastQuote >= _population.RequoteMilliseconds * 1_000L)
        {
            Quote(prices, liquidity);
            _lastQuote = _time;
        }
        tickSamples.Add(Send(new Tick(Header()), timeMarkMoves: false));
    }

    /// <summary>Every market maker cancels and quotes a fresh ladder around the index.</summary>
    private void Quote(long[] prices, decimal liquidity)
    {
        var p = _population;
        for (int i = 0; i < p.MarketMakers; i++)
        {
            int id = FirstMaker + i;
            Send(new CancelAll(Header(), id, 0));
            if (liquidity <= 0) continue;
            for (int m = 0; m < _markets.Length; m++)
            {
                var rules = _engine.Markets[m];
                long index = prices[m];
                long lots = (long)(Micros(p.EffectiveLiquidityPerLevel * liquidity) / (rules.QuotePerTickLot * index));
                if (lots < rules.MinQuantity) continue;
                for (int level = 1; level <= p.Levels; level++)
                {
                    // Each maker sits a little apart from the others so the ladders interleave.
                    long offset = Math.Max(1, (long)(index * p.LevelOffset(level, i)));
                    Send(new NewOrder(Header(), id, m + 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, index - offset, lots, OrderFlags.PostOnly, SelfTradePrevention.RejectTaker));
                    Send(new NewOrder(Header(), id, m + 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, index + offset, lots, OrderFlags.PostOnly, SelfTradePrevention.RejectTaker));
                }
            }
        }
    }

    /// <summary>
    /// Processes one command and returns its wall time in microseconds. A command whose events
    /// include a MarkPrice moved a mark, so the margin checks ran in it: its time is a mark-update
    /// sample (a SetIndexPrice, but also a cancel that took away the quotes holding the mark up).
    /// </summary>
    private double Send<T>(T command, bool timeMarkMoves = true) where T : struct, IProtocolMessage<T>
    {
        Span<byte> frame = stackalloc byte[ProtocolCodec.MaxMessageSize];
        int length = ProtocolCodec.Encode(command, frame);
        if (RecordJournal) Journal.Add(frame[..length].ToArray());
        _output.Clear();
        long examinedBefore = _engine.MonitorCounters.Evaluations;
        long before = Stopwatch.GetTimestamp();
        _engine.Process(frame[..length], _output);
        double micros = Stopwatch.GetElapsedTime(before).TotalMicroseconds;
        Commands++;
        Events += _output.Count;
        int started = 0, calls = 0;
        bool markMoved = false;
        _placed = 0;
        for (int i = 0; i < _output.Count; i++)
        {
            if (!ProtocolCodec.TryReadType(_output[i], out var type, out _)) continue;
            if (type == MessageType.MarkPrice)
            {
                markMoved = true;
                var mark = ProtocolCodec.Decode<MarkPrice>(_output[i]);
                _marks[mark.MarketId - 1] = mark.Price;
            }
            if (type == MessageType.LiquidationFill) Tally(ProtocolCodec.Decode<LiquidationFill>(_output[i]));
            if (type == MessageType.TriggerPlaced) _placed++;
            if (type == MessageType.MarginCall) calls++;
            if (type == MessageType.LiquidationStarted)
            {
                started++;
                _liquidated.Add(ProtocolCodec.Decode<LiquidationStarted>(_output[i]).AccountId);
            }
        }
        if (markMoved && timeMarkMoves)
        {
            _markSamples.Add(micros);
            if (micros > _worst.Micros) _worst = new WorstMarkUpdate(micros, _engine.MonitorCounters.Evaluations - examinedBefore, started, calls);
        }
        AfterCommand?.Invoke(_output);
        return micros;
    }

    /// <summary>A liquidation close against the mark of the moment (the last MarkPrice before it).</summary>
    private void Tally(in LiquidationFill fill)
    {
        long mark = _marks[fill.MarketId - 1];
        if (mark <= 0) return;
        double bp = (fill.Side == Side.Sell ? mark - fill.Price : fill.Price - mark) * 10_000.0 / mark;
        double notional = (double)fill.Price * fill.Quantity;
        _closeSlippage.Add(bp, notional);
        if (fill.Stage == LiquidationStage.Book) _bookSlippage.Add(bp, notional);
        if (fill.Stage == LiquidationStage.Adl) _adlCloses++;
    }

    /// <summary>Notional-weighted mean and worst slippage of a set of fills.</summary>
    private sealed class SlippageTally
    {
        private long _fills;
        private double _weighted, _weight, _worst;

        public void Add(double bp, double weight)
        {
            _fills++;
            _weighted += bp * weight;
            _weight += weight;
            _worst = _fills == 1 ? bp : Math.Max(_worst, bp);
        }

        public void Clear() => (_fills, _weighted, _weight, _worst) = (0, 0, 0, 0);

        public Slippage Summary() => new(_fills, _weight == 0 ? 0 : _weighted / _weight, _worst);
    }

    private CommandHeader Header() => new(++_sequence, _time, _sequence);

    private static long Micros(decimal usdc) => (long)(usdc * Usdc.MicrosPerUnit);

    private static decimal Draw(IReadOnlyList<(decimal Leverage, int Weight)> mix, int totalWeight, Random random)
    {
        int roll = random.Next(totalWeight);
        foreach (var (leverage, weight) in mix)
        {
            if (roll < weight) return leverage;
            roll -= weight;
        }
        return mix[^1].Leverage;
    }
}

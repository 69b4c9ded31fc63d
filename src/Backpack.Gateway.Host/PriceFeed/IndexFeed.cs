using Backpack.Gateway.Engine.Scenarios;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.PriceFeed;

/// <summary>What the index feed is doing now (the admin endpoint shows it).</summary>
/// <param name="Mode">"walk", "still" or "scenario"</param>
/// <param name="Scenario">the scenario playing, or null</param>
/// <param name="Elapsed">scenario time played (seconds of the scenario, not of the wall clock)</param>
/// <param name="Duration">the scenario's length in its own seconds</param>
/// <param name="Speed">playback speed</param>
/// <param name="Index">index price per symbol</param>
public sealed record FeedStatus(string Mode, string? Scenario, double Elapsed, double Duration, double Speed, IReadOnlyDictionary<string, decimal> Index);

/// <summary>
/// The simulated index: a seeded random walk per market, submitted as SetIndexPrice commands every
/// <see cref="PriceFeedOptions.Interval"/>, until a crash scenario is started; the scenario then moves
/// every market's index from where it stands by the scenario's path (index at start x (1 + move)),
/// one step per scenario step at the chosen speed, and when it ends (or is stopped) the walk goes on
/// from the last price. The engine's own Tick drives liquidations; the scenario's tick marks are not used.
/// </summary>
public sealed class IndexFeed : BackgroundService
{
    private readonly Venue _venue;
    private readonly PriceFeedOptions _options;
    private readonly ILogger<IndexFeed> _log;
    private readonly RandomWalk _walk;
    private readonly long[] _prices;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _changed = new(0);
    private Playback? _playing;
    private long _nextWalk;

    public IndexFeed(Venue venue, ScenarioLibrary scenarios, ILogger<IndexFeed> log)
    {
        _venue = venue;
        _options = venue.Settings.PriceFeed;
        _log = log;
        _walk = new RandomWalk(_options.Seed, _options.Volatility);
        Scenarios = scenarios;
        // A recovered engine's index goes on from where it was (read before the engine thread starts).
        _prices = venue.Markets.Select(m => venue.Engine.GetIndexPrice(m.Id) is > 0 and var index ? index
            : m.ReferencePrice > 0 && m.TryPriceToTicks(m.ReferencePrice, out long t) ? t : 0).ToArray();
    }

    public ScenarioLibrary Scenarios { get; }

    /// <summary>
    /// How much liquidity market makers should show now: the playing scenario's <c>liquidity</c>
    /// (0.25 = a quarter of the usual size), else 1.
    /// </summary>
    public decimal Liquidity
    {
        get
        {
            lock (_gate) return _playing?.Scenario.Liquidity ?? 1m;
        }
    }

    /// <summary>The index of a market as last submitted, in ticks (0 when it has none).</summary>
    public long IndexTicks(int marketId)
    {
        lock (_gate) return _prices[marketId - 1];
    }

    public FeedStatus Status
    {
        get
        {
            lock (_gate)
            {
                var index = new Dictionary<string, decimal>();
                for (int m = 0; m < _prices.Length; m++) index[_venue.Markets[m].Symbol] = _prices[m] * _venue.Markets[m].TickSize;
                if (_playing is { } p)
                {
                    return new FeedStatus("scenario", p.Scenario.Name, p.Elapsed(Now()), p.Scenario.DurationSeconds, p.Speed, index);
                }
                return new FeedStatus(_options.Walk ? "walk" : "still", null, 0, 0, 0, index);
            }
        }
    }

    /// <summary>Starts a scenario from the current index (a scenario playing is replaced).</summary>
    /// <exception cref="KeyNotFoundException">no scenario has that name</exception>
    /// <exception cref="ArgumentOutOfRangeException">the speed is not 0.01 to 1000</exception>
    public FeedStatus StartScenario(string name, double speed)
    {
        if (!Scenarios.TryGet(name, out var scenario)) throw new KeyNotFoundException($"Unknown scenario '{name}'; the scenarios are {Scenarios.Names}");
        if (!PriceFeedOptions.IsSpeed(speed)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be 0.01 to 1000");
        lock (_gate)
        {
            _playing = new Playback(scenario, ScenarioPlayer.Steps(scenario, _prices.ToArray()).ToList(), speed, Now());
        }
        _changed.Release();
        _log.LogWarning("Scenario {Scenario} started at speed {Speed}: {Description}", scenario.Name, speed, scenario.Description);
        return Status;
    }

    /// <summary>Stops the scenario playing (if any); the walk goes on from the index where it stands.</summary>
    public FeedStatus StopScenario()
    {
        string? stopped;
        lock (_gate)
        {
            stopped = _playing?.Scenario.Name;
            _playing = null;
            _nextWalk = Now() + Micros(_options.Interval);
        }
        _changed.Release();
        if (stopped is not null) _log.LogWarning("Scenario {Scenario} stopped", stopped);
        return Status;
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (_options.Scenario is { } atLaunch) _ = StartLaterAsync(atLaunch, stopping);
        lock (_gate) _nextWalk = Now() + Micros(_options.Interval);
        while (!stopping.IsCancellationRequested)
        {
            long due;
            lock (_gate) due = _playing?.NextDue ?? _nextWalk;
            try
            {
                // Woken early when a scenario starts or stops: the plan is made again.
                long wait = due - Now();
                if (wait > 0 && await _changed.WaitAsync(TimeSpan.FromMicroseconds(wait), stopping)) continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Step();
        }
    }

    private void Step()
    {
        string? ended = null;
        lock (_gate)
        {
            if (_playing is { } p)
            {
                var step = p.Steps[p.Next++];
                Array.Copy(step.IndexPrices, _prices, _prices.Length);
                if (p.Next == p.Steps.Count)
                {
                    ended = p.Scenario.Name;
                    _playing = null;
                    _nextWalk = Now() + Micros(_options.Interval);
                }
            }
            else
            {
                // Still or walking, the index is published every interval: a feed that goes quiet makes marks stale.
                if (_options.Walk)
                {
                    for (int m = 0; m < _prices.Length; m++) _prices[m] = _walk.Next(_prices[m]);
                }
                long now = Now();
                _nextWalk += Micros(_options.Interval);
                if (_nextWalk < now) _nextWalk = now + Micros(_options.Interval); // after a stall: no burst of steps
            }
            for (int m = 0; m < _prices.Length; m++)
            {
                if (_prices[m] > 0) _venue.Submit(new SetIndexPrice(new CommandHeader(0, 0, 0), m + 1, _prices[m]));
            }
        }
        if (ended is not null) _log.LogWarning("Scenario {Scenario} ended; the index walks on from {Index}", ended, string.Join(", ", Status.Index.Select(i => $"{i.Key} {i.Value}")));
    }

    private async Task StartLaterAsync(string name, CancellationToken stopping)
    {
        try
        {
            _log.LogInformation("Scenario {Scenario} starts in {Delay} (speed {Speed})", name, _options.ScenarioDelay, _options.ScenarioSpeed);
            await Task.Delay(_options.ScenarioDelay, stopping);
            StartScenario(name, _options.ScenarioSpeed);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private long Now() => _venue.Clock();

    private static long Micros(TimeSpan span) => (long)span.TotalMicroseconds;

    private sealed class Playback(CrashScenario scenario, List<ScenarioStep> steps, double speed, long startedAt)
    {
        public CrashScenario Scenario { get; } = scenario;
        public List<ScenarioStep> Steps { get; } = steps;
        public double Speed { get; } = speed;
        public int Next { get; set; }

        /// <summary>Wall-clock time (microseconds) the next step is due.</summary>
        public long NextDue => startedAt + (long)(Steps[Next].OffsetMicros / Speed);

        public double Elapsed(long now) => Math.Min(Scenario.DurationSeconds, (now - startedAt) * Speed / 1_000_000.0);
    }
}

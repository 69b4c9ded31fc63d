using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// The venue's core: the markets, the matching engine (recovered from its newest valid snapshot and
/// the journal after it) and the sequencer thread that feeds it and journals every command (started
/// by <see cref="EngineService"/>).
/// </summary>
public sealed class Venue : IDisposable
{
    public Venue(GatewaySettings settings)
    {
        Settings = settings;
        Markets = settings.Markets;
        JournalWriter? journal = null;
        // Newest snapshot first; one that does not load, or that the journal does not reach (a power
        // cut can leave the journal behind a snapshot written with Fsync Never), is passed over.
        // The FIX stores saved the reports of events up to this sequence (-1: a new store); a start
        // from a snapshot after it could not produce the reports they miss.
        long fixApplied = AppliedSequence.Read(settings.Fix.StoreDirectory);
        var fixAccounts = settings.Fix.Sessions.SelectMany(s => s.Accounts).Distinct().ToList();
        var candidates = new List<string>();
        foreach (var (path, sequence) in settings.Snapshots.Enabled ? EngineSnapshot.Files(settings.Snapshots.Directory) : [])
        {
            if (fixApplied >= 0 && sequence > fixApplied) SnapshotsSkipped.Add($"{path}: newer than the FIX stores' last saved event ({fixApplied}); an older start point lets their missing reports be made");
            else candidates.Add(path);
        }
        candidates.Add(""); // no snapshot: an empty engine and the whole journal
        foreach (string candidate in candidates)
        {
            MatchingEngine engine;
            try
            {
                engine = candidate.Length == 0 ? new MatchingEngine(Markets, settings.Engine) : EngineSnapshot.Load(candidate, Markets, settings.Engine);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
            {
                SnapshotsSkipped.Add($"{candidate}: {e.Message}");
                continue;
            }
            if (settings.Journal.Enabled)
            {
                // Before anything else sees the engine: its state is the journal's, replayed.
                var catchUp = fixApplied >= 0 ? new FixCatchUp(fixApplied, fixAccounts) : null;
                catchUp?.Start(engine);
                try
                {
                    (Recovery, journal) = JournalRecovery.Recover(engine, settings.Journal, catchUp is null ? null : catchUp.After);
                    FixCatchUp = catchUp is { Ready: true } && catchUp.Applied < engine.LastSequence ? catchUp : null;
                    if (fixApplied > engine.LastSequence) FixStoresAhead = fixApplied;
                }
                catch (JournalBehindSnapshotException e) when (candidate.Length > 0)
                {
                    SnapshotsSkipped.Add($"{candidate}: {e.Message}");
                    continue;
                }
                catch (Exception e) when (e is JournalCorruptException or InvalidDataException or JournalInUseException or JournalBehindSnapshotException)
                {
                    throw new RecoveryFailedException(e.Message, e);
                }
            }
            Engine = engine;
            SnapshotLoaded = candidate.Length == 0 ? null : candidate;
            break;
        }
        if (Engine is null) throw new RecoveryFailedException("no snapshot and no journal could be used", new InvalidOperationException());
        Runner = new EngineRunner(Engine, Clock, settings.Sequencer, journal, settings.Journal);
        Runner.AddConsumer(Observers);
    }

    /// <summary>The light consumers (metrics, liquidation log, fund balance): one thread that follows the engine's ring.</summary>
    public EventObservers Observers { get; } = new();

    /// <summary>The reports the FIX stores missed at the last stop (a crash), to be made before the engine starts; null when none.</summary>
    public FixCatchUp? FixCatchUp { get; private set; }

    /// <summary>Set when the FIX stores saved events past the journal's end (the journal lost commands): their sequence.</summary>
    public long? FixStoresAhead { get; private set; }

    /// <summary>The snapshot the engine started from, or null.</summary>
    public string? SnapshotLoaded { get; }

    /// <summary>Snapshots passed over at start, with the reason.</summary>
    public List<string> SnapshotsSkipped { get; } = [];

    /// <summary>What the start-up recovery did, or null when the journal is off.</summary>
    public RecoveryReport? Recovery { get; }

    /// <summary>
    /// A market's book as the engine holds it (bids then asks, best first), to seed a front end's
    /// replica of a recovered venue; read before the engine thread starts.
    /// </summary>
    public IEnumerable<(Side Side, long Price, long Quantity)> BookLevels(int marketId) =>
        Engine.GetDepth(marketId, Side.Buy).Select(l => (Side.Buy, l.Price, l.Quantity))
            .Concat(Engine.GetDepth(marketId, Side.Sell).Select(l => (Side.Sell, l.Price, l.Quantity)));

    /// <summary>True when the engine starts from a journal that already held commands (the opening state is not applied again).</summary>
    public bool Recovered => Engine.LastSequence > 0;

    public GatewaySettings Settings { get; }
    public IReadOnlyList<MarketDefinition> Markets { get; }
    public MatchingEngine Engine { get; }
    public EngineRunner Runner { get; }

    /// <summary>The sequencer's clock (microseconds since the Unix epoch); the engine itself reads none.</summary>
    public Func<long> Clock { get; } = EngineRunner.SystemClock;

    /// <summary>
    /// Submits a command of the host itself (opening state, index prices). The engine is running, so
    /// a full ring drains: this waits for room rather than fail.
    /// </summary>
    public void Submit<T>(T command) where T : struct, IProtocolMessage<T>
    {
        byte[] frame = ProtocolCodec.ToArray(command);
        while (!Runner.TrySubmit(frame)) Thread.Sleep(1);
    }

    public void Dispose()
    {
        Runner.Dispose();
        Runner.Journal?.Dispose();
    }

}

/// <summary>The start-up recovery could not rebuild the state (a damaged journal, missing commands): the venue must not open.</summary>
public sealed class RecoveryFailedException(string message, Exception inner) : Exception("Recovery failed: " + message, inner);

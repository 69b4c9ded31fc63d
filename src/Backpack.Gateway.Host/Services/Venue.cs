using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// The venue's core: the markets, the matching engine (recovered from its journal) and the sequencer
/// thread that feeds it and journals every command (started by <see cref="EngineService"/>).
/// </summary>
public sealed class Venue : IDisposable
{
    public Venue(GatewaySettings settings)
    {
        Settings = settings;
        Markets = settings.Markets;
        Engine = new MatchingEngine(Markets, settings.Engine);
        JournalWriter? journal = null;
        if (settings.Journal.Enabled)
        {
            // Before anything else sees the engine: its state is the journal's, replayed.
            (Recovery, journal) = JournalRecovery.Recover(Engine, settings.Journal);
        }
        Runner = new EngineRunner(Engine, Clock, settings.Sequencer, journal, settings.Journal);
    }

    /// <summary>What the start-up recovery did, or null when the journal is off.</summary>
    public RecoveryReport? Recovery { get; }

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

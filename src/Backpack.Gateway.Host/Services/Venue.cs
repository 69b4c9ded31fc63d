using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Host.Services;

/// <summary>The venue's core: the markets, the matching engine and the sequencer thread that feeds it (started by <see cref="EngineService"/>).</summary>
public sealed class Venue : IDisposable
{
    public Venue(GatewaySettings settings)
    {
        Settings = settings;
        Markets = settings.Markets;
        Engine = new MatchingEngine(Markets, settings.Engine);
        Runner = new EngineRunner(Engine, Clock, settings.Sequencer);
    }

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

    public void Dispose() => Runner.Dispose();
}

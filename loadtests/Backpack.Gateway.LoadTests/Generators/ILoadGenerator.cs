using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Reporting;

namespace Backpack.Gateway.LoadTests.Generators;

/// <summary>
/// What one load generator hands over after the run: its clients' figures (when it ran in another
/// process: in this one they went straight into the run's recorder), every client's deliveries for
/// the audit, its notes, its clients' counts and its own CPU and GC.
/// </summary>
public sealed record GeneratorResult(RecorderSnapshot? Figures, IReadOnlyList<DeliveriesSnapshot> Traders, IReadOnlyList<DeliveriesSnapshot> Subscribers,
    IReadOnlyList<string> Notes, int Unreadable, int FixSessions, int FixLeveraged, int WebSocketTraders, int WebSocketLeveraged, int SubscriberCount,
    ProcessSnapshot Process);

/// <summary>
/// One load generator of a run: a slice of the fleet in this process (<see cref="LocalGenerator"/>)
/// or in a worker process of its own (<see cref="WorkerGenerator"/>). The run prepares every
/// generator, starts them on one planned moment of the machine's monotonic clock, tells them
/// when the crash begins and ends, and collects them after the liquidations settled.
/// </summary>
public interface ILoadGenerator : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Connects the slice's clients, takes the leveraged positions and warms up (unmeasured).</summary>
    Task<IReadOnlyList<SetupLine>> PrepareAsync(CancellationToken cancellation);

    /// <summary>The measured run from <paramref name="startTicks"/> (Stopwatch, the same on the whole machine); returns once its answers are in (at most 5 s after the plan).</summary>
    Task RunAsync(long startTicks, CancellationToken cancellation);

    /// <summary>The crash's phase, in seconds of the run (the end infinite until known).</summary>
    void OnCrash(double start, double end);

    /// <summary>Waits for deliveries to stop, freezes them and hands everything over.</summary>
    Task<GeneratorResult> CollectAsync(bool withFigures, CancellationToken cancellation);
}

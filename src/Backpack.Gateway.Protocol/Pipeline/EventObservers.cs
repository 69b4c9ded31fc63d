using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// Light consumers of the engine's events (counters for the metrics, the liquidation log, the
/// insurance fund's balance) run one after another on one thread of their own that follows the
/// outbound ring, so that nothing of theirs is decoded on the engine thread or the journal's, and
/// they cost the releasing thread one wake-up between them. Add them before the engine starts.
/// The thread ends when the ring completes (the engine stopped).
/// </summary>
public sealed class EventObservers : IEventFollower
{
    private IEventConsumer[] _observers = [];

    public EventObservers(string name = "observers")
    {
        Reader = new EventReader(name);
        EventBatch.StartDispatcher(name, () => Reader.Follow(Observe));
    }

    public EventReader Reader { get; }

    public void Add(IEventConsumer observer)
    {
        if (Reader.Ring is { Published: > 0 }) throw new InvalidOperationException("add observers before the engine publishes");
        _observers = [.. _observers, observer];
    }

    /// <summary>A batch from outside the ring: observed now, on the caller's thread (before the engine starts).</summary>
    public void OnEvents(FrameBuffer events) => Observe(events);

    private void Observe(FrameBuffer events)
    {
        foreach (var observer in _observers) observer.OnEvents(events);
    }
}

using System.Collections.Concurrent;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Follows the engine's event stream on a thread of its own: it reads the engine's outbound ring
/// with a reader of its own (the engine's buffer, not a copy) and applies the batches in engine
/// order; batches from outside the ring (<see cref="OnEvents"/>, a catch-up) are copied and applied
/// first.
/// </summary>
public abstract class EventFollower(string threadName) : IEventFollower, IAsyncDisposable
{
    private readonly ConcurrentQueue<FrameBuffer> _outside = new();
    private Task? _loop;

    public EventReader Reader { get; } = new(threadName);

    public void Start() => _loop = EventBatch.StartDispatcher(threadName, () => Reader.Follow(Apply, ApplyOutside, () => !_outside.IsEmpty));

    /// <summary>A batch from outside the ring: copied, and applied ahead of the ring's batches.</summary>
    public void OnEvents(FrameBuffer events)
    {
        _outside.Enqueue(events.Copy());
        Reader.Wake();
    }

    /// <summary>Applies one batch (on the follower's thread, or the caller's in tests).</summary>
    public abstract void Apply(FrameBuffer batch);

    private bool ApplyOutside()
    {
        bool any = false;
        while (_outside.TryDequeue(out var batch))
        {
            Apply(batch);
            any = true;
        }
        return any;
    }

    public virtual async ValueTask DisposeAsync()
    {
        Reader.Stop();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        else Reader.Close();
    }
}

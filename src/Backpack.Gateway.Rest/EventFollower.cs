using System.Threading.Channels;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Follows the engine's event stream on a thread of its own: the engine thread only copies each
/// batch into an unbounded queue (<see cref="OnEvents"/>) and returns; the follower applies the
/// batches in engine order on its thread.
/// </summary>
public abstract class EventFollower(string threadName) : IEventConsumer, IAsyncDisposable
{
    private readonly Channel<EventBatch> _queue = Channel.CreateUnbounded<EventBatch>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;

    public void Start() => _loop = EventBatch.StartDispatcher(threadName, Loop);

    /// <summary>Called on the engine's releasing thread: shares the batch with the queue (returned once applied) and returns at once.</summary>
    public void OnEvents(Protocol.Framing.FrameBuffer events)
    {
        Received(events);
        Post(EventBatch.Share(events));
    }

    /// <summary>Called on the engine thread for each batch before it is queued; must be cheap and must not keep the buffer.</summary>
    protected virtual void Received(Protocol.Framing.FrameBuffer events) { }

    public void Post(EventBatch batch)
    {
        if (!_queue.Writer.TryWrite(batch)) batch.Return();
    }

    /// <summary>Applies one batch (on the follower's thread, or the caller's in tests).</summary>
    public abstract void Apply(EventBatch batch);

    private void Loop()
    {
        var reader = _queue.Reader;
        while (true)
        {
            if (!EventBatch.Take(reader, out var batch)) return;
            try
            {
                Apply(batch);
            }
            finally
            {
                batch.Return();
            }
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop.ConfigureAwait(false);
    }
}

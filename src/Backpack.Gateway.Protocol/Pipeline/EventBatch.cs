using System.Buffers;
using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// One batch of engine events taken on the thread that releases events (the engine's, or the
/// journal's sync thread with Fsync Batch; it must not wait for a front end) and read later on a
/// front end's own dispatcher thread: the engine's own buffer, shared (<see cref="Share"/>), or a
/// copy in pooled arrays (<see cref="Copy"/>). The reader calls <see cref="Return"/> once it is
/// done with the frames.
/// </summary>
public readonly struct EventBatch
{
    private readonly byte[]? _data;
    private readonly int[]? _ends;
    private readonly FrameBuffer? _shared;

    private EventBatch(byte[] data, int[] ends, int count)
    {
        _data = data;
        _ends = ends;
        Count = count;
    }

    private EventBatch(FrameBuffer shared)
    {
        _shared = shared;
        Count = shared.Count;
    }

    public int Count { get; }

    /// <summary>The i-th event frame.</summary>
    public ReadOnlySpan<byte> this[int i] => _shared is not null
        ? _shared[i]
        : _data.AsSpan(i == 0 ? 0 : _ends![i - 1], _ends![i] - (i == 0 ? 0 : _ends[i - 1]));

    /// <summary>
    /// The batch without a copy when the buffer is the engine's pooled one (it is held until
    /// <see cref="Return"/>, and the engine waits for it when the pool runs out); a copy otherwise
    /// (a buffer of no pool, such as one a start-up replay fills and reuses).
    /// </summary>
    public static EventBatch Share(FrameBuffer events) => events.TryShare() ? new EventBatch(events) : Copy(events);

    public static EventBatch Copy(FrameBuffer events)
    {
        var span = events.WrittenSpan;
        byte[] data = ArrayPool<byte>.Shared.Rent(Math.Max(span.Length, 1));
        span.CopyTo(data);
        int[] ends = ArrayPool<int>.Shared.Rent(Math.Max(events.Count, 1));
        int end = 0;
        for (int i = 0; i < events.Count; i++)
        {
            end += events[i].Length;
            ends[i] = end;
        }
        return new EventBatch(data, ends, events.Count);
    }

    public void Return()
    {
        if (_shared is not null)
        {
            _shared.Release();
            return;
        }
        ArrayPool<byte>.Shared.Return(_data!);
        ArrayPool<int>.Shared.Return(_ends!);
    }

    /// <summary>
    /// The next item of a dispatcher's queue, waiting (blocking the dispatcher's own thread) while it
    /// is empty; false once the queue is completed and drained.
    /// </summary>
    public static bool Take<T>(System.Threading.Channels.ChannelReader<T> reader, out T item)
    {
        while (!reader.TryRead(out item!))
        {
            var wait = reader.WaitToReadAsync();
            bool more = wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
            if (!more) return false;
        }
        return true;
    }

    /// <summary>
    /// Runs a front end's dispatch loop on a dedicated background thread (it blocks when idle:
    /// spinning would compete with the engine thread on a small machine); the task completes when
    /// the loop returns.
    /// </summary>
    public static Task StartDispatcher(string name, Action loop)
    {
        var done = new TaskCompletionSource();
        var thread = new Thread(() =>
        {
            try
            {
                loop();
            }
            finally
            {
                done.SetResult();
            }
        }) { Name = name, IsBackground = true };
        thread.Start();
        return done.Task;
    }
}

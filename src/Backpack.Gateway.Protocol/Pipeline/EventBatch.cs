using System.Buffers;
using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// A copy of a batch of engine events in pooled arrays, for a reader that keeps batches past the
/// ring (the history's bounded queue, a catch-up replay); <see cref="Return"/> gives the arrays
/// back. Readers of the ring itself read the engine's buffer and copy nothing (<see cref="EventRing"/>).
/// </summary>
public readonly struct EventBatch
{
    private readonly byte[]? _data;
    private readonly int[]? _ends;

    private EventBatch(byte[] data, int[] ends, int count)
    {
        _data = data;
        _ends = ends;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The i-th event frame.</summary>
    public ReadOnlySpan<byte> this[int i] => _data.AsSpan(i == 0 ? 0 : _ends![i - 1], _ends![i] - (i == 0 ? 0 : _ends[i - 1]));

    /// <summary>A copy of a batch in pooled arrays (returned by <see cref="Return"/>).</summary>
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

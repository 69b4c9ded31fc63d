using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Runtime;

/// <summary>
/// The journal's sync beside matching (fsync policy Batch). The engine thread writes a batch's
/// journal records (one write) and hands the batch's events here, then goes on matching the next
/// batch; this stage's thread syncs the journal once for every batch handed over so far and only
/// then lets their events out to the consumers, in engine order. So an event still never leaves
/// before its command is durable, but the engine does not wait for the disk: a sync that takes
/// 100 µs covers every batch the engine wrote meanwhile (group commit across batches).
///
/// The events travel in the runner's pool of buffers (FrameBufferPool, the outbound ring); the
/// engine waits only when every buffer is on its way to the disk or still held by a consumer (the
/// back-pressure: a slow disk or a slow dispatcher slows matching, it never loses events). A pool
/// of 4 still made the engine wait on the 2-core machine (the journal benchmark's fsync Batch:
/// 0.38-0.49 M commands/s with 4, 0.60-0.63 M with 16).
/// </summary>
internal sealed class DurableRelease : IDisposable
{
    private readonly JournalWriter _journal;
    private readonly Action<FrameBuffer> _deliver;
    private readonly FrameBufferPool _buffers;
    private readonly Queue<FrameBuffer> _pending = new();
    private readonly object _lock = new();
    private readonly Thread _thread;
    private long _handed;     // batches handed over (engine thread writes, under the lock)
    private long _released;   // batches whose events are out (stage thread writes, under the lock)
    private bool _stopping;
    private Exception? _failure;

    /// <param name="deliver">lets a durable batch out and releases the stage's reference to it</param>
    public DurableRelease(JournalWriter journal, Action<FrameBuffer> deliver, FrameBufferPool buffers)
    {
        _journal = journal;
        _deliver = deliver;
        _buffers = buffers;
        _thread = new Thread(Run) { Name = "journal-sync", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Batches synced and released since start.</summary>
    public long Released
    {
        get
        {
            lock (_lock) return _released;
        }
    }

    /// <summary>An empty buffer for the next batch's events (engine thread); waits while every buffer is on its way to the disk or held by a consumer.</summary>
    public FrameBuffer Rent()
    {
        lock (_lock) ThrowIfFailed();
        return _buffers.Rent();
    }

    /// <summary>
    /// Hands over a batch whose journal records were written (engine thread): its events go out
    /// once a sync after this call has made them durable.
    /// </summary>
    public void Hand(FrameBuffer events)
    {
        lock (_lock)
        {
            ThrowIfFailed();
            _pending.Enqueue(events);
            _handed++;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits until every batch handed over is synced and its events are out (engine thread: before an inspection, at stop).</summary>
    public void Drain()
    {
        lock (_lock)
        {
            while (_released < _handed)
            {
                ThrowIfFailed();
                Monitor.Wait(_lock);
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null) throw new IOException("the journal could not be synced: events are held (nothing unsynced was released)", _failure);
    }

    private void Run()
    {
        var batches = new List<FrameBuffer>();
        while (true)
        {
            lock (_lock)
            {
                while (_pending.Count == 0 && !_stopping) Monitor.Wait(_lock);
                if (_pending.Count == 0) return;
                while (_pending.Count > 0) batches.Add(_pending.Dequeue());
            }
            try
            {
                // Every batch taken was written before it was handed over: one sync covers them all.
                _journal.Sync();
            }
            catch (Exception e)
            {
                // A disk that cannot sync: nothing more is released, and the engine learns it at its next
                // hand-over. The held buffers go back unread, so a Rent waiting for one wakes up.
                lock (_lock)
                {
                    _failure = e;
                    while (_pending.Count > 0) batches.Add(_pending.Dequeue());
                    Monitor.PulseAll(_lock);
                }
                foreach (var batch in batches) batch.Release();
                return;
            }
            foreach (var batch in batches) _deliver(batch);
            lock (_lock)
            {
                _released += batches.Count;
                Monitor.PulseAll(_lock);
            }
            batches.Clear();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.PulseAll(_lock);
        }
        _thread.Join();
    }
}

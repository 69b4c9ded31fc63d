using System.Data.Common;
using System.Threading.Channels;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.History;

/// <summary>
/// Follows the engine's event stream into the history database, on threads of its own: a reader of
/// the engine's ring ("history-read") copies each batch into a bounded queue (<see cref="Post"/>),
/// and the projection thread ("history") writes the queue to the database. The reader is subscribed
/// to be cut off (<see cref="FallBehind.CutOff"/>): it never holds the engine back, and the batches it
/// misses are counted in <see cref="Dropped"/> like those its queue had no room for. Each batch is
/// one transaction that also moves the cursor (the last engine sequence applied), so a batch is in
/// the database whole or not at all, and events at or below the cursor are passed over: feeding the
/// same events twice (a restart, a catch-up replay) changes nothing. A projector that falls more
/// than its queue behind drops batches rather than hold the engine back; it then says so
/// (<see cref="Dropped"/>) and its history is rebuilt from the journal.
/// </summary>
public sealed class HistoryProjector : IEventFollower, IAsyncDisposable
{
    private readonly HistoryDatabase _database;
    private readonly Channel<EventBatch> _queue;
    private readonly CandleBook _candles = new();
    private readonly EventApplier _applier;
    private Task? _loop;
    private Task? _reading;
    private long _cursor;
    private long _dropped;
    private long _posted;

    public HistoryProjector(HistoryDatabase database, int maxBacklogBatches = 100_000)
    {
        _database = database;
        _queue = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(maxBacklogBatches)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        }, dropped => { Interlocked.Increment(ref _dropped); dropped.Return(); });
        _applier = new EventApplier(_candles);
    }

    /// <summary>The last engine sequence whose events are in the database.</summary>
    public long Cursor => Interlocked.Read(ref _cursor);

    /// <summary>Batches the queue had no room for (the history has a gap until it is rebuilt).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Highest engine sequence handed to <see cref="Post"/>: how far the projection could be.</summary>
    public long Posted => Interlocked.Read(ref _posted);

    /// <summary>Called after a batch is committed (tests and the health endpoint wait on the cursor).</summary>
    public Action<long>? Committed { get; set; }

    public Action<Exception>? OnError { get; set; }

    /// <summary>Creates the schema if needed and reads the cursor; call before <see cref="Start"/>.</summary>
    public long Open()
    {
        _database.EnsureSchema();
        using var connection = _database.Open();
        _cursor = HistoryDatabase.Scalar(connection, "SELECT value FROM history_meta WHERE name = 'cursor'");
        return _cursor;
    }

    /// <summary>
    /// The projection's reader of the engine's ring: cut off after 64 unread batches. Its thread only
    /// copies (the database may fall far behind; the copies wait in the queue, up to its bound).
    /// </summary>
    public EventReader Reader { get; } = new("history-read", FallBehind.CutOff, cutOffAfter: 64);

    public void Start()
    {
        _loop = EventBatch.StartDispatcher("history", Loop);
        _reading = EventBatch.StartDispatcher("history-read", () => Reader.Follow(
            batch => Post(EventBatch.Copy(batch)),
            missed: skipped => Interlocked.Add(ref _dropped, skipped)));
    }

    /// <summary>A batch from outside the ring: copied into the queue.</summary>
    public void OnEvents(Protocol.Framing.FrameBuffer events) => Post(EventBatch.Copy(events));

    /// <summary>Queues a copy of a batch of events (any thread; never blocks).</summary>
    public void Post(EventBatch batch)
    {
        if (batch.Count > 0 && ProtocolCodec.TryReadType(batch[batch.Count - 1], out _, out _))
        {
            long sequence = EventHeaderOf(batch[batch.Count - 1]);
            if (sequence > Interlocked.Read(ref _posted)) Interlocked.Exchange(ref _posted, sequence);
        }
        _queue.Writer.TryWrite(batch);
    }

    /// <summary>Applies a batch now, on the caller's thread (a test).</summary>
    public void Apply(EventBatch batch)
    {
        using var connection = _database.Open();
        ApplyBatch(connection, batch);
    }

    /// <summary>Applies batches now, on the caller's thread and one connection (a catch-up replay from the journal); each batch is returned.</summary>
    public void ApplyAll(IEnumerable<EventBatch> batches)
    {
        using var connection = _database.Open();
        foreach (var batch in batches)
        {
            try
            {
                ApplyBatch(connection, batch);
            }
            finally
            {
                batch.Return();
            }
        }
    }

    private void Loop()
    {
        var reader = _queue.Reader;
        DbConnection? connection = null;
        try
        {
            connection = _database.Open();
            while (true)
            {
                if (!EventBatch.Take(reader, out var batch)) return;
                try
                {
                    ApplyBatch(connection, batch);
                }
                catch (Exception e)
                {
                    // A database error must not stop the projection for good: the batch is dropped
                    // (the history has a gap, reported) and the open candles are read again.
                    Interlocked.Increment(ref _dropped);
                    _candles.Clear();
                    OnError?.Invoke(e);
                }
                finally
                {
                    batch.Return();
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void ApplyBatch(DbConnection connection, EventBatch batch)
    {
        using var transaction = connection.BeginTransaction();
        using var writer = new HistoryWriter(connection, transaction);
        long cursor = _cursor;
        for (int i = 0; i < batch.Count; i++)
        {
            var frame = batch[i];
            long sequence = EventHeaderOf(frame);
            if (sequence <= _cursor) continue;
            _applier.Apply(frame, writer, i);
            cursor = Math.Max(cursor, sequence);
        }
        if (cursor == _cursor)
        {
            transaction.Rollback();
            return;
        }
        foreach (var candle in _candles.TakeDirty()) writer.Candle(candle);
        writer.Cursor(cursor);
        transaction.Commit();
        Interlocked.Exchange(ref _cursor, cursor);
        Committed?.Invoke(cursor);
    }

    /// <summary>The engine sequence of an event frame (element 1 of its array); 0 if unreadable.</summary>
    internal static long EventHeaderOf(ReadOnlySpan<byte> frame)
    {
        var r = new Protocol.MessagePack.MessagePackReader(frame);
        r.ReadArrayHeader();
        r.ReadInt64();
        long sequence = r.ReadInt64();
        return r.HasError ? 0 : sequence;
    }

    public async ValueTask DisposeAsync()
    {
        Reader.Stop();
        if (_reading is not null) await _reading.ConfigureAwait(false);
        else Reader.Close();
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop.ConfigureAwait(false);
    }
}

using System.Buffers.Binary;

namespace Backpack.Gateway.Fix.Session;

/// <summary>
/// What a FIX session must remember across connections and restarts: the next sequence numbers
/// it sends and expects, and every message it sent (for ResendRequest). Everything but
/// <see cref="Write"/> is called under the session's lock; what is saved is kept in memory until
/// the session's flusher takes it (<see cref="TakeWrite"/>, under the lock), writes it
/// (<see cref="Write"/>, outside the lock, one batch at a time, in the order taken) and reports it
/// written (<see cref="Written"/>, under the lock). No lock is held while the disk works.
/// </summary>
public interface IMessageStore : IDisposable
{
    int NextSenderSeqNum { get; set; }
    int NextTargetSeqNum { get; set; }

    /// <summary>Records a message as first sent, under its sequence number.</summary>
    void Save(int seqNum, ReadOnlySpan<byte> message);

    /// <summary>The stored messages with sequence numbers in [begin, end], in order (written or not yet).</summary>
    IEnumerable<(int SeqNum, byte[] Message)> Get(int begin, int end);

    /// <summary>Forgets every message and restarts both sequence numbers at 1.</summary>
    void Reset();

    /// <summary>What was saved and changed since the last call, to be written outside the lock; null when nothing was.</summary>
    StoreWrite? TakeWrite();

    /// <summary>Writes a taken batch so that it survives a crash of the process (the OS has it). Outside the lock.</summary>
    void Write(StoreWrite write);

    /// <summary>Under the lock, once <see cref="Write"/> returned: the batch's memory can be reused.</summary>
    void Written(StoreWrite write);

    /// <summary>Writes what is pending now, on this thread (start-up, shutdown and tests: no flusher at work).</summary>
    void Flush()
    {
        if (TakeWrite() is not { } write) return;
        Write(write);
        Written(write);
    }
}

/// <summary>A batch of a store's records and sequence numbers, taken under the session's lock and written outside it.</summary>
public sealed class StoreWrite
{
    internal byte[] Records = new byte[16 * 1024];
    internal int Length;
    internal long Offset;
    internal int Generation;
    internal bool Truncate;
    internal bool SequenceNumbers;
    internal int NextSender;
    internal int NextTarget;
}

/// <summary>An in-memory store (tests, and sessions configured without persistence): nothing to write.</summary>
public sealed class MemoryMessageStore : IMessageStore
{
    private readonly SortedDictionary<int, byte[]> _messages = [];

    public int NextSenderSeqNum { get; set; } = 1;
    public int NextTargetSeqNum { get; set; } = 1;

    public void Save(int seqNum, ReadOnlySpan<byte> message) => _messages[seqNum] = message.ToArray();

    public IEnumerable<(int SeqNum, byte[] Message)> Get(int begin, int end) =>
        _messages.Where(kv => kv.Key >= begin && kv.Key <= end).Select(kv => (kv.Key, kv.Value)).ToList();

    public void Reset()
    {
        _messages.Clear();
        NextSenderSeqNum = NextTargetSeqNum = 1;
    }

    public StoreWrite? TakeWrite() => null;

    public void Write(StoreWrite write)
    {
    }

    public void Written(StoreWrite write)
    {
    }

    public void Dispose()
    {
    }
}

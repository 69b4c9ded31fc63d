using System.Buffers.Binary;

namespace Backpack.Gateway.Fix.Session;

/// <summary>
/// What a FIX session must remember across connections and restarts: the next sequence numbers
/// it sends and expects, and every message it sent (for ResendRequest).
/// </summary>
public interface IMessageStore : IDisposable
{
    int NextSenderSeqNum { get; set; }
    int NextTargetSeqNum { get; set; }

    /// <summary>Records a message as first sent, under its sequence number.</summary>
    void Save(int seqNum, ReadOnlySpan<byte> message);

    /// <summary>The stored messages with sequence numbers in [begin, end], in order.</summary>
    IEnumerable<(int SeqNum, byte[] Message)> Get(int begin, int end);

    /// <summary>Forgets every message and restarts both sequence numbers at 1.</summary>
    void Reset();

    /// <summary>Makes what was saved survive a crash of the process (the OS has it).</summary>
    void Flush();
}

/// <summary>An in-memory store (tests, and sessions configured without persistence).</summary>
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

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// A store in two files per session in a directory: <c>{id}.seqnums</c> (the two sequence numbers,
/// rewritten in place) and <c>{id}.messages</c> (an append-only log of [seq][length][bytes]
/// records, indexed in memory when opened). Writes go to the OS on <see cref="Flush"/>, so they
/// survive the death of the process. A torn last record (the process died mid-write) is cut off
/// when the store is opened.
/// </summary>
public sealed class FileMessageStore : IMessageStore
{
    private readonly FileStream _seqNums;
    private readonly FileStream _log;
    private readonly Dictionary<int, (long Offset, int Length)> _index = [];
    private readonly byte[] _seqBuffer = new byte[8];
    private int _nextSender = 1;
    private int _nextTarget = 1;
    private bool _seqDirty;

    public FileMessageStore(string directory, string sessionId)
    {
        Directory.CreateDirectory(directory);
        string safe = FileName(sessionId);
        SeqNumsPath = Path.Combine(directory, safe + ".seqnums");
        MessagesPath = Path.Combine(directory, safe + ".messages");
        _seqNums = new FileStream(SeqNumsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1);
        _log = new FileStream(MessagesPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        Load();
    }

    /// <summary>A session id as a file name: letters, digits, '-', '_' and '.' kept, anything else '_'.</summary>
    public static string FileName(string sessionId) => string.Concat(sessionId.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    public string SeqNumsPath { get; }
    public string MessagesPath { get; }

    public int NextSenderSeqNum
    {
        get => _nextSender;
        set
        {
            _nextSender = value;
            _seqDirty = true;
        }
    }

    public int NextTargetSeqNum
    {
        get => _nextTarget;
        set
        {
            _nextTarget = value;
            _seqDirty = true;
        }
    }

    public void Save(int seqNum, ReadOnlySpan<byte> message)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, seqNum);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], message.Length);
        long offset = _log.Position;
        _log.Write(header);
        _log.Write(message);
        _index[seqNum] = (offset + 8, message.Length);
    }

    public IEnumerable<(int SeqNum, byte[] Message)> Get(int begin, int end)
    {
        _log.Flush();
        var result = new List<(int, byte[])>();
        using var reader = new FileStream(MessagesPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        foreach (var (seq, (offset, length)) in _index.Where(kv => kv.Key >= begin && kv.Key <= end).OrderBy(kv => kv.Key))
        {
            var bytes = new byte[length];
            reader.Position = offset;
            reader.ReadExactly(bytes);
            result.Add((seq, bytes));
        }
        return result;
    }

    public void Reset()
    {
        _index.Clear();
        _log.SetLength(0);
        _log.Position = 0;
        _nextSender = _nextTarget = 1;
        _seqDirty = true;
        Flush();
    }

    public void Flush()
    {
        _log.Flush();
        if (_seqDirty)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_seqBuffer, _nextSender);
            BinaryPrimitives.WriteInt32LittleEndian(_seqBuffer.AsSpan(4), _nextTarget);
            _seqNums.Position = 0;
            _seqNums.Write(_seqBuffer);
            _seqNums.Flush();
            _seqDirty = false;
        }
    }

    private void Load()
    {
        if (_seqNums.Length >= 8)
        {
            _seqNums.ReadExactly(_seqBuffer);
            _nextSender = Math.Max(1, BinaryPrimitives.ReadInt32LittleEndian(_seqBuffer));
            _nextTarget = Math.Max(1, BinaryPrimitives.ReadInt32LittleEndian(_seqBuffer.AsSpan(4)));
        }
        Span<byte> header = stackalloc byte[8];
        long position = 0;
        long length = _log.Length;
        _log.Position = 0;
        while (position + 8 <= length)
        {
            _log.ReadExactly(header);
            int seq = BinaryPrimitives.ReadInt32LittleEndian(header);
            int size = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            if (size < 0 || position + 8 + size > length) break; // torn tail
            _index[seq] = (position + 8, size);
            position += 8 + size;
            _log.Position = position;
        }
        if (position != length) _log.SetLength(position);
        _log.Position = position;
    }

    public void Dispose()
    {
        Flush();
        _seqNums.Dispose();
        _log.Dispose();
    }
}

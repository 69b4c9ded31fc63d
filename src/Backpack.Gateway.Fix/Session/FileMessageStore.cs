using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Backpack.Gateway.Fix.Session;

/// <summary>
/// A store in two files per session in a directory: <c>{id}.seqnums</c> (the two sequence numbers,
/// rewritten in place) and <c>{id}.messages</c> (an append-only log of [seq][length][bytes]
/// records, indexed in memory when opened). Saved records wait in memory until the session's
/// flusher writes them (positioned writes, so the flusher needs no lock to write while the
/// session goes on saving); once written they are in the OS and survive the death of the process.
/// A resend reads a record from the file once written, from memory before. A torn last record
/// (the process died mid-write) is cut off when the store is opened.
/// </summary>
public sealed class FileMessageStore : IMessageStore
{
    private readonly SafeFileHandle _seqNums;
    private readonly SafeFileHandle _log;
    private readonly Dictionary<int, (long Offset, int Length)> _index = [];
    private int _nextSender = 1;
    private int _nextTarget = 1;
    private bool _seqDirty;
    // Records saved and not yet taken: file offsets [_stagedStart, _stagedStart + _stagedLength).
    private byte[] _staged = new byte[16 * 1024];
    private int _stagedLength;
    private long _stagedStart;
    // Taken and being written by the flusher (read-only until Written); the spare's buffer is the next staging swap.
    private StoreWrite? _inFlight;
    private StoreWrite? _spare = new();
    // Records before this file offset are in the file; a reset starts a new generation.
    private long _fileEnd;
    private int _generation;
    private bool _truncate;

    public FileMessageStore(string directory, string sessionId)
    {
        Directory.CreateDirectory(directory);
        string safe = FileName(sessionId);
        SeqNumsPath = Path.Combine(directory, safe + ".seqnums");
        MessagesPath = Path.Combine(directory, safe + ".messages");
        _seqNums = File.OpenHandle(SeqNumsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _log = File.OpenHandle(MessagesPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
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
        int needed = _stagedLength + 8 + message.Length;
        if (needed > _staged.Length) Array.Resize(ref _staged, Math.Max(_staged.Length * 2, needed));
        var record = _staged.AsSpan(_stagedLength);
        BinaryPrimitives.WriteInt32LittleEndian(record, seqNum);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], message.Length);
        message.CopyTo(record[8..]);
        _index[seqNum] = (_stagedStart + _stagedLength + 8, message.Length);
        _stagedLength = needed;
    }

    public IEnumerable<(int SeqNum, byte[] Message)> Get(int begin, int end)
    {
        var result = new List<(int, byte[])>();
        foreach (var (seq, (offset, length)) in _index.Where(kv => kv.Key >= begin && kv.Key <= end).OrderBy(kv => kv.Key))
        {
            var bytes = new byte[length];
            if (offset >= _stagedStart)
            {
                _staged.AsSpan((int)(offset - _stagedStart), length).CopyTo(bytes);
            }
            else if (_inFlight is { } w && w.Generation == _generation && offset >= w.Offset)
            {
                w.Records.AsSpan((int)(offset - w.Offset), length).CopyTo(bytes);
            }
            else
            {
                RandomAccess.Read(_log, bytes, offset);
            }
            result.Add((seq, bytes));
        }
        return result;
    }

    public void Reset()
    {
        _index.Clear();
        _stagedLength = 0;
        _stagedStart = 0;
        _fileEnd = 0;
        _generation++;
        _truncate = true;
        _nextSender = _nextTarget = 1;
        _seqDirty = true;
    }

    public StoreWrite? TakeWrite()
    {
        if (_stagedLength == 0 && !_seqDirty && !_truncate) return null;
        var write = _spare ?? new StoreWrite();
        _spare = null;
        (write.Records, _staged) = (_staged, write.Records);
        write.Length = _stagedLength;
        write.Offset = _stagedStart;
        write.Generation = _generation;
        write.Truncate = _truncate;
        write.SequenceNumbers = _seqDirty;
        write.NextSender = _nextSender;
        write.NextTarget = _nextTarget;
        _stagedStart += _stagedLength;
        _stagedLength = 0;
        _truncate = false;
        _seqDirty = false;
        _inFlight = write;
        return write;
    }

    public void Write(StoreWrite write)
    {
        if (write.Truncate) RandomAccess.SetLength(_log, 0);
        if (write.Length > 0) RandomAccess.Write(_log, write.Records.AsSpan(0, write.Length), write.Offset);
        if (write.SequenceNumbers)
        {
            Span<byte> numbers = stackalloc byte[8];
            BinaryPrimitives.WriteInt32LittleEndian(numbers, write.NextSender);
            BinaryPrimitives.WriteInt32LittleEndian(numbers[4..], write.NextTarget);
            RandomAccess.Write(_seqNums, numbers, 0);
        }
    }

    public void Written(StoreWrite write)
    {
        if (write.Generation == _generation) _fileEnd = write.Offset + write.Length;
        if (ReferenceEquals(_inFlight, write)) _inFlight = null;
        _spare = write;
    }

    /// <summary>Records before this file offset are in the file (the rest still in memory).</summary>
    internal long FileEnd => _fileEnd;

    private void Load()
    {
        Span<byte> numbers = stackalloc byte[8];
        if (RandomAccess.GetLength(_seqNums) >= 8 && RandomAccess.Read(_seqNums, numbers, 0) == 8)
        {
            _nextSender = Math.Max(1, BinaryPrimitives.ReadInt32LittleEndian(numbers));
            _nextTarget = Math.Max(1, BinaryPrimitives.ReadInt32LittleEndian(numbers[4..]));
        }
        Span<byte> header = stackalloc byte[8];
        long position = 0;
        long length = RandomAccess.GetLength(_log);
        while (position + 8 <= length)
        {
            RandomAccess.Read(_log, header, position);
            int seq = BinaryPrimitives.ReadInt32LittleEndian(header);
            int size = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            if (size < 0 || position + 8 + size > length) break; // torn tail
            _index[seq] = (position + 8, size);
            position += 8 + size;
        }
        if (position != length) RandomAccess.SetLength(_log, position);
        _stagedStart = _fileEnd = position;
    }

    public void Dispose()
    {
        ((IMessageStore)this).Flush();
        _seqNums.Dispose();
        _log.Dispose();
    }
}

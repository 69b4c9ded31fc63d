using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Backpack.Gateway.Fix.Session;

/// <summary>The FIX message log's configuration (Fix:MessageLog; docs/fix.md section 3, Message log).</summary>
public sealed class MessageLogOptions
{
    /// <summary>Folder of the per-session message and event logs; empty = no message log.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Bytes of log lines waiting for the writer (each of its two buffers); when full, lines are dropped and counted.</summary>
    public int QueueBytes { get; set; } = 4 << 20;

    /// <summary>How often the writer writes and flushes what is queued.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Opens a log file for appending (tests stall the writer with it); null = a buffered FileStream.</summary>
    internal Func<string, Stream>? OpenFile { get; set; }

    public IEnumerable<string> Validate()
    {
        if (QueueBytes < 1024) yield return "Fix:MessageLog:QueueBytes must be at least 1024";
        if (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromSeconds(10)) yield return "Fix:MessageLog:FlushInterval must be between 0 and 10 s";
    }
}

/// <summary>
/// QuickFIX-style message log of a front end's sessions (its FileLog): per session and UTC day, a
/// file of every message received and sent (<c>FIX.4.4-BACKPACK-ALICE.20261205.messages.log</c>,
/// one line each: timestamp, IN or OUT, the message as on the wire, SOH kept) and a file of
/// session events (<c>.events.log</c>: logons, logouts, rejects, resends, resets, garbled input,
/// disconnects). The session threads only copy their bytes into a bounded buffer under a short
/// lock (no allocation, no I/O, no formatting); one writer thread swaps the buffer out and writes
/// the files every <see cref="MessageLogOptions.FlushInterval"/> (sooner when half full) and at
/// <see cref="Dispose"/>. When the buffer is full (the disk is slower than the traffic) a line is
/// dropped, never waited for: <see cref="DroppedLines"/> counts them and the session's events file
/// says how many.
/// </summary>
public sealed class FixMessageLog : IDisposable
{
    internal enum Kind : byte { In, Out, Event }

    // A record: session index (4), kind (1), time in microseconds since the Unix epoch (8), length (4), bytes.
    private const int HeaderSize = 17;
    private readonly object _gate = new();
    private readonly MessageLogOptions _options;
    private readonly Func<long> _clock;
    private readonly List<MessageLogFiles> _sessions = [];
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _writer;
    private byte[] _pending;
    private byte[] _writing;
    private int _pendingLength;
    // Lines dropped since the last notice, per session: messages at 2i, events at 2i+1.
    private long[] _droppedBySession = [];
    private long[] _droppedNotice = [];
    private long _dropped;
    private bool _closed;
    private volatile bool _stopping;

    public FixMessageLog(MessageLogOptions options, Func<long> clock)
    {
        _options = options;
        _clock = clock;
        System.IO.Directory.CreateDirectory(options.Directory);
        _pending = ArrayPool<byte>.Shared.Rent(options.QueueBytes);
        _writing = ArrayPool<byte>.Shared.Rent(options.QueueBytes);
        _writer = new Thread(WriteLoop) { Name = "fix-message-log", IsBackground = true };
        _writer.Start();
    }

    /// <summary>Log lines dropped because the queue was full (the writer or the disk too slow).</summary>
    public long DroppedLines
    {
        get
        {
            lock (_gate) return _dropped;
        }
    }

    /// <summary>Write failures of the log files (the lines of a failed batch are lost; trading goes on).</summary>
    public long WriteErrors => Interlocked.Read(ref _writeErrors);
    private long _writeErrors;

    /// <summary>The log of one session (its files are named <c>{BeginString}-{SenderCompId}-{TargetCompId}.{yyyyMMdd}</c>).</summary>
    public SessionMessageLog Register(string beginString, string senderCompId, string targetCompId)
    {
        lock (_gate)
        {
            _sessions.Add(new MessageLogFiles((day, kind) => Path.Combine(_options.Directory, FileName(beginString, senderCompId, targetCompId, day, kind)), _options.OpenFile ?? OpenFile));
            Array.Resize(ref _droppedBySession, 2 * _sessions.Count);
            Array.Resize(ref _droppedNotice, 2 * _sessions.Count);
            return new SessionMessageLog(this, _sessions.Count - 1);
        }
    }

    /// <summary>The name of a session's file for a UTC day ("messages" or "events").</summary>
    public static string FileName(string beginString, string senderCompId, string targetCompId, DateOnly day, string kind) =>
        $"{beginString}-{senderCompId}-{targetCompId}.{day:yyyyMMdd}.{kind}.log";

    /// <summary>Queues one line (the session thread's whole cost: a lock and a copy).</summary>
    internal void Append(int session, Kind kind, long time, ReadOnlySpan<byte> bytes)
    {
        int need = HeaderSize + bytes.Length;
        bool wake;
        lock (_gate)
        {
            if (_closed) return;
            if (_pendingLength + need > _options.QueueBytes)
            {
                _dropped++;
                _droppedBySession[2 * session + (kind == Kind.Event ? 1 : 0)]++;
                return;
            }
            var record = _pending.AsSpan(_pendingLength, need);
            BinaryPrimitives.WriteInt32LittleEndian(record, session);
            record[4] = (byte)kind;
            BinaryPrimitives.WriteInt64LittleEndian(record[5..], time);
            BinaryPrimitives.WriteInt32LittleEndian(record[13..], bytes.Length);
            bytes.CopyTo(record[HeaderSize..]);
            int half = _options.QueueBytes / 2;
            wake = _pendingLength < half && _pendingLength + need >= half;
            _pendingLength += need;
        }
        if (wake) _wake.Set();
    }

    /// <summary>Queues an event line (cold path: the text is encoded here).</summary>
    internal void AppendEvent(int session, long time, string text)
    {
        Span<byte> local = stackalloc byte[512];
        int count = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = count > local.Length ? ArrayPool<byte>.Shared.Rent(count) : null;
        Span<byte> buffer = rented ?? local;
        int length = Encoding.UTF8.GetBytes(text, buffer);
        Append(session, Kind.Event, time, buffer[..length]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    private void WriteLoop()
    {
        var timestamp = new byte[32];
        while (true)
        {
            bool last = _stopping;
            if (!last) _wake.WaitOne(_options.FlushInterval);
            int length, sessions;
            lock (_gate)
            {
                // Sessions registered later are not written to in this round (the list may grow meanwhile).
                sessions = _sessions.Count;
                (_pending, _writing) = (_writing, _pending);
                length = _pendingLength;
                _pendingLength = 0;
                for (int i = 0; i < _droppedBySession.Length; i++)
                {
                    _droppedNotice[i] = _droppedBySession[i];
                    _droppedBySession[i] = 0;
                }
            }
            try
            {
                WriteBatch(_writing.AsSpan(0, length), timestamp);
                for (int i = 0; i < sessions; i++)
                {
                    long messages = _droppedNotice[2 * i], events = _droppedNotice[2 * i + 1];
                    if (messages + events == 0) continue;
                    byte[] notice = Encoding.ASCII.GetBytes($"{messages + events} lines dropped (message log queue full): {messages} messages, {events} events");
                    _sessions[i].Write(Kind.Event, _clock(), notice, timestamp);
                }
                for (int i = 0; i < sessions; i++) _sessions[i].Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _writeErrors);
            }
            if (last) break;
        }
        lock (_gate)
        {
            foreach (var files in _sessions) files.Dispose();
        }
    }

    private void WriteBatch(ReadOnlySpan<byte> batch, byte[] timestamp)
    {
        while (batch.Length > 0)
        {
            int session = BinaryPrimitives.ReadInt32LittleEndian(batch);
            var kind = (Kind)batch[4];
            long time = BinaryPrimitives.ReadInt64LittleEndian(batch[5..]);
            int length = BinaryPrimitives.ReadInt32LittleEndian(batch[13..]);
            _sessions[session].Write(kind, time, batch.Slice(HeaderSize, length), timestamp);
            batch = batch[(HeaderSize + length)..];
        }
    }

    private static Stream OpenFile(string path) => new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 64 * 1024);

    /// <summary>Writes what is queued, flushes and closes the files; later lines are ignored.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
        }
        _stopping = true;
        _wake.Set();
        _writer.Join();
        _wake.Dispose();
        ArrayPool<byte>.Shared.Return(_pending);
        ArrayPool<byte>.Shared.Return(_writing);
    }
}

/// <summary>One session's handle on the <see cref="FixMessageLog"/>.</summary>
public sealed class SessionMessageLog
{
    private readonly FixMessageLog _log;
    private readonly int _index;

    internal SessionMessageLog(FixMessageLog log, int index)
    {
        _log = log;
        _index = index;
    }

    public void Incoming(ReadOnlySpan<byte> message, long unixMicros) => _log.Append(_index, FixMessageLog.Kind.In, unixMicros, message);

    public void Outgoing(ReadOnlySpan<byte> message, long unixMicros) => _log.Append(_index, FixMessageLog.Kind.Out, unixMicros, message);

    public void Event(string text, long unixMicros) => _log.AppendEvent(_index, unixMicros, text);
}

/// <summary>A session's two open files (messages and events) for the UTC day of the lines being written; the writer thread's alone.</summary>
internal sealed class MessageLogFiles(Func<DateOnly, string, string> path, Func<string, Stream> open) : IDisposable
{
    private const long MicrosPerDay = 86_400_000_000L;
    private Stream? _messages;
    private Stream? _events;
    private long _messagesDay = -1;
    private long _eventsDay = -1;

    public void Write(FixMessageLog.Kind kind, long time, ReadOnlySpan<byte> bytes, byte[] timestamp)
    {
        long day = time / MicrosPerDay;
        var stream = kind == FixMessageLog.Kind.Event
            ? Current(ref _events, ref _eventsDay, day, "events")
            : Current(ref _messages, ref _messagesDay, day, "messages");
        var at = DateTime.UnixEpoch.AddTicks(time * 10);
        at.TryFormat(timestamp, out int written, "yyyyMMdd-HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
        stream.Write(timestamp, 0, written);
        stream.Write(kind switch { FixMessageLog.Kind.In => " IN "u8, FixMessageLog.Kind.Out => " OUT "u8, _ => " "u8 });
        stream.Write(bytes);
        stream.WriteByte((byte)'\n');
    }

    private Stream Current(ref Stream? stream, ref long openDay, long day, string kind)
    {
        if (stream is not null && openDay == day) return stream;
        stream?.Dispose();
        openDay = day;
        return stream = open(path(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(day)), kind));
    }

    public void Flush()
    {
        _messages?.Flush();
        _events?.Flush();
    }

    public void Dispose()
    {
        _messages?.Dispose();
        _events?.Dispose();
    }
}

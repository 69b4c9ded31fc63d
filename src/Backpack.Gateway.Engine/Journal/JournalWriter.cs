using System.Buffers.Binary;

namespace Backpack.Gateway.Engine.Journal;

/// <summary>
/// Appends commands to the journal on the engine thread. <see cref="Append"/> copies a record into
/// the write buffer; <see cref="Write"/> hands the buffer to the operating system in one write;
/// <see cref="Sync"/> makes what was written durable (fdatasync on Linux, fsync elsewhere). The engine
/// runner calls Write after each batch and Sync as the <see cref="FsyncPolicy"/> says (with Batch, on
/// the journal's own sync thread while the engine goes on: <see cref="Runtime.DurableRelease"/>), and
/// only then lets the batch's events out. Sync may run on another thread than Write: a segment's
/// roll and a sync never overlap.
/// A segment longer than <see cref="JournalOptions.SegmentBytes"/> is closed (synced, its zero-filled
/// rest cut off) at a write boundary and the next record starts a new one. With
/// <see cref="JournalOptions.PreallocateBytes"/> the segment is zero-filled ahead of the writes
/// (<see cref="SegmentPreallocator"/>).
/// </summary>
public sealed class JournalWriter : IDisposable
{
    private readonly JournalOptions _options;
    private byte[] _buffer = new byte[1 << 20];
    private int _buffered;
    private FileStream _file;
    private long _nextSequence;
    private long _bufferedFrom;  // sequence number of the first buffered record
    private bool _rollDue;
    private readonly JournalLock? _lock;
    private readonly object _syncLock = new();
    private readonly SegmentPreallocator? _preallocator;

    /// <summary>Opens the journal for appending after <paramref name="scan"/> (the recovery's read): cuts a torn tail off, continues the last segment.</summary>
    /// <param name="journalLock">the folder's lock (see <see cref="JournalLock"/>), released when the writer closes</param>
    public JournalWriter(JournalOptions options, JournalScan scan, JournalLock? journalLock = null)
    {
        _options = options;
        _lock = journalLock;
        System.IO.Directory.CreateDirectory(options.Directory);
        _nextSequence = scan.LastSequence + 1;
        if (scan.LastSegment is { } last && scan.GoodLength >= JournalFormat.SegmentHeaderSize)
        {
            _file = new FileStream(last, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1);
            if (_file.Length != scan.GoodLength && scan.TornBytes > 0)
            {
                // The torn tail goes, kept aside in case someone wants to look at it.
                _file.Position = scan.GoodLength;
                using (var aside = new FileStream($"{last}.torn-{scan.GoodLength}", FileMode.Create, FileAccess.Write)) _file.CopyTo(aside);
                _file.SetLength(scan.GoodLength);
            }
            _file.Seek(scan.GoodLength, SeekOrigin.Begin); // a zero-filled rest (ZeroTail) is kept and written over
            SegmentPath = last;
        }
        else
        {
            if (scan.LastSegment is { } headless) File.Delete(headless); // torn while its header was written: holds nothing
            _file = OpenSegment(_nextSequence, out string path);
            SegmentPath = path;
        }
        if (options.PreallocateBytes > 0)
        {
            _preallocator = new SegmentPreallocator(options.PreallocateBytes, options.SegmentBytes);
            _preallocator.Attach(_file.SafeFileHandle, _file.Position, _file.Length);
        }
    }

    /// <summary>Bytes zero-filled ahead of the writer since start (0 without preallocation).</summary>
    public long Preallocated => _preallocator?.Filled ?? 0;

    /// <summary>Where the current segment is zero-filled (or written) up to; 0 without preallocation.</summary>
    public long PreallocatedTo => _preallocator?.Claimed ?? 0;

    /// <summary>The segment being written.</summary>
    public string SegmentPath { get; private set; }

    public long Records { get; private set; }
    public long Bytes { get; private set; }
    public long Syncs { get; private set; }

    private long _writtenThrough;
    private long _syncedThrough;

    /// <summary>The last sequence number handed to the operating system by <see cref="Write"/> (any thread may read it).</summary>
    public long WrittenThrough => Volatile.Read(ref _writtenThrough);

    /// <summary>The last sequence number a completed sync made durable (any thread may read it).</summary>
    public long SyncedThrough => Volatile.Read(ref _syncedThrough);

    /// <summary>Buffers one command frame (the sequence number it was processed with must follow the last one's).</summary>
    public void Append(ReadOnlySpan<byte> frame, long sequence)
    {
        if (sequence != _nextSequence) throw new InvalidOperationException($"journal: sequence {sequence} appended where {_nextSequence} was due");
        int size = JournalFormat.RecordHeaderSize + frame.Length;
        if (_buffered + size > _buffer.Length) Grow(size);
        if (_buffered == 0) _bufferedFrom = sequence;
        var record = _buffer.AsSpan(_buffered, size);
        BinaryPrimitives.WriteInt32LittleEndian(record, frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(frame));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], Crc32C.Compute(record[..8]));
        frame.CopyTo(record[JournalFormat.RecordHeaderSize..]);
        _buffered += size;
        _nextSequence++;
        Records++;
    }

    /// <summary>True when records were appended since the last <see cref="Write"/>.</summary>
    public bool HasBuffered => _buffered > 0;

    /// <summary>Hands the buffered records to the operating system (they survive the process from here on).</summary>
    public void Write()
    {
        if (_buffered == 0) return;
        if (_rollDue) Roll();
        _preallocator?.BeforeWrite(_file.Position, _file.Position + _buffered);
        _file.Write(_buffer, 0, _buffered);
        Bytes += _buffered;
        _buffered = 0;
        Volatile.Write(ref _writtenThrough, _nextSequence - 1);
        if (_file.Position >= _options.SegmentBytes) _rollDue = true;
    }

    /// <summary>Makes everything written before the call durable on the disk (any thread).</summary>
    public void Sync()
    {
        lock (_syncLock)
        {
            long through = Volatile.Read(ref _writtenThrough); // what was written before this sync
            FlushToDisk(_file);
            Syncs++;
            Volatile.Write(ref _syncedThrough, through);
        }
    }

    /// <summary>
    /// fdatasync where there is one: the data and the metadata needed to read it back (the size),
    /// without the times fsync also writes; fsync elsewhere.
    /// </summary>
    private static void FlushToDisk(FileStream file)
    {
        if (OperatingSystem.IsLinux() && fdatasync((int)file.SafeFileHandle.DangerousGetHandle()) == 0) return;
        file.Flush(flushToDisk: true);
    }

    /// <summary>The same for a handle (the preallocator's fills); elsewhere than Linux, fsync through a stream on the handle.</summary>
    internal static void FlushToDisk(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        if (OperatingSystem.IsLinux())
        {
            if (fdatasync((int)file.DangerousGetHandle()) == 0) return;
            throw new IOException($"journal: fdatasync failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
        using var stream = new FileStream(file, FileAccess.Write, 1);
        stream.Flush(flushToDisk: true);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);

    private void Roll()
    {
        lock (_syncLock)
        {
            _rollDue = false;
            _preallocator?.Attach(null, 0, 0); // no fill running in the segment being closed
            _file.SetLength(_file.Position); // cut its zero-filled rest
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            _file = OpenSegment(_bufferedFrom, out string path);
            SegmentPath = path;
            _preallocator?.Attach(_file.SafeFileHandle, _file.Position, _file.Position);
        }
    }

    private FileStream OpenSegment(long firstSequence, out string path)
    {
        path = Path.Combine(_options.Directory, JournalFormat.SegmentName(firstSequence));
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1);
        Span<byte> header = stackalloc byte[JournalFormat.SegmentHeaderSize];
        JournalFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], firstSequence);
        file.Write(header);
        file.Flush(flushToDisk: true);
        SyncDirectory(_options.Directory); // the new segment's name is durable too, not only its bytes
        return file;
    }

    /// <summary>fsync of the folder, so that a segment created before a power cut is still listed after it (Linux; elsewhere nothing).</summary>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = open(directory, 0 /* O_RDONLY: enough to fsync a folder */);
        if (fd < 0) throw new IOException($"journal: cannot open the folder {directory} to sync it (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"journal: fsync of the folder {directory} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            close(fd);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    private void Grow(int needed)
    {
        var bigger = new byte[Math.Max(_buffer.Length * 2, _buffered + needed)];
        _buffer.AsSpan(0, _buffered).CopyTo(bigger);
        _buffer = bigger;
    }

    private bool _disposed;

    /// <summary>Writes what is buffered, syncs and closes (once).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Write();
        _preallocator?.Attach(null, 0, 0);
        _preallocator?.Dispose();
        lock (_syncLock)
        {
            _file.Flush(flushToDisk: true);
            _file.Dispose();
        }
        _lock?.Dispose();
    }
}

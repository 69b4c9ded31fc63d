using System.Buffers.Binary;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The engine sequence number up to which every event has been turned into reports and saved in the
/// sessions' message stores: <c>&lt;StoreDirectory&gt;/applied.seq</c> (8 bytes, little-endian),
/// rewritten after each event batch once the stores are flushed. After a crash the venue replays
/// the journal's commands after it to produce the reports the stores never got (the engine is
/// deterministic). Without a store directory it is kept in memory.
/// </summary>
public sealed class AppliedSequence : IDisposable
{
    public const string FileName = "applied.seq";

    private readonly FileStream? _file;
    private readonly byte[] _bytes = new byte[8];

    public AppliedSequence(string? directory)
    {
        if (string.IsNullOrEmpty(directory)) return;
        Directory.CreateDirectory(directory);
        _file = new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1);
        if (_file.Length >= 8 && _file.Read(_bytes, 0, 8) == 8) Value = BinaryPrimitives.ReadInt64LittleEndian(_bytes);
        else Value = -1;
    }

    /// <summary>The last sequence saved, or -1 when nothing was ever recorded (a new store).</summary>
    public long Value { get; private set; } = -1;

    /// <summary>Reads the value a store directory holds (-1 when none), without opening it for writing.</summary>
    public static long Read(string? directory)
    {
        if (string.IsNullOrEmpty(directory)) return -1;
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return -1;
        var bytes = File.ReadAllBytes(path);
        return bytes.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : -1;
    }

    public void Record(long sequence)
    {
        if (sequence <= Value) return;
        Value = sequence;
        if (_file is null) return;
        BinaryPrimitives.WriteInt64LittleEndian(_bytes, sequence);
        RandomAccess.Write(_file.SafeFileHandle, _bytes, 0);
    }

    public void Dispose() => _file?.Dispose();
}

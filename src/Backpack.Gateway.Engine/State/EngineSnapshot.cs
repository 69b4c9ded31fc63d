using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine.State;

/// <summary>
/// The engine's whole state at one sequence number. <see cref="Capture"/> runs on the engine thread
/// between two commands and only copies memory (the engine's arrays of plain structs, as they lie)
/// plus the state hash; compressing nothing and touching no disk, it stops the engine for a few
/// milliseconds per 100,000 accounts and orders. <see cref="Write"/> then runs on any other thread:
/// a temporary file, fsync, rename, so a snapshot file is either whole or absent.
/// File <c>snapshot-&lt;sequence, 19 digits&gt;.bps</c>: the 8 bytes <c>BPSNAP01</c>, int32 layout
/// fingerprint, int64 sequence, int64 engine time, uint64 state hash, int32 payload length, uint32
/// CRC-32C of the payload, the payload (little-endian).
/// </summary>
public sealed class EngineSnapshot
{
    private static ReadOnlySpan<byte> Magic => "BPSNAP01"u8;
    private const int HeaderSize = 8 + 4 + 8 + 8 + 8 + 4 + 4;
    private const int FormatVersion = 5; // 2: funding and conditional orders; 3: orders keep their creation time; 4: an account keeps the liquidation of its unsettled equity; 5: the ADL queue board
    public const string Extension = ".bps";

    // The size of the last snapshot taken, to size the next one's buffer at once.
    private static int _lastSize;

    private EngineSnapshot(long sequence, long time, ulong stateHash, ArraySegment<byte> payload, TimeSpan pause, TimeSpan copy)
    {
        Copy = copy;
        Sequence = sequence;
        Time = time;
        StateHash = stateHash;
        Payload = payload;
        Pause = pause;
    }

    public long Sequence { get; }
    public long Time { get; }
    public ulong StateHash { get; }
    public ArraySegment<byte> Payload { get; }

    /// <summary>How long <see cref="Capture"/> held the engine thread.</summary>
    public TimeSpan Pause { get; }

    /// <summary>The part of <see cref="Pause"/> spent copying the state (the rest computes the state hash).</summary>
    public TimeSpan Copy { get; }

    /// <summary>Copies the engine's state (engine thread only, between commands).</summary>
    public static EngineSnapshot Capture(MatchingEngine engine)
    {
        long started = Stopwatch.GetTimestamp();
        var writer = new SnapshotWriter(Volatile.Read(ref _lastSize) * 5 / 4);
        engine.SaveState(writer);
        var payload = writer.Detach();
        Volatile.Write(ref _lastSize, payload.Count);
        var copy = Stopwatch.GetElapsedTime(started);
        ulong hash = engine.ComputeStateHash();
        return new EngineSnapshot(engine.LastSequence, engine.Time, hash, payload, Stopwatch.GetElapsedTime(started), copy);
    }

    public static string FileName(long sequence) => $"snapshot-{sequence:D19}{Extension}";

    /// <summary>Writes the snapshot durably into <paramref name="directory"/>; returns its path.</summary>
    public string Write(string directory, IReadOnlyList<MarketDefinition> markets)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName(Sequence));
        string temporary = path + ".tmp";
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Fingerprint(markets));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(12), Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(20), Time);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(28), StateHash);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(36), Payload.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), Crc32C.Compute(Payload));
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            file.Write(header);
            file.Write(Payload);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Deletes all but the <paramref name="keep"/> newest snapshot files of a folder.</summary>
    public static void Prune(string directory, int keep)
    {
        foreach (var (path, _) in Files(directory).Skip(keep)) File.Delete(path);
    }

    /// <summary>The snapshot files of a folder, newest (highest sequence) first.</summary>
    public static IReadOnlyList<(string Path, long Sequence)> Files(string directory)
    {
        var files = new List<(string, long)>();
        if (!Directory.Exists(directory)) return files;
        foreach (string path in Directory.GetFiles(directory, "snapshot-*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path).AsSpan("snapshot-".Length), out long sequence)) files.Add((path, sequence));
        }
        files.Sort((a, b) => b.Item2.CompareTo(a.Item2));
        return files;
    }

    /// <summary>
    /// The engine of the newest valid snapshot in <paramref name="directory"/>, or null when there is
    /// none. A snapshot is valid when its header, layout fingerprint (this build, these markets),
    /// CRC and state hash all check; each one passed over is added to <paramref name="skipped"/> with
    /// the reason, and the next older one is tried.
    /// </summary>
    public static (MatchingEngine Engine, string Path)? LoadLatest(string directory, IReadOnlyList<MarketDefinition> markets, EngineOptions options, List<string> skipped)
    {
        foreach (var (path, _) in Files(directory))
        {
            try
            {
                return (Load(path, markets, options), path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
            {
                skipped.Add($"{path}: {e.Message}");
            }
        }
        return null;
    }

    /// <summary>Loads one snapshot file into a new engine; throws <see cref="InvalidDataException"/> with the reason when it is not usable.</summary>
    public static MatchingEngine Load(string path, IReadOnlyList<MarketDefinition> markets, EngineOptions options)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize || !bytes.AsSpan(0, 8).SequenceEqual(Magic)) throw new InvalidDataException("not a snapshot (bad header)");
        if (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) != Fingerprint(markets)) throw new InvalidDataException("written by another build or for other markets (layout fingerprint differs)");
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(28));
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(36));
        if (length < 0 || HeaderSize + length != bytes.Length) throw new InvalidDataException($"payload length {length} does not match the file ({bytes.Length} bytes)");
        var payload = bytes.AsSpan(HeaderSize, length);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40))) throw new InvalidDataException("payload CRC does not match");
        var engine = new MatchingEngine(markets, options);
        var reader = new SnapshotReader(payload);
        engine.LoadState(ref reader);
        if (engine.LastSequence != sequence) throw new InvalidDataException($"payload is at sequence {engine.LastSequence}, header says {sequence}");
        ulong loaded = engine.ComputeStateHash();
        if (loaded != hash) throw new InvalidDataException($"state hash {loaded:x16} after loading, header says {hash:x16}");
        return engine;
    }

    /// <summary>
    /// The format version, the sizes of the structs copied as memory, and the markets' definitions
    /// (units, band, fees, margin curves), as a CRC-32C of their text (the same in every process,
    /// unlike <see cref="HashCode"/>). Engine options are not in it: a changed option makes the
    /// journal replay follow the new rule as well.
    /// </summary>
    private static int Fingerprint(IReadOnlyList<MarketDefinition> markets)
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"v{FormatVersion}|{Unsafe.SizeOf<Account>()}|{Unsafe.SizeOf<Position>()}|{Unsafe.SizeOf<Order>()}|{Unsafe.SizeOf<PriceLevel>()}");
        foreach (var m in markets)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"|{m.Symbol}:{m.TickSize}:{m.StepSize}:{m.MinQuantity}:{m.MaxQuantity}:{m.PriceBand}:{m.MakerFee}:{m.TakerFee}:{m.BaseImf}:{m.ImfFactor}:{m.BaseMmf}:{m.MmfFactor}:{m.FundingIntervalSeconds}:{m.FundingRateUpperBound}:{m.FundingRateLowerBound}:{m.FundingInterestPerDay}:{m.FundingPremiumClamp}:{m.FundingImpactNotional}");
        }
        return (int)Crc32C.Compute(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }
}

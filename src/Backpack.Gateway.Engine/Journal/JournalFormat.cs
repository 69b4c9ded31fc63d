namespace Backpack.Gateway.Engine.Journal;

/// <summary>
/// The journal on disk: a folder of segment files <c>journal-&lt;first sequence, 19 digits&gt;.bpj</c>.
/// A segment starts with a 16-byte header (the 8 ASCII bytes <c>BPJOURN2</c>, then the sequence
/// number of its first record as a little-endian int64), then records: a little-endian uint32
/// payload length, the little-endian uint32 CRC-32C of the payload, and the payload, which is the
/// command frame exactly as the engine processed it (shared binary protocol, stamped with its
/// sequence number and time). Records follow each other's sequence numbers without a gap.
/// </summary>
public static class JournalFormat
{
    public static ReadOnlySpan<byte> Magic => "BPJOURN2"u8;

    public const int SegmentHeaderSize = 16;
    public const int RecordHeaderSize = 12;

    /// <summary>Largest payload a record may have (a command frame is far smaller); a longer length field is damage.</summary>
    public const int MaxPayload = 64 * 1024;

    public const string Extension = ".bpj";

    public static string SegmentName(long firstSequence) => $"journal-{firstSequence:D19}{Extension}";

    /// <summary>The segment files of a folder, in sequence order.</summary>
    public static IReadOnlyList<(string Path, long FirstSequence)> Segments(string directory)
    {
        var segments = new List<(string, long)>();
        if (!Directory.Exists(directory)) return segments;
        foreach (string path in Directory.GetFiles(directory, "journal-*" + Extension))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (long.TryParse(name.AsSpan("journal-".Length), out long first)) segments.Add((path, first));
        }
        segments.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return segments;
    }
}

/// <summary>The journal is damaged before its tail: recovery must stop (nothing is dropped silently).</summary>
public sealed class JournalCorruptException(string file, long offset, string problem)
    : Exception($"Journal {Path.GetFullPath(file)} is damaged at offset {offset}: {problem}. Recovery stopped; nothing was dropped.")
{
    public string File { get; } = Path.GetFullPath(file);
    public long Offset { get; } = offset;
}

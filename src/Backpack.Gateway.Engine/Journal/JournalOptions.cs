namespace Backpack.Gateway.Engine.Journal;

/// <summary>When the journal asks the disk to make written records durable (fsync).</summary>
public enum FsyncPolicy
{
    /// <summary>After every batch the engine processed, before its events leave: group commit, no event before its command is on disk.</summary>
    Batch,

    /// <summary>At most once per <see cref="JournalOptions.FsyncInterval"/>: events wait for the fsync that covers their command.</summary>
    Interval,

    /// <summary>Never: records reach the operating system before the events leave (they survive the process being killed, not a power cut).</summary>
    Never,
}

/// <summary>The command journal (section Journal).</summary>
public sealed class JournalOptions
{
    /// <summary>Journal the engine's commands; off, the venue starts empty every time.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder of the journal's segment files (relative to the working directory).</summary>
    public string Directory { get; set; } = "data/journal";

    public FsyncPolicy Fsync { get; set; } = FsyncPolicy.Batch;

    /// <summary>With <see cref="FsyncPolicy.Interval"/>: the longest time between two fsyncs while commands come in.</summary>
    public TimeSpan FsyncInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>A new segment file is started once the current one is this long.</summary>
    public long SegmentBytes { get; set; } = 256L << 20;

    /// <summary>
    /// Bytes of the current segment kept zero-filled (written and synced) ahead of the writer by a
    /// thread of the journal's own, so a sync has the records to write and not the file's growth
    /// (SegmentPreallocator); 0 turns it off.
    /// </summary>
    public long PreallocateBytes { get; set; } = 8L << 20;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory)) problems.Add("Journal:Directory must be set");
        if (FsyncInterval <= TimeSpan.Zero || FsyncInterval > TimeSpan.FromSeconds(1)) problems.Add("Journal:FsyncInterval must be more than 0 and at most 00:00:01");
        if (SegmentBytes < 1 << 20) problems.Add("Journal:SegmentBytes must be at least 1048576");
        if (PreallocateBytes != 0 && PreallocateBytes < 1 << 20) problems.Add("Journal:PreallocateBytes must be 0 (off) or at least 1048576");
        return problems;
    }
}

using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// Segments zero-filled ahead of the writer (Journal:PreallocateBytes): the zeros after the last
/// record are a clean end that the writer continues over after a restart; a torn record before them
/// is still cut; an older segment's zero-filled rest ends it cleanly and a lost record is still a gap.
/// </summary>
public sealed class JournalPreallocationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-prealloc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private JournalOptions Options(long segmentBytes = 256L << 20, long preallocate = 1 << 20) =>
        new() { Directory = _folder, SegmentBytes = segmentBytes, PreallocateBytes = preallocate };

    private static JournalScan Read(string folder) => JournalReader.Read(folder, 0, (_, _) => { });

    private static long DataEnd(List<byte[]> frames) =>
        JournalFormat.SegmentHeaderSize + frames.Sum(f => (long)JournalFormat.RecordHeaderSize + f.Length);

    /// <summary>Writes the frames and waits until the segment is zero-filled a whole lead past them.</summary>
    private void WritePreallocated(List<byte[]> frames)
    {
        using var writer = new JournalWriter(Options(), Read(_folder));
        for (int i = 0; i < frames.Count; i++) writer.Append(frames[i], i + 1);
        writer.Write();
        long end = DataEnd(frames);
        Assert.True(SpinWait.SpinUntil(() => writer.PreallocatedTo >= end + (1 << 20) - 1, TimeSpan.FromSeconds(20)), $"zero-filled to {writer.PreallocatedTo}");
        Assert.True(SpinWait.SpinUntil(() => writer.Preallocated >= 1 << 20, TimeSpan.FromSeconds(20)), $"{writer.Preallocated} bytes filled");
        writer.Sync();
    }

    /// <summary>Deposits enough to fill a few 1 MiB segments, written a thousand at a time.</summary>
    private List<byte[]> WriteDeposits(JournalOptions options, int count)
    {
        var frames = Enumerable.Range(1, count).Select(i => ProtocolCodec.ToArray(new Deposit(new CommandHeader(i, EngineHarness.StartTime, i), 1 + i % 50, 1_000_000))).ToList();
        using var writer = new JournalWriter(options, Read(_folder));
        for (int i = 0; i < frames.Count; i++)
        {
            writer.Append(frames[i], i + 1);
            if ((i + 1) % 1000 == 0) writer.Write();
        }
        return frames;
    }

    [Fact]
    public void The_zero_filled_rest_is_a_clean_end_and_the_writer_goes_on_over_it_after_a_restart()
    {
        var frames = JournalTests.History().Journal;
        WritePreallocated(frames);
        string segment = JournalFormat.Segments(_folder).Single().Path;
        long length = new FileInfo(segment).Length;
        Assert.True(length >= DataEnd(frames) + (1 << 20) - 1, $"the segment is {length} bytes, the data {DataEnd(frames)}");

        var scan = Read(_folder);
        Assert.Equal((frames.Count, (long)frames.Count, 0L), (scan.Records, scan.LastSequence, scan.TornBytes));
        Assert.Equal(DataEnd(frames), scan.GoodLength);
        Assert.Equal(length - scan.GoodLength, scan.ZeroTail);

        // A restart: nothing is cut or put aside, the next record goes right after the last one.
        byte[] next = ProtocolCodec.ToArray(new Deposit(new CommandHeader(frames.Count + 1, EngineHarness.StartTime, 1), 1, 5));
        using (var writer = new JournalWriter(Options(), scan))
        {
            writer.Append(next, frames.Count + 1);
        }
        Assert.Empty(Directory.GetFiles(_folder, "*.torn-*"));
        Assert.True(new FileInfo(segment).Length >= length);
        var again = Read(_folder);
        Assert.Equal((frames.Count + 1L, 0L), (again.LastSequence, again.TornBytes));
        Assert.Equal(DataEnd([.. frames, next]), again.GoodLength);
    }

    [Fact]
    public void A_torn_last_record_before_the_zeros_is_still_cut_and_kept_aside()
    {
        var frames = JournalTests.History().Journal;
        WritePreallocated(frames);
        string segment = JournalFormat.Segments(_folder).Single().Path;
        long end = DataEnd(frames);
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.Position = end - 3; // a power cut: the last record's payload not all on the disk
            file.Write(new byte[3]);
        }
        var scan = Read(_folder);
        long lastStart = end - JournalFormat.RecordHeaderSize - frames[^1].Length;
        Assert.Equal((frames.Count - 1L, lastStart), (scan.LastSequence, scan.GoodLength));
        Assert.True(scan.TornBytes > 0);
        using (new JournalWriter(Options(), scan))
        {
        }
        Assert.True(File.Exists($"{segment}.torn-{lastStart}"));
        Assert.Equal(frames.Count - 1, Read(_folder).LastSequence);
    }

    [Fact]
    public void An_older_segments_zero_filled_rest_ends_it_cleanly_and_a_lost_record_is_still_a_gap()
    {
        // Exact segments (no preallocation), then the first one given a zero-filled rest as a crash
        // before the roll cut it would leave.
        var options = Options(segmentBytes: 1 << 20, preallocate: 0);
        var frames = WriteDeposits(options, 60_000);
        var segments = JournalFormat.Segments(_folder);
        Assert.True(segments.Count >= 2, $"{segments.Count} segments");
        long firstLength = new FileInfo(segments[0].Path).Length;
        using (var file = new FileStream(segments[0].Path, FileMode.Open)) file.SetLength(firstLength + (1 << 20));
        Assert.Equal(60_000, Read(_folder).LastSequence);

        // The first segment's last record zeroed as well: the second one no longer follows it.
        int lastRecord = JournalFormat.RecordHeaderSize + frames[(int)segments[1].FirstSequence - 2].Length;
        using (var file = new FileStream(segments[0].Path, FileMode.Open))
        {
            file.Position = firstLength - lastRecord;
            file.Write(new byte[lastRecord]);
        }
        var error = Assert.Throws<JournalCorruptException>(() => Read(_folder));
        Assert.Contains("the segment starts at sequence", error.Message);
    }

    [Fact]
    public void A_roll_cuts_the_closed_segments_zero_filled_rest()
    {
        var options = Options(segmentBytes: 1 << 20, preallocate: 1 << 20);
        var frames = WriteDeposits(options, 60_000);
        var segments = JournalFormat.Segments(_folder);
        Assert.True(segments.Count >= 2, $"{segments.Count} segments");
        long records = 0;
        var scan = JournalReader.Read(_folder, 0, (_, sequence) => Assert.Equal(++records, sequence));
        Assert.Equal(60_000, scan.LastSequence);
        // Every closed segment ends at its last record (nothing after it, zeros included).
        for (int s = 0; s < segments.Count - 1; s++)
        {
            byte[] bytes = File.ReadAllBytes(segments[s].Path);
            Assert.NotEqual(0, bytes[^1] | bytes[^2] | bytes[^3] | bytes[^4]);
        }
    }
}

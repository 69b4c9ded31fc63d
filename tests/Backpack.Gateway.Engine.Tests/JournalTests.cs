using System.Text;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Engine.Tests;

public sealed class JournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-journal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The format rules without preallocation (the file ends at the last record); JournalPreallocationTests has them with it.
    private JournalOptions Options(long segmentBytes = 256L << 20) => new() { Directory = _folder, SegmentBytes = segmentBytes, PreallocateBytes = 0 };

    /// <summary>A trading history with fills and a liquidation, as the engine took it (each frame stamped with its sequence).</summary>
    internal static EngineHarness History(int rounds = 20)
    {
        var h = new EngineHarness([LiquidationTests.Market()]);
        h.Index(10_000);
        h.Deposit(1, 1_000_000);
        h.Deposit(2, 1_000);
        h.Deposit(3, 1_000_000);
        for (int i = 0; i < rounds; i++)
        {
            h.Time += 1_000;
            h.Limit(1, Side.Sell, 10_000 + i % 5, 3, clientOrderId: i);
            h.Limit(3, Side.Buy, 9_000 - i % 3, 5);
            if (i < 30) h.Market(2, Side.Buy, 3);
        }
        // Account 2 is long 60 at 100 with 1,000 USDC: at 86 its equity (160) is under maintenance (258).
        h.Index(8_600);
        for (int t = 0; t < 5; t++)
        {
            h.Time += 1_000_000;
            h.Tick();
        }
        return h;
    }

    private static JournalScan WriteAll(JournalOptions options, IEnumerable<byte[]> frames)
    {
        var scan = JournalReader.Read(options.Directory, 0, (_, _) => { });
        using var writer = new JournalWriter(options, scan);
        long sequence = scan.LastSequence;
        foreach (var frame in frames) writer.Append(frame, ++sequence);
        writer.Write();
        return scan;
    }

    private static (MatchingEngine Engine, JournalScan Scan) Replay(string folder)
    {
        var engine = new MatchingEngine([LiquidationTests.Market()]);
        var output = new FrameBuffer();
        var scan = JournalReader.Read(folder, 0, (frame, _) =>
        {
            output.Clear();
            engine.Process(frame, output);
        });
        return (engine, scan);
    }

    [Fact]
    public void Crc32C_has_the_standard_check_value_and_the_instruction_agrees_with_the_table()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        var random = new Random(1);
        for (int length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Crc32C.ComputeWithTable(data), Crc32C.Compute(data));
        }
    }

    [Fact]
    public void A_replayed_journal_rebuilds_the_same_state()
    {
        var history = History();
        WriteAll(Options(), history.Journal);

        var (engine, scan) = Replay(_folder);

        Assert.Equal((history.Journal.Count, (long)history.Journal.Count, 0L), (scan.Records, scan.LastSequence, scan.TornBytes));
        Assert.Equal(history.Engine.LastSequence, engine.LastSequence);
        Assert.Equal(history.Engine.ComputeStateHash(), engine.ComputeStateHash());
        Assert.True(history.Engine.Liquidations.Started > 0, "the history should liquidate account 2");
    }

    [Fact]
    public void A_torn_last_record_is_cut_off_and_writing_goes_on_after_the_last_good_one()
    {
        var history = History();
        WriteAll(Options(), history.Journal);
        string segment = JournalFormat.Segments(_folder).Single().Path;
        long full = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(full - 3); // the crash came mid-write

        var scan = JournalReader.Read(_folder, 0, (_, _) => { });
        int lastSize = JournalFormat.RecordHeaderSize + history.Journal[^1].Length;
        Assert.Equal(history.Journal.Count - 1, scan.LastSequence);
        Assert.Equal(lastSize - 3, scan.TornBytes);
        Assert.Equal(full - lastSize, scan.GoodLength);

        // The writer cuts the torn bytes and the lost command, sent again, follows the last good one.
        using (var writer = new JournalWriter(Options(), scan))
        {
            writer.Append(history.Journal[^1], history.Journal.Count);
        }
        var (engine, again) = Replay(_folder);
        Assert.Equal((0L, (long)history.Journal.Count), (again.TornBytes, again.LastSequence));
        Assert.Equal(history.Engine.ComputeStateHash(), engine.ComputeStateHash());
    }

    [Fact]
    public void A_damaged_record_before_the_tail_stops_the_read_naming_the_file_and_offset()
    {
        var history = History();
        WriteAll(Options(), history.Journal);
        string segment = JournalFormat.Segments(_folder).Single().Path;
        long offset = JournalFormat.SegmentHeaderSize;
        for (int i = 0; i < 10; i++) offset += JournalFormat.RecordHeaderSize + history.Journal[i].Length; // record 11
        var bytes = File.ReadAllBytes(segment);
        bytes[offset + JournalFormat.RecordHeaderSize + 2] ^= 0x40;
        File.WriteAllBytes(segment, bytes);

        int handed = 0;
        var error = Assert.Throws<JournalCorruptException>(() => JournalReader.Read(_folder, 0, (_, _) => handed++));
        Assert.Equal((segment, offset), (error.File, error.Offset));
        Assert.Contains("CRC does not match", error.Message);
        Assert.Contains("nothing was dropped", error.Message);
        Assert.Equal(10, handed); // the ten good records before the damage, and nothing of it or after it
    }

    /// <summary>The offset of record <paramref name="index"/> (0-based) of a single-segment journal of <paramref name="frames"/>.</summary>
    private static long OffsetOf(List<byte[]> frames, int index) =>
        JournalFormat.SegmentHeaderSize + frames.Take(index).Sum(f => (long)JournalFormat.RecordHeaderSize + f.Length);

    [Theory]
    [InlineData(0x7FFF0000)] // far past the end of the file
    [InlineData(60_000)]     // plausible, and running past the end: it must not pass for a cut-short last record
    public void A_damaged_length_field_is_damage_not_a_torn_tail(int length)
    {
        var history = History();
        WriteAll(Options(), history.Journal);
        string segment = JournalFormat.Segments(_folder).Single().Path;
        int victim = history.Journal.Count - 10;
        var bytes = File.ReadAllBytes(segment);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)OffsetOf(history.Journal, victim)), length);
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<JournalCorruptException>(() => JournalReader.Read(_folder, 0, (_, _) => { }));
        Assert.Equal(OffsetOf(history.Journal, victim), error.Offset);
        Assert.Contains("header's CRC does not match", error.Message);
    }

    [Fact]
    public void A_last_record_whose_CRCs_check_but_whose_sequence_is_wrong_is_damage()
    {
        var history = History();
        WriteAll(Options(), history.Journal);
        var scan = JournalReader.Read(_folder, 0, (_, _) => { });
        using (var writer = new JournalWriter(Options(), scan))
        {
            // A well-formed record whose frame says sequence 5: never what a crash leaves behind.
            writer.Append(history.Journal[4], history.Journal.Count + 1);
        }
        var error = Assert.Throws<JournalCorruptException>(() => JournalReader.Read(_folder, 0, (_, _) => { }));
        Assert.Contains($"sequence 5 where {history.Journal.Count + 1} was due", error.Message);
    }

    [Fact]
    public void A_last_record_followed_only_by_zeros_is_a_torn_tail_and_is_kept_aside_when_cut()
    {
        var history = History();
        WriteAll(Options(), history.Journal);
        string segment = JournalFormat.Segments(_folder).Single().Path;
        long full = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Open))
        {
            // A power cut: the last record's payload half zeroed, and zero pages after it.
            file.Position = full - 6;
            file.Write(new byte[4096 + 6]);
        }
        var scan = JournalReader.Read(_folder, 0, (_, _) => { });
        Assert.Equal(history.Journal.Count - 1, scan.LastSequence);
        Assert.Equal(OffsetOf(history.Journal, history.Journal.Count - 1), scan.GoodLength);
        using (new JournalWriter(Options(), scan))
        {
        }
        Assert.Equal(scan.GoodLength, new FileInfo(segment).Length);
        Assert.Equal(scan.TornBytes, new FileInfo($"{segment}.torn-{scan.GoodLength}").Length);
        Assert.Equal(history.Journal.Count - 1, JournalReader.Read(_folder, 0, (_, _) => { }).LastSequence);
    }

    [Fact]
    public void A_gap_between_segments_is_damage_and_records_spread_over_segments_read_in_order()
    {
        var options = Options(segmentBytes: 1 << 20);
        // About 41 bytes a record: 100,000 records fill four 1 MiB segments.
        var frames = Enumerable.Range(1, 100_000).Select(i => ProtocolCodec.ToArray(new Deposit(new CommandHeader(i, EngineHarness.StartTime, i), 1 + i % 50, 1_000_000))).ToList();
        var scan = JournalReader.Read(_folder, 0, (_, _) => { });
        using (var writer = new JournalWriter(options, scan))
        {
            long sequence = 0;
            foreach (var frame in frames)
            {
                writer.Append(frame, ++sequence);
                if (sequence % 1000 == 0) writer.Write();
            }
        }
        var segments = JournalFormat.Segments(_folder);
        Assert.True(segments.Count >= 3, $"{segments.Count} segments: a gap needs a segment on each side of it");
        long seen = 0;
        var read = JournalReader.Read(_folder, 0, (_, sequence) => Assert.Equal(++seen, sequence));
        Assert.Equal(100_000, read.LastSequence);

        // Records up to a snapshot's sequence are passed over.
        long first = 0;
        JournalReader.Read(_folder, 30_000, (_, sequence) => first = first == 0 ? sequence : first);
        Assert.Equal(30_001, first);

        // A segment in the middle goes missing: the next one does not start where the journal was.
        File.Delete(segments[1].Path);
        var error = Assert.Throws<JournalCorruptException>(() => JournalReader.Read(_folder, 0, (_, _) => { }));
        Assert.Contains("the segment starts at sequence", error.Message);
        Assert.Equal(segments[2].Path, error.File);
    }

    [Fact]
    public void An_empty_journal_starts_at_sequence_one_and_a_segment_torn_in_its_header_is_replaced()
    {
        var scan = JournalReader.Read(_folder, 0, (_, _) => { });
        Assert.Equal((0L, 0L, (string?)null), (scan.LastSequence, scan.Records, scan.LastSegment));
        using (new JournalWriter(Options(), scan))
        {
        }
        string segment = JournalFormat.Segments(_folder).Single().Path;
        Assert.Equal(JournalFormat.SegmentName(1), Path.GetFileName(segment));
        Assert.Equal(0, JournalReader.Read(_folder, 0, (_, _) => { }).LastSequence);

        File.WriteAllBytes(segment, Encoding.ASCII.GetBytes("BPJOU")); // torn while the header was written
        var torn = JournalReader.Read(_folder, 0, (_, _) => { });
        Assert.Equal(5, torn.TornBytes);
        using (var writer = new JournalWriter(Options(), torn))
        {
            writer.Append(ProtocolCodec.ToArray(new Deposit(new CommandHeader(1, EngineHarness.StartTime, 1), 1, 5)), 1);
        }
        Assert.Equal(1, JournalReader.Read(_folder, 0, (_, _) => { }).LastSequence);
    }

    [Theory]
    [InlineData(FsyncPolicy.Batch)]
    [InlineData(FsyncPolicy.Interval)]
    [InlineData(FsyncPolicy.Never)]
    public void The_runner_journals_every_command_before_its_events_leave_and_the_journal_replays_to_the_same_state(FsyncPolicy policy)
    {
        var options = Options();
        options.Fsync = policy;
        var scan = JournalReader.Read(_folder, 0, (_, _) => { });
        var engine = new MatchingEngine([LiquidationTests.Market()]);
        var writer = new JournalWriter(options, scan);
        var watcher = new DurabilityWatcher(writer, policy);
        var runner = new EngineRunner(engine, () => EngineHarness.StartTime, new EngineRunnerOptions { TickInterval = TimeSpan.Zero }, writer, options);
        runner.AddConsumer(watcher);
        runner.Start();
        var history = History(rounds: 200);
        foreach (var frame in history.Journal)
        {
            byte[] copy = (byte[])frame.Clone();
            while (!runner.TrySubmit(copy)) Thread.Yield();
        }
        SpinWait.SpinUntil(() => engine.LastSequence == history.Journal.Count, TimeSpan.FromSeconds(10));
        runner.Dispose();
        writer.Dispose();

        Assert.Equal(history.Journal.Count, engine.LastSequence);
        Assert.Empty(watcher.Violations);
        Assert.True(watcher.Batches > 0);
        if (policy == FsyncPolicy.Never) Assert.Equal(0, writer.Syncs);
        else Assert.True(writer.Syncs > 0);
        var (replayed, _) = Replay(_folder);
        Assert.Equal(engine.ComputeStateHash(), replayed.ComputeStateHash());
    }

    /// <summary>At every batch of events: the journal holds nothing unwritten, and (unless the policy never syncs) nothing unsynced.</summary>
    /// <summary>Checks, as each batch arrives, that every event's command is written and (unless the policy is Never) covered by a completed sync.</summary>
    private sealed class DurabilityWatcher(JournalWriter writer, FsyncPolicy policy) : IEventConsumer
    {
        public List<string> Violations { get; } = [];
        public int Batches { get; private set; }

        public void OnEvents(FrameBuffer events)
        {
            Batches++;
            long synced = writer.SyncedThrough, written = writer.WrittenThrough;
            for (int i = 0; i < events.Count; i++)
            {
                if (!EventHeader.TryRead(events[i], out var header)) continue;
                if (header.Sequence > written) Violations.Add($"batch {Batches}: event of command {header.Sequence} out before its record was written (written through {written})");
                if (policy != FsyncPolicy.Never && header.Sequence > synced) Violations.Add($"batch {Batches}: event of command {header.Sequence} out before a sync covered it (synced through {synced})");
            }
        }
    }
}

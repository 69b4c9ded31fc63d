using System.Buffers.Binary;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.TestSupport;
using FsCheck.Fluent;
using OracleReader = global::MessagePack.MessagePackReader;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The command frames inside the journal's records, read straight from the segment file (after the
/// segment header and each record's length and CRCs) with MessagePack-CSharp, hold the same values
/// our decoder reads, and carry the sequence number of their record.
/// </summary>
public sealed class JournalOracleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-journal-oracle-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Command_frames_in_journal_records_read_the_same_with_MessagePack_CSharp()
    {
        // The engine's own journal of a trading history with a liquidation, then one random command of
        // every command type, stamped as the sequencer stamps them.
        var frames = new List<byte[]>(JournalTests.History().Journal);
        var commandTypes = MessageTypes.All.Where(MessageTypes.IsCommand).ToList();
        foreach (var type in commandTypes)
        {
            var schema = OracleSchema.Of(type);
            byte[] frame = schema.Encode(schema.Messages().Sample(1, 1)[0]);
            Assert.True(CommandStamp.TryStamp(frame, frames.Count + 1, 1_700_000_000_000_000 + frames.Count));
            frames.Add(frame);
        }
        var options = new JournalOptions { Directory = _folder };
        using (var writer = new JournalWriter(options, JournalReader.Read(_folder, 0, (_, _) => { })))
        {
            for (int i = 0; i < frames.Count; i++) writer.Append(frames[i], i + 1);
            writer.Write();
        }

        byte[] segment = File.ReadAllBytes(JournalFormat.Segments(_folder).Single().Path);
        Assert.Equal("BPJOURN2"u8.ToArray(), segment[..8]);
        Assert.Equal(1, BinaryPrimitives.ReadInt64LittleEndian(segment.AsSpan(8)));
        int at = JournalFormat.SegmentHeaderSize;
        var seen = new HashSet<MessageType>();
        for (int i = 0; i < frames.Count; i++)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(segment.AsSpan(at));
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(at + 4));
            byte[] payload = segment.AsSpan(at + JournalFormat.RecordHeaderSize, length).ToArray();
            at += JournalFormat.RecordHeaderSize + length;
            Assert.Equal(Crc32C.Compute(payload), crc);

            var r = new OracleReader(payload);
            r.ReadArrayHeader();
            var schema = OracleSchema.Of((MessageType)r.ReadByte());
            object[] theirs = schema.ReadWithOracle(payload);
            object ours = schema.Decode(payload);
            Assert.Equal(schema.Fields.Select(f => f.Get(ours)), theirs);
            Assert.Equal("CommandHeader.Sequence", schema.Fields[0].Name);
            Assert.Equal((long)(i + 1), theirs[0]);
            seen.Add(schema.Type);
        }
        // After the last record only zeros (the segment is zero-filled ahead of the writer), the reader's clean end.
        Assert.True(segment.AsSpan(at).IndexOfAnyExcept((byte)0) < 0, "something other than zeros after the last record");
        Assert.Equal(commandTypes.Order(), seen.Order());
    }
}

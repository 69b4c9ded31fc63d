using System.Buffers.Binary;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Journal;

/// <summary>Called for each journaled command, in sequence order (the span is valid during the call only).</summary>
public delegate void JournalRecordHandler(ReadOnlySpan<byte> frame, long sequence);

/// <summary>What a read of the journal found.</summary>
/// <param name="LastSequence">sequence number of the last good record (0 for an empty journal)</param>
/// <param name="Records">good records handed to the handler</param>
/// <param name="LastSegment">the last segment file, or null when there is none</param>
/// <param name="GoodLength">length of the last segment up to the end of its last good record</param>
/// <param name="TornBytes">bytes after that which belong to a record cut short by a crash (0 when the tail is clean)</param>
/// <param name="ZeroTail">zero bytes after the last good record of the last segment (zero-filled ahead of the writer: a clean end, kept)</param>
public sealed record JournalScan(long LastSequence, long Records, string? LastSegment, long GoodLength, long TornBytes, long ZeroTail = 0);

/// <summary>
/// Reads a journal folder front to back, checking every record's header CRC, payload CRC and
/// sequence number. A segment whose bytes are all zero from some record boundary to its end ends
/// there, cleanly: the zeros were written ahead of the writer (SegmentPreallocator) and no record
/// reached them. The last record of the last segment is a torn tail (reported, not handed on,
/// cut off by the writer) only when a crash during its write explains it: its header cut short, its
/// payload running past the end of the file, or a bad CRC with nothing but zero bytes after it.
/// Anything else — a bad CRC with data after it, a record whose CRCs check but whose sequence
/// number or content is wrong, a gap between segments, a bad segment header, damage in an older
/// segment — throws <see cref="JournalCorruptException"/> naming the file and the offset.
/// </summary>
public static class JournalReader
{
    private const int BufferSize = 1 << 22;

    /// <param name="afterSequence">records up to this sequence number are checked but not handed on (a snapshot covers them)</param>
    public static JournalScan Read(string directory, long afterSequence, JournalRecordHandler onRecord)
    {
        var segments = JournalFormat.Segments(directory);
        long expected = 0, records = 0, goodLength = 0, torn = 0;
        var buffer = new byte[BufferSize];
        for (int s = 0; s < segments.Count; s++)
        {
            var (path, first) = segments[s];
            bool last = s == segments.Count - 1;
            // Segments wholly before the part wanted are skipped unread when the next one starts early enough.
            if (!last && segments[s + 1].FirstSequence <= afterSequence + 1 && expected == 0)
            {
                continue;
            }
            if (expected != 0 && first != expected) throw new JournalCorruptException(path, 0, $"the segment starts at sequence {first}, the previous one ended at {expected - 1}");
            expected = first;
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            long length = file.Length;
            int filled = Fill(file, buffer, 0);
            if (filled < JournalFormat.SegmentHeaderSize)
            {
                if (last && filled == length) { torn = length; goodLength = 0; break; } // the crash came while the header was written
                throw new JournalCorruptException(path, 0, "the segment header is cut short");
            }
            if (!buffer.AsSpan(0, 8).SequenceEqual(JournalFormat.Magic)) throw new JournalCorruptException(path, 0, "not a journal segment (bad magic)");
            if (BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(8)) != first) throw new JournalCorruptException(path, 8, "the header's first sequence does not match the file name");

            long fileOffset = 0;   // file offset of buffer[0]
            int position = JournalFormat.SegmentHeaderSize;
            while (true)
            {
                // Keep a whole record in the buffer: move the rest to the front and read more.
                if (filled - position < JournalFormat.RecordHeaderSize + JournalFormat.MaxPayload && fileOffset + filled < length)
                {
                    Buffer.BlockCopy(buffer, position, buffer, 0, filled - position);
                    fileOffset += position;
                    filled -= position;
                    position = 0;
                    filled = Fill(file, buffer, filled);
                }
                long recordOffset = fileOffset + position;
                int available = filled - position;
                if (available == 0) break; // clean end of the segment
                if (buffer.AsSpan(position, Math.Min(available, JournalFormat.RecordHeaderSize)).IndexOfAnyExcept((byte)0) < 0
                    && AllZero(file, recordOffset, length))
                {
                    // Zero-filled ahead of the writer and never written: the clean end of the segment. A
                    // later segment must still start at the next sequence (the gap check above).
                    if (last) return new JournalScan(expected - 1, records, path, recordOffset, 0, length - recordOffset);
                    break;
                }
                // What is wrong with this record, and whether a crash while writing it explains it
                // (only the last segment's last record can be torn; it is then cut off, not an error).
                string? problem = null;
                bool crashCut = false;
                int payloadLength = 0;
                if (available < JournalFormat.RecordHeaderSize)
                {
                    problem = "a record header is cut short";
                    crashCut = true; // at the end of the file: a prefix of what was written
                }
                else if (Crc32C.Compute(buffer.AsSpan(position, 8)) != BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(position + 8)))
                {
                    problem = "the record header's CRC does not match";
                    crashCut = AllZero(file, recordOffset, length); // a zero-filled tail (a power cut), nothing else
                }
                else
                {
                    payloadLength = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(position));
                    if (payloadLength <= 0 || payloadLength > JournalFormat.MaxPayload) problem = $"a record length of {payloadLength}";
                    else if (available < JournalFormat.RecordHeaderSize + payloadLength)
                    {
                        problem = "a record is cut short";
                        crashCut = true; // its header checks, its payload runs past the end of the file
                    }
                    else
                    {
                        var payload = buffer.AsSpan(position + JournalFormat.RecordHeaderSize, payloadLength);
                        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(position + 4)))
                        {
                            problem = "the record's CRC does not match";
                            crashCut = AllZero(file, recordOffset + JournalFormat.RecordHeaderSize + payloadLength, length); // nothing written after it
                        }
                        else if (!CommandStamp.TryRead(payload, out _, out long sequence, out _)) problem = "the record is not a command frame";
                        else if (sequence != expected) problem = $"sequence {sequence} where {expected} was due";
                        else
                        {
                            if (sequence > afterSequence)
                            {
                                onRecord(payload, sequence);
                                records++;
                            }
                            expected++;
                            position += JournalFormat.RecordHeaderSize + payloadLength;
                            continue;
                        }
                    }
                }
                if (!(last && crashCut)) throw new JournalCorruptException(path, recordOffset, problem);
                return new JournalScan(expected - 1, records, path, recordOffset, length - recordOffset);
            }
            goodLength = length;
        }
        return new JournalScan(Math.Max(expected - 1, 0), records, segments.Count == 0 ? null : segments[^1].Path, goodLength, torn);
    }

    /// <summary>True when the file holds only zero bytes from <paramref name="from"/> to its end (true for an empty range).</summary>
    private static bool AllZero(FileStream file, long from, long length)
    {
        if (from >= length) return true;
        long position = file.Position;
        var chunk = new byte[1 << 16];
        try
        {
            file.Position = from;
            int read;
            while ((read = file.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (chunk.AsSpan(0, read).IndexOfAnyExcept((byte)0) >= 0) return false;
            }
            return true;
        }
        finally
        {
            file.Position = position;
        }
    }

    private static int Fill(FileStream file, byte[] buffer, int filled)
    {
        while (filled < buffer.Length)
        {
            int read = file.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}

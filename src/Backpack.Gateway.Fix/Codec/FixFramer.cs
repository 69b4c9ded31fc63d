namespace Backpack.Gateway.Fix.Codec;

public enum FrameStatus
{
    /// <summary>Not enough bytes yet.</summary>
    NeedMore,
    /// <summary>A whole message with a correct BodyLength and CheckSum is at the start.</summary>
    Message,
    /// <summary>The bytes at the start are not a valid message: drop <c>consumed</c> bytes (the reference: drop silently).</summary>
    Garbled,
    /// <summary>The message announces a body longer than the limit.</summary>
    TooLarge,
}

/// <summary>
/// Finds message boundaries in a byte stream: a message starts 8=...|9=len|35=, so its first three
/// fields are 8, 9, 35, and ends with 10=ddd| exactly len bytes after the BodyLength field; the
/// checksum is the sum of the bytes before 10= modulo 256. Anything else is garbled and skipped up
/// to where a message could start again (the next 8=FIX), so one bad message never poisons the stream.
/// </summary>
public static class FixFramer
{
    private static ReadOnlySpan<byte> Start => "8=FIX"u8;
    private static ReadOnlySpan<byte> MsgTypeTag => "35="u8;

    public static FrameStatus TryFrame(ReadOnlySpan<byte> buffer, int maxMessageSize, out int consumed)
    {
        consumed = 0;
        if (buffer.IsEmpty) return FrameStatus.NeedMore;
        if (!buffer.StartsWith(Start))
        {
            if (buffer.Length < Start.Length && Start.StartsWith(buffer)) return FrameStatus.NeedMore;
            consumed = NextStart(buffer, 1);
            return FrameStatus.Garbled;
        }
        int beginEnd = buffer.IndexOf(FixValues.Soh);
        if (beginEnd < 0) return buffer.Length > 32 ? Skip(buffer, out consumed) : FrameStatus.NeedMore;
        var rest = buffer[(beginEnd + 1)..];
        if (rest.Length < 2) return FrameStatus.NeedMore;
        if (rest[0] != (byte)'9' || rest[1] != (byte)'=') return Skip(buffer, out consumed);
        int lengthEnd = rest.IndexOf(FixValues.Soh);
        if (lengthEnd < 0) return rest.Length > 12 ? Skip(buffer, out consumed) : FrameStatus.NeedMore;
        if (!FixValues.TryParseInt(rest[2..lengthEnd], out int bodyLength) || bodyLength < 0) return Skip(buffer, out consumed);
        int bodyStart = beginEnd + 1 + lengthEnd + 1;
        if (bodyLength > maxMessageSize)
        {
            consumed = buffer.Length;
            return FrameStatus.TooLarge;
        }
        int checksumStart = bodyStart + bodyLength;
        int total = checksumStart + 7; // 10=ddd|
        if (buffer.Length < total)
        {
            // A wrong BodyLength can point far past the real end: if the real end has arrived, drop it now.
            int realEnd = FindChecksumEnd(buffer, bodyStart);
            if (realEnd > 0 && realEnd < total && NextStart(buffer, 1) < buffer.Length)
            {
                consumed = realEnd;
                return FrameStatus.Garbled;
            }
            return FrameStatus.NeedMore;
        }
        var trailer = buffer.Slice(checksumStart, 7);
        if (trailer[0] != (byte)'1' || trailer[1] != (byte)'0' || trailer[2] != (byte)'=' || trailer[6] != FixValues.Soh
            || buffer[checksumStart - 1] != FixValues.Soh
            || !FixValues.TryParseInt(trailer.Slice(3, 3), out int checksum)
            || checksum != FixValues.CheckSum(buffer[..checksumStart]))
        {
            int realEnd = FindChecksumEnd(buffer, bodyStart);
            consumed = realEnd > 0 ? realEnd : total;
            return FrameStatus.Garbled;
        }
        consumed = total;
        // The third field must be MsgType: a message that does not start 8, 9, 35 is garbled (dropped whole).
        return buffer[bodyStart..].StartsWith(MsgTypeTag) ? FrameStatus.Message : FrameStatus.Garbled;
    }

    private static FrameStatus Skip(ReadOnlySpan<byte> buffer, out int consumed)
    {
        consumed = NextStart(buffer, 1);
        return FrameStatus.Garbled;
    }

    /// <summary>The next position at or after <paramref name="from"/> where "8=FIX" starts (or the end).</summary>
    private static int NextStart(ReadOnlySpan<byte> buffer, int from)
    {
        if (from >= buffer.Length) return buffer.Length;
        int i = buffer[from..].IndexOf(Start);
        if (i >= 0) return from + i;
        // Keep a tail that could be the beginning of "8=FIX".
        for (int keep = Math.Min(Start.Length - 1, buffer.Length - from); keep > 0; keep--)
        {
            if (Start.StartsWith(buffer[^keep..])) return buffer.Length - keep;
        }
        return buffer.Length;
    }

    /// <summary>The end (after the SOH) of the first |10=ddd| at or after <paramref name="from"/>, or -1.</summary>
    private static int FindChecksumEnd(ReadOnlySpan<byte> buffer, int from)
    {
        ReadOnlySpan<byte> marker = "\u000110="u8;
        int search = Math.Max(0, from - 1);
        while (search < buffer.Length)
        {
            int i = buffer[search..].IndexOf(marker);
            if (i < 0) return -1;
            int at = search + i + 1;
            if (at + 7 <= buffer.Length && buffer[at + 6] == FixValues.Soh) return at + 7;
            search = at;
        }
        return -1;
    }
}

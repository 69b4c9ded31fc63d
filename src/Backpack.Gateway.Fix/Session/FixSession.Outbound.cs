using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Dictionary;

namespace Backpack.Gateway.Fix.Session;

/// <summary>What the session sends: the header, stored and admin sends, rejects, and ResendRequests served from the store.</summary>
public sealed partial class FixSession
{
    /// <summary>Starts a message with the standard header (MsgType, CompIDs, MsgSeqNum, SendingTime). The caller holds <see cref="Lock"/>.</summary>
    public FixWriter Begin(ReadOnlySpan<byte> msgType)
    {
        var w = new FixWriter(_scratch, msgType);
        w.Field(FixTags.SenderCompID, _senderCompId);
        w.Field(FixTags.TargetCompID, _targetCompId);
        w.Field(FixTags.MsgSeqNum, Store.NextSenderSeqNum);
        w.Timestamp(FixTags.SendingTime, _clock());
        if (_inbound is { } answered) ReverseRoute(ref w, answered);
        return w;
    }

    /// <summary>
    /// An answer to a message carries its routing fields reversed, as QuickFIX's reverseRoute:
    /// OnBehalfOf* (115/116/144) come back as DeliverTo* (128/129/145) and the other way round.
    /// </summary>
    private static void ReverseRoute(ref FixWriter w, FixMessage answered)
    {
        ReadOnlySpan<int> from = [FixTags.OnBehalfOfCompID, FixTags.OnBehalfOfSubID, FixTags.OnBehalfOfLocationID, FixTags.DeliverToCompID, FixTags.DeliverToSubID, FixTags.DeliverToLocationID];
        ReadOnlySpan<int> to = [FixTags.DeliverToCompID, FixTags.DeliverToSubID, FixTags.DeliverToLocationID, FixTags.OnBehalfOfCompID, FixTags.OnBehalfOfSubID, FixTags.OnBehalfOfLocationID];
        for (int i = 0; i < from.Length; i++)
        {
            if (answered.TryGet(from[i], out var value) && !value.IsEmpty) w.Field(to[i], value);
        }
    }

    /// <summary>Sends an application message: it is stored (for resends) and goes out if a client is logged on.</summary>
    public void Send(ref FixWriter writer)
    {
        var (start, length) = writer.Finish(BeginStringBytes);
        var bytes = _scratch.AsSpan(start, length);
        Store.Save(Store.NextSenderSeqNum, bytes);
        Store.NextSenderSeqNum++;
        if (IsLoggedOn) Transmit(bytes);
    }

    /// <summary>Sends an admin message: not stored (a resend replaces it with a gap fill).</summary>
    private void SendAdmin(ref FixWriter writer)
    {
        var (start, length) = writer.Finish(BeginStringBytes);
        Store.NextSenderSeqNum++;
        Transmit(_scratch.AsSpan(start, length));
    }

    private void Transmit(ReadOnlySpan<byte> bytes)
    {
        long now = _clock();
        if (Connection is { } connection)
        {
            _outbox.Add(connection, bytes);
            MessageLog?.Outgoing(bytes, now);
        }
        _lastSent = now;
    }

    /// <summary>
    /// After a batch of sends, by the thread that made them, once it has released <see cref="Lock"/>:
    /// makes the stored messages and sequence numbers durable, then writes the messages to the
    /// socket, so a client never sees a message the store could lose. Neither the disk nor the
    /// socket is written under the lock: one thread at a time is the flusher, takes what is
    /// staged (under the lock, briefly), writes it outside, and goes round again while other
    /// threads staged more meanwhile (they return at once and leave it to the flusher).
    /// </summary>
    public void Flush()
    {
        lock (Lock)
        {
            if (_flushing) return; // the flusher takes what this thread staged on its next round
            _flushing = true;
        }
        bool done = false;
        try
        {
            while (true)
            {
                StoreWrite? write;
                lock (Lock)
                {
                    write = Store.TakeWrite();
                    (_outbox, _delivering) = (_delivering, _outbox);
                    if (write is null && _delivering.IsEmpty)
                    {
                        _flushing = false;
                        done = true;
                        return;
                    }
                }
                try
                {
                    if (write is not null) Store.Write(write);
                    _delivering.Deliver();
                }
                catch
                {
                    lock (Lock) _delivering.Clear(); // the store could not write them: they never reach the client
                    throw;
                }
                lock (Lock)
                {
                    if (write is not null) Store.Written(write);
                    _delivering.Clear();
                }
            }
        }
        finally
        {
            if (!done)
            {
                lock (Lock) _flushing = false; // a write failed: the next flush tries again
            }
        }
    }

    private void SendResendRequest(int begin)
    {
        if (MessageLog is not null) LogEvent($"ResendRequest sent: BeginSeqNo {begin}, EndSeqNo 0");
        var w = Begin("2"u8);
        w.Field(FixTags.BeginSeqNo, begin);
        w.Field(FixTags.EndSeqNo, 0);
        SendAdmin(ref w);
    }

    /// <summary>A session-level Reject; RefTagID when a tag is at fault (any number the client wrote, 0 and negatives included).</summary>
    public void SendReject(int refSeqNum, FixMessage m, SessionRejectReason reason, int? refTagId, string text)
    {
        var w = Begin("3"u8);
        w.Field(FixTags.RefSeqNum, refSeqNum);
        if (refTagId is int tag) w.Field(FixTags.RefTagID, tag);
        if (!m.MsgType.IsEmpty) w.Field(FixTags.RefMsgType, m.MsgType);
        w.Field(FixTags.SessionRejectReason, (int)reason);
        w.Field(FixTags.Text, text);
        SendAdmin(ref w);
        if (MessageLog is not null) LogEvent($"Reject sent: RefSeqNum {refSeqNum}, SessionRejectReason {(int)reason}{(refTagId is int t ? $", RefTagID {t}" : "")}: {text}");
    }

    /// <summary>BusinessMessageReject (j), an application message.</summary>
    public void SendBusinessReject(int refSeqNum, FixMessage m, int reason, string text)
    {
        var w = Begin("j"u8);
        w.Field(FixTags.RefSeqNum, refSeqNum);
        w.Field(FixTags.RefMsgType, m.MsgType.IsEmpty ? "?"u8 : m.MsgType);
        w.Field(FixTags.BusinessRejectReason, reason);
        w.Field(FixTags.Text, text);
        Send(ref w);
        if (MessageLog is not null) LogEvent($"BusinessMessageReject sent: RefSeqNum {refSeqNum}, BusinessRejectReason {reason}: {text}");
    }

    private void ServeResendRequest(FixMessage m)
    {
        if (!m.TryGetInt(FixTags.BeginSeqNo, out int begin) || !m.TryGetInt(FixTags.EndSeqNo, out int end)) return;
        int last = Store.NextSenderSeqNum - 1;
        if (MessageLog is not null) LogEvent($"ResendRequest received: BeginSeqNo {begin}, EndSeqNo {end}; resending up to {last}");
        if (end == 0 || end > last) end = last;
        if (begin < 1) begin = 1;
        long now = _clock();
        foreach (var (seq, stored) in Store.Get(begin, end))
        {
            // Admin messages are not stored: the numbers between two stored messages become one gap fill.
            if (seq > begin) SendGapFill(begin, seq);
            Resend(stored, now);
            begin = seq + 1;
        }
        if (begin <= end) SendGapFill(begin, end + 1);
    }

    /// <summary>Resends a stored application message with PossDupFlag=Y and its original SendingTime as OrigSendingTime.</summary>
    private void Resend(byte[] stored, long now)
    {
        var original = _resent;
        original.Parse(stored, 0, stored.Length);
        original.TryGetInt(FixTags.MsgSeqNum, out int seq);
        var w = BeginPossDup(original.MsgType, seq, now);
        if (original.TryGet(FixTags.SendingTime, out var sent)) w.Field(FixTags.OrigSendingTime, sent);
        for (int i = 0; i < original.FieldCount; i++)
        {
            int tag = original.Field(i).Tag;
            if (tag is FixTags.BeginString or FixTags.BodyLength or FixTags.MsgType or FixTags.SenderCompID or FixTags.TargetCompID
                or FixTags.MsgSeqNum or FixTags.SendingTime or FixTags.PossDupFlag or FixTags.OrigSendingTime or FixTags.PossResend or FixTags.CheckSum)
            {
                continue;
            }
            w.Field(tag, original.Value(i));
        }
        var (start, length) = w.Finish(BeginStringBytes);
        Transmit(_scratch.AsSpan(start, length));
    }

    /// <summary>The header of a message sent again under an earlier sequence number: PossDupFlag=Y and a new SendingTime.</summary>
    private FixWriter BeginPossDup(ReadOnlySpan<byte> msgType, int seq, long now)
    {
        var w = new FixWriter(_scratch, msgType);
        w.Field(FixTags.SenderCompID, _senderCompId);
        w.Field(FixTags.TargetCompID, _targetCompId);
        w.Field(FixTags.MsgSeqNum, seq);
        w.Field(FixTags.PossDupFlag, true);
        w.Timestamp(FixTags.SendingTime, now);
        return w;
    }

    private void SendGapFill(int seq, int newSeq)
    {
        long now = _clock();
        var w = BeginPossDup("4"u8, seq, now);
        w.Timestamp(FixTags.OrigSendingTime, now);
        w.Field(FixTags.GapFillFlag, true);
        w.Field(FixTags.NewSeqNo, newSeq);
        var (start, length) = w.Finish(BeginStringBytes);
        Transmit(_scratch.AsSpan(start, length));
    }
}

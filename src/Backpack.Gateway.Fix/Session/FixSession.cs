using System.Text;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Dictionary;

namespace Backpack.Gateway.Fix.Session;

/// <summary>A client connection as a session sees it.</summary>
public interface IFixConnection
{
    string RemoteEndPoint { get; }

    /// <summary>Queues a message for the socket (never blocks).</summary>
    void Send(ReadOnlySpan<byte> message);

    /// <summary>Writes what was queued (never blocks: what the socket does not take goes out in the background).</summary>
    void Flush();

    /// <summary>Closes the connection after what is queued has been written.</summary>
    void Disconnect(string reason);
}

/// <summary>What the application behind a session does (the order gateway).</summary>
public interface IFixApplication
{
    /// <summary>Checks a Logon's credentials; null if accepted, else the reason for the Logout.</summary>
    string? Authenticate(FixSession session, FixMessage logon);

    void OnLogon(FixSession session);
    void OnLogout(FixSession session);

    /// <summary>A valid application message in sequence. Called under the session lock.</summary>
    void OnMessage(FixSession session, FixMessage message);
}

/// <summary>
/// One FIX 4.4 session, acceptor side (rules as the QuickFIX family applies them; docs/fix.md), independent of the socket it
/// is on: Logon checks, sequence numbers (gaps are asked for with one ResendRequest and the
/// messages after the gap kept aside until it fills), PossDup handling, CompID and SendingTime
/// checks, heartbeats and test requests, ResendRequest answered from the store (admin messages
/// as SequenceReset-GapFill), SequenceReset in both modes, Logout, and session-level Rejects.
/// Everything runs under <see cref="Lock"/>; messages sent while no client is connected are
/// stored and reach it on its next logon through sequence recovery.
/// </summary>
public sealed class FixSession
{
    private static readonly byte[] BeginStringBytes = "FIX.4.4"u8.ToArray();
    private readonly FixValidator _validator;
    private readonly IFixApplication _application;
    private readonly Func<long> _clock;
    private readonly byte[] _scratch = new byte[1 << 16];
    private readonly byte[] _senderCompId;
    private readonly byte[] _targetCompId;
    // Messages that arrived ahead of a gap, by sequence number, as received; parsed again (into
    // _replay) when their turn comes. Stored messages being resent are parsed into _resent.
    private readonly SortedDictionary<int, byte[]> _queued = [];
    private readonly FixMessage _replay = new();
    private readonly FixMessage _resent = new();
    private long _lastSent;
    private long _lastReceived;
    private long _logoutSentAt;
    private string? _pendingTestRequest;
    private int _testRequestCounter;
    private int _resendUpTo; // 0 = no ResendRequest outstanding
    private long _rateWindowStart;
    private int _rateCount;

    public FixSession(FixSessionSettings settings, IMessageStore store, FixDictionary dictionary, IFixApplication application, Func<long> clock)
    {
        Settings = settings;
        Store = store;
        _validator = new FixValidator(dictionary);
        _application = application;
        _clock = clock;
        _senderCompId = Encoding.ASCII.GetBytes(settings.SenderCompId);
        _targetCompId = Encoding.ASCII.GetBytes(settings.TargetCompId);
    }

    public FixSessionSettings Settings { get; }
    public IMessageStore Store { get; }
    public object Lock { get; } = new();
    public IFixConnection? Connection { get; private set; }
    public bool IsLoggedOn { get; private set; }
    public int HeartBtInt { get; private set; } = 30;

    /// <summary>Next sequence number expected from the client.</summary>
    public int ExpectedSeqNum => Store.NextTargetSeqNum;

    /// <summary>Next sequence number we send.</summary>
    public int NextSeqNum => Store.NextSenderSeqNum;

    public override string ToString() => Settings.Id;

    // ---------------------------------------------------------------- inbound

    /// <summary>A framed message from <paramref name="connection"/>. The caller holds <see cref="Lock"/>.</summary>
    public void OnMessage(FixMessage m, IFixConnection connection)
    {
        long now = _clock();
        if (!IsLoggedOn || !ReferenceEquals(connection, Connection))
        {
            if (m.IsMsgType("A")) HandleLogon(m, connection, now);
            else connection.Disconnect("First message is not a Logon");
            return;
        }
        _lastReceived = now;
        if (IsFlooding(now))
        {
            Logout("Message rate limit exceeded", disconnectNow: true);
            return;
        }
        if (!m.TryGet(FixTags.BeginString, out var begin) || !begin.SequenceEqual(BeginStringBytes))
        {
            Logout("Incorrect BeginString", disconnectNow: true);
            return;
        }
        if (!m.TryGetInt(FixTags.MsgSeqNum, out int seq))
        {
            Logout("MsgSeqNum missing", disconnectNow: true);
            return;
        }
        if (!HasOurCompIds(m))
        {
            SendReject(seq, m, SessionRejectReason.CompIdProblem, 0, "CompID problem");
            Logout("CompID problem", disconnectNow: false);
            return;
        }
        if (!SendingTimeAccurate(m, now))
        {
            SendReject(seq, m, SessionRejectReason.SendingTimeAccuracyProblem, FixTags.SendingTime, "SendingTime accuracy problem");
            Logout("SendingTime accuracy problem", disconnectNow: false);
            return;
        }

        // A ResendRequest is honoured even when its own sequence number is out of order.
        if (m.IsMsgType("2")) ServeResendRequest(m);
        // SequenceReset in reset mode ignores sequence numbers.
        if (m.IsMsgType("4") && !m.GetBool(FixTags.GapFillFlag))
        {
            HandleSequenceReset(m, seq);
            return;
        }
        int expected = Store.NextTargetSeqNum;
        if (seq > expected)
        {
            if (!_queued.ContainsKey(seq)) _queued[seq] = m.Bytes.ToArray();
            if (_resendUpTo == 0)
            {
                _resendUpTo = seq - 1;
                SendResendRequest(expected);
            }
            return;
        }
        if (seq < expected)
        {
            if (!m.GetBool(FixTags.PossDupFlag))
            {
                Logout($"MsgSeqNum too low, expecting {expected} but received {seq}", disconnectNow: true);
                return;
            }
            if (!m.TryGet(FixTags.OrigSendingTime, out var orig))
            {
                SendReject(seq, m, SessionRejectReason.RequiredTagMissing, FixTags.OrigSendingTime, "Required tag missing");
                return;
            }
            if (FixValues.TryParseTimestamp(orig, out long origTime) && m.TryGet(FixTags.SendingTime, out var sent)
                && FixValues.TryParseTimestamp(sent, out long sendingTime) && origTime > sendingTime)
            {
                SendReject(seq, m, SessionRejectReason.SendingTimeAccuracyProblem, FixTags.OrigSendingTime, "OrigSendingTime later than SendingTime");
                Logout("SendingTime accuracy problem", disconnectNow: false);
            }
            return; // a duplicate we already processed
        }
        ProcessInSequence(m, seq);
        DrainQueued();
    }

    private void ProcessInSequence(FixMessage m, int seq)
    {
        var definition = _validator.Dictionary.Message(m.MsgType);
        if (definition is null)
        {
            Store.NextTargetSeqNum = seq + 1;
            // Not a FIX 4.4 message type at all: session Reject 11; a real one we do not handle: BusinessMessageReject 3.
            if (!_validator.Dictionary.IsKnownMsgType(m.MsgType)) SendReject(seq, m, SessionRejectReason.InvalidMsgType, FixTags.MsgType, "Invalid MsgType");
            else SendBusinessReject(seq, m, 3, "Unsupported message type");
            return;
        }
        if (_validator.Validate(m, definition) is { } failure)
        {
            if (m.IsMsgType("4"))
            {
                SendReject(seq, m, failure.Reason, failure.RefTagId, failure.Text);
                return; // a rejected SequenceReset does not advance the sequence
            }
            Store.NextTargetSeqNum = seq + 1;
            SendReject(seq, m, failure.Reason, failure.RefTagId, failure.Text);
            return;
        }
        switch ((char)m.MsgType[0], m.MsgType.Length)
        {
            case ('0', 1): // Heartbeat
                Store.NextTargetSeqNum = seq + 1;
                if (_pendingTestRequest is not null && m.TryGet(FixTags.TestReqID, out var id) && Matches(id, _pendingTestRequest)) _pendingTestRequest = null;
                break;
            case ('1', 1): // TestRequest
                Store.NextTargetSeqNum = seq + 1;
                m.TryGet(FixTags.TestReqID, out var testReqId);
                var hb = Begin("0"u8);
                hb.Field(FixTags.TestReqID, testReqId);
                SendAdmin(ref hb);
                break;
            case ('2', 1): // ResendRequest (already served)
            case ('3', 1): // Reject
                Store.NextTargetSeqNum = seq + 1;
                break;
            case ('4', 1): // SequenceReset-GapFill
                HandleSequenceReset(m, seq);
                break;
            case ('5', 1): // Logout
                Store.NextTargetSeqNum = seq + 1;
                if (_logoutSentAt == 0)
                {
                    var logout = Begin("5"u8);
                    SendAdmin(ref logout);
                }
                Disconnect("Logout");
                break;
            case ('A', 1): // Logon while logged on
                Store.NextTargetSeqNum = seq + 1;
                SendReject(seq, m, SessionRejectReason.ValueIsIncorrect, FixTags.MsgType, "Already logged on");
                break;
            default:
                Store.NextTargetSeqNum = seq + 1;
                _application.OnMessage(this, m);
                break;
        }
        if (_resendUpTo != 0 && Store.NextTargetSeqNum > _resendUpTo) _resendUpTo = 0;
    }

    private void DrainQueued()
    {
        while (IsLoggedOn && _queued.Count > 0)
        {
            int expected = Store.NextTargetSeqNum;
            int first = _queued.Keys.First();
            if (first < expected)
            {
                _queued.Remove(first);
                continue;
            }
            if (first > expected) break;
            byte[] bytes = _queued[first];
            _queued.Remove(first);
            _replay.Parse(bytes, 0, bytes.Length);
            ProcessInSequence(_replay, first);
        }
        if (_resendUpTo != 0 && _queued.Count == 0 && Store.NextTargetSeqNum > _resendUpTo) _resendUpTo = 0;
    }

    private void HandleSequenceReset(FixMessage m, int seq)
    {
        if (!m.TryGetInt(FixTags.NewSeqNo, out int newSeq))
        {
            SendReject(seq, m, SessionRejectReason.RequiredTagMissing, FixTags.NewSeqNo, "Required tag missing");
            return;
        }
        if (newSeq < Store.NextTargetSeqNum)
        {
            SendReject(seq, m, SessionRejectReason.ValueIsIncorrect, FixTags.NewSeqNo, "NewSeqNo is lower than the expected sequence number");
            return;
        }
        Store.NextTargetSeqNum = newSeq;
        if (_resendUpTo != 0 && newSeq > _resendUpTo) _resendUpTo = 0;
        Flush();
    }

    private void HandleLogon(FixMessage m, IFixConnection connection, long now)
    {
        if (IsLoggedOn)
        {
            connection.Disconnect("Session already logged on from " + Connection?.RemoteEndPoint);
            return;
        }
        if (!m.TryGet(FixTags.BeginString, out var begin) || !begin.SequenceEqual(BeginStringBytes))
        {
            connection.Disconnect("Incorrect BeginString");
            return;
        }
        if (!SendingTimeAccurate(m, now))
        {
            connection.Disconnect("SendingTime accuracy problem");
            return;
        }
        Connection = connection;
        var definition = _validator.Dictionary.Message("A"u8)!;
        if (_validator.Validate(m, definition) is { } failure)
        {
            LogoutAndClose($"Invalid Logon: {failure.Text} (tag {failure.RefTagId})");
            return;
        }
        m.TryGetInt(FixTags.HeartBtInt, out int heartBtInt);
        if (heartBtInt < Settings.MinHeartBtInt || heartBtInt > Settings.MaxHeartBtInt)
        {
            LogoutAndClose($"HeartBtInt must be between {Settings.MinHeartBtInt} and {Settings.MaxHeartBtInt}");
            return;
        }
        if (_application.Authenticate(this, m) is { } reason)
        {
            LogoutAndClose(reason);
            return;
        }
        bool reset = m.GetBool(FixTags.ResetSeqNumFlag) || Settings.ResetOnLogon;
        if (reset) Store.Reset();
        m.TryGetInt(FixTags.MsgSeqNum, out int seq);
        int expected = Store.NextTargetSeqNum;
        if (seq < expected)
        {
            LogoutAndClose($"MsgSeqNum too low, expecting {expected} but received {seq}");
            return;
        }
        IsLoggedOn = true;
        HeartBtInt = heartBtInt;
        _lastReceived = now;
        _logoutSentAt = 0;
        _pendingTestRequest = null;
        _queued.Clear();
        _resendUpTo = 0;
        var reply = Begin("A"u8);
        reply.Field(FixTags.EncryptMethod, 0);
        reply.Field(FixTags.HeartBtInt, heartBtInt);
        if (reset) reply.Field(FixTags.ResetSeqNumFlag, true);
        SendAdmin(ref reply);
        if (seq > expected)
        {
            _resendUpTo = seq; // the Logon itself comes back as part of the gap fill
            SendResendRequest(expected);
        }
        else
        {
            Store.NextTargetSeqNum = seq + 1;
        }
        Flush();
        _application.OnLogon(this);
    }

    // ---------------------------------------------------------------- outbound

    /// <summary>Starts a message with the standard header (MsgType, CompIDs, MsgSeqNum, SendingTime). The caller holds <see cref="Lock"/>.</summary>
    public FixWriter Begin(ReadOnlySpan<byte> msgType)
    {
        var w = new FixWriter(_scratch, msgType);
        w.Field(FixTags.SenderCompID, _senderCompId);
        w.Field(FixTags.TargetCompID, _targetCompId);
        w.Field(FixTags.MsgSeqNum, Store.NextSenderSeqNum);
        w.Timestamp(FixTags.SendingTime, _clock());
        return w;
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
        Connection?.Send(bytes);
        _lastSent = _clock();
    }

    /// <summary>
    /// After a batch of sends: makes the stored messages and sequence numbers durable, then writes
    /// the batch to the socket, so a client never sees a message the store could lose.
    /// </summary>
    public void Flush()
    {
        Store.Flush();
        Connection?.Flush();
    }

    private void SendResendRequest(int begin)
    {
        var w = Begin("2"u8);
        w.Field(FixTags.BeginSeqNo, begin);
        w.Field(FixTags.EndSeqNo, 0);
        SendAdmin(ref w);
    }

    public void SendReject(int refSeqNum, FixMessage m, SessionRejectReason reason, int refTagId, string text)
    {
        var w = Begin("3"u8);
        w.Field(FixTags.RefSeqNum, refSeqNum);
        if (refTagId > 0) w.Field(FixTags.RefTagID, refTagId);
        if (!m.MsgType.IsEmpty) w.Field(FixTags.RefMsgType, m.MsgType);
        w.Field(FixTags.SessionRejectReason, (int)reason);
        w.Field(FixTags.Text, text);
        SendAdmin(ref w);
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
    }

    private void ServeResendRequest(FixMessage m)
    {
        if (!m.TryGetInt(FixTags.BeginSeqNo, out int begin) || !m.TryGetInt(FixTags.EndSeqNo, out int end)) return;
        int last = Store.NextSenderSeqNum - 1;
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

    /// <summary>Sends Logout with a reason; disconnects at once, or after the client's reply (or the logout timeout).</summary>
    public void Logout(string text, bool disconnectNow = false)
    {
        if (Connection is null) return;
        if (_logoutSentAt == 0)
        {
            var w = Begin("5"u8);
            w.Field(FixTags.Text, text);
            SendAdmin(ref w);
            _logoutSentAt = _clock();
        }
        Flush();
        if (disconnectNow) Disconnect(text);
    }

    private void LogoutAndClose(string text)
    {
        var w = Begin("5"u8);
        w.Field(FixTags.Text, text);
        SendAdmin(ref w);
        Flush();
        var connection = Connection;
        Connection = null;
        connection?.Disconnect(text);
    }

    // ---------------------------------------------------------------- time and connection

    /// <summary>Heartbeats, test requests, dead-peer and logout timeouts (call every ~100 ms). The caller holds <see cref="Lock"/>.</summary>
    public void OnTimer()
    {
        if (!IsLoggedOn) return;
        long now = _clock();
        long heartbeat = HeartBtInt * 1_000_000L;
        if (_logoutSentAt != 0)
        {
            if (now - _logoutSentAt >= (long)Settings.LogoutTimeout.TotalMicroseconds) Disconnect("Logout timeout");
            return;
        }
        if (now - _lastReceived >= heartbeat * 24 / 10)
        {
            Disconnect("No message received within 2.4 x HeartBtInt");
            return;
        }
        if (now - _lastReceived >= heartbeat * 12 / 10 && _pendingTestRequest is null)
        {
            _pendingTestRequest = "TEST" + (++_testRequestCounter);
            var w = Begin("1"u8);
            w.Field(FixTags.TestReqID, _pendingTestRequest);
            SendAdmin(ref w);
        }
        if (now - _lastSent >= heartbeat)
        {
            var w = Begin("0"u8);
            SendAdmin(ref w);
        }
    }

    /// <summary>The connection went away (the caller holds <see cref="Lock"/>).</summary>
    public void OnDisconnected(IFixConnection connection)
    {
        if (!ReferenceEquals(connection, Connection)) return;
        bool wasLoggedOn = IsLoggedOn;
        IsLoggedOn = false;
        Connection = null;
        _queued.Clear();
        _resendUpTo = 0;
        _logoutSentAt = 0;
        Flush();
        if (wasLoggedOn) _application.OnLogout(this);
    }

    private void Disconnect(string reason)
    {
        var connection = Connection;
        Flush();
        if (connection is null) return;
        OnDisconnected(connection);
        connection.Disconnect(reason);
    }

    private bool HasOurCompIds(FixMessage m) =>
        m.TryGet(FixTags.SenderCompID, out var sender) && sender.SequenceEqual(_targetCompId)
        && m.TryGet(FixTags.TargetCompID, out var target) && target.SequenceEqual(_senderCompId);

    private bool SendingTimeAccurate(FixMessage m, long now) =>
        m.TryGet(FixTags.SendingTime, out var text) && FixValues.TryParseTimestamp(text, out long sent)
        && Math.Abs(sent - now) <= (long)Settings.SendingTimeTolerance.TotalMicroseconds;

    private bool IsFlooding(long now)
    {
        if (Settings.MaxMessagesPerSecond <= 0) return false;
        if (now - _rateWindowStart >= 1_000_000)
        {
            _rateWindowStart = now;
            _rateCount = 0;
        }
        return ++_rateCount > Settings.MaxMessagesPerSecond;
    }

    private static bool Matches(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length) return false;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i]) return false;
        }
        return true;
    }
}

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

    /// <summary>Writes what was queued (never blocks, holds no lock across the send: what the socket does not take goes out in the background).</summary>
    void Flush();

    /// <summary>Closes the connection after what is queued has been written (the session asks through its flusher, after the messages before it).</summary>
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

    /// <summary>
    /// Called on the connection's reader before each inbound message, outside the session lock:
    /// where the application may wait (the gateway waits there for room in the engine's ring, so
    /// nothing under the lock ever does).
    /// </summary>
    void BeforeMessage() { }
}

/// <summary>
/// One FIX 4.4 session, acceptor side (rules as the QuickFIX family applies them; docs/fix.md), independent of the socket it
/// is on: Logon checks, sequence numbers (gaps are asked for with one ResendRequest and the
/// messages after the gap kept aside until it fills), PossDup handling, CompID and SendingTime
/// checks, heartbeats and test requests, ResendRequest answered from the store (admin messages
/// as SequenceReset-GapFill), SequenceReset in both modes, a sequence reset in session, Logout,
/// session-level Rejects, and routing fields reversed on answers. Everything runs under
/// <see cref="Lock"/> except the writing: what is sent is staged under it (store and socket), and
/// <see cref="Flush"/>, called after the lock is released, writes the store and then the socket
/// with no lock held (FixSession.Outbound.cs). Messages sent while no client is connected are stored and reach it on its
/// next logon through sequence recovery. The parts: inbound and sequence numbers here; the Logon
/// (FixSession.Logon.cs); what is sent (FixSession.Outbound.cs); time, Logout and disconnect
/// (FixSession.Timer.cs); the message log (FixSession.Log.cs, MessageLog.cs).
/// </summary>
public sealed partial class FixSession
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
    // Sent and not yet handed to a socket (under Lock), and what the flusher is delivering (FixSession.Outbound.cs).
    private Outbox _outbox = new();
    private Outbox _delivering = new();
    private bool _flushing;
    private long _lastSent;
    private long _lastReceived;
    private long _logoutSentAt;
    private string? _pendingTestRequest;
    private int _testRequestCounter;
    private int _resendUpTo; // 0 = no ResendRequest outstanding
    private long _rateWindowStart;
    private int _rateCount;
    // The message being processed, while it is: its answers carry its routing fields reversed.
    private FixMessage? _inbound;

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
    /// <summary>Before <see cref="OnMessage"/>, outside <see cref="Lock"/>: lets the application wait for capacity.</summary>
    public void BeforeMessage() => _application.BeforeMessage();

    public void OnMessage(FixMessage m, IFixConnection connection)
    {
        // Answers to this message carry its routing fields reversed (Begin); cleared however it ends.
        _inbound = m;
        long now = _clock();
        MessageLog?.Incoming(m.Bytes, now);
        try
        {
            Receive(m, connection, now);
        }
        finally
        {
            _inbound = null;
        }
    }

    private void Receive(FixMessage m, IFixConnection connection, long now)
    {
        if (!IsLoggedOn || !ReferenceEquals(connection, Connection))
        {
            if (m.IsMsgType("A")) HandleLogon(m, connection, now);
            else _outbox.Close(connection, "First message is not a Logon"); // after anything still staged for it (a Logout)
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
        OnLoggedOnMessage(m, seq, now);
    }

    private void OnLoggedOnMessage(FixMessage m, int seq, long now)
    {
        int expected = Store.NextTargetSeqNum;
        if (FixValidator.CheckSessionHeader(m) is { } missing)
        {
            // As QuickFIX: a Reject naming the header field; the message counts when it was the one expected.
            SendReject(seq, m, missing.Reason, missing.RefTagId, missing.Text);
            if (seq == expected) Store.NextTargetSeqNum = seq + 1;
            return;
        }
        if (!HasOurCompIds(m))
        {
            RejectAndLogout(m, seq, SessionRejectReason.CompIdProblem, null, "CompID problem");
            return;
        }
        if (!SendingTimeAccurate(m, now))
        {
            RejectAndLogout(m, seq, SessionRejectReason.SendingTimeAccuracyProblem, FixTags.SendingTime, "SendingTime accuracy problem");
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
        // A Logon with ResetSeqNumFlag=Y while logged on: sequence reset in session.
        if (m.IsMsgType("A") && m.GetBool(FixTags.ResetSeqNumFlag))
        {
            HandleResetLogon(m, seq);
            return;
        }
        if (seq > expected)
        {
            // A Logout is not held up by a gap: the session ends, and the gap is asked for on the next Logon.
            if (m.IsMsgType("5"))
            {
                AnswerLogoutAndDisconnect();
                return;
            }
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

    /// <summary>
    /// A CompID or SendingTime problem: Reject, then Logout. As QuickFIX, the bad message still
    /// counts when it was the one expected, so the client's Logout reply is in sequence and ends the
    /// session instead of drawing a ResendRequest.
    /// </summary>
    private void RejectAndLogout(FixMessage m, int seq, SessionRejectReason reason, int? refTagId, string text)
    {
        SendReject(seq, m, reason, refTagId, text);
        if (seq == Store.NextTargetSeqNum) Store.NextTargetSeqNum = seq + 1;
        Logout(text, disconnectNow: false);
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
                Store.NextTargetSeqNum = seq + 1;
                break;
            case ('3', 1): // Reject
                Store.NextTargetSeqNum = seq + 1;
                if (MessageLog is not null) LogEvent($"Reject received: RefSeqNum {(m.TryGetInt(FixTags.RefSeqNum, out int refSeq) ? refSeq : 0)}");
                break;
            case ('4', 1): // SequenceReset-GapFill
                HandleSequenceReset(m, seq);
                break;
            case ('5', 1): // Logout
                Store.NextTargetSeqNum = seq + 1;
                AnswerLogoutAndDisconnect();
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
            _inbound = _replay;
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
        if (MessageLog is not null) LogEvent($"SequenceReset{(m.GetBool(FixTags.GapFillFlag) ? "-GapFill" : "")} received: next expected {Store.NextTargetSeqNum} -> {newSeq}");
        Store.NextTargetSeqNum = newSeq;
        if (_resendUpTo != 0 && newSeq > _resendUpTo) _resendUpTo = 0;
    }
}

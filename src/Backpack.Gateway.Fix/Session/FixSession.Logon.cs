using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Session;

/// <summary>Logon: the checks of a first Logon, the reply, and a Logon that resets the sequence numbers in session.</summary>
public sealed partial class FixSession
{
    private void HandleLogon(FixMessage m, IFixConnection connection, long now)
    {
        string? refusal = IsLoggedOn ? "Session already logged on from " + Connection?.RemoteEndPoint
            : !m.TryGet(FixTags.BeginString, out var begin) || !begin.SequenceEqual(BeginStringBytes) ? "Incorrect BeginString"
            : !SendingTimeAccurate(m, now) ? "SendingTime accuracy problem"
            : null;
        if (refusal is not null)
        {
            LogEvent($"Logon from {connection.RemoteEndPoint} refused, disconnected: {refusal}");
            _outbox.Close(connection, refusal);
            return;
        }
        Connection = connection;
        if (CheckLogon(m, out int heartBtInt) is { } refused)
        {
            LogoutAndClose(refused);
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
        if (MessageLog is not null) LogEvent($"Logon from {connection.RemoteEndPoint}: HeartBtInt {heartBtInt}{(reset ? ", sequence numbers reset" : "")}, MsgSeqNum {seq} (expected {expected}), next to send {Store.NextSenderSeqNum}");
        AnswerLogon(seq, heartBtInt, reset);
        _application.OnLogon(this);
    }

    /// <summary>
    /// A Logon with ResetSeqNumFlag=Y while logged on (sequence reset in session, as QuickFIX):
    /// checked like a first Logon, then both sides restart at 1 and it is answered with a Logon
    /// carrying 141=Y under MsgSeqNum 1. Messages kept aside for a gap and an outstanding
    /// ResendRequest belong to the old numbering and are dropped.
    /// </summary>
    private void HandleResetLogon(FixMessage m, int seq)
    {
        if (CheckLogon(m, out int heartBtInt) is { } refused)
        {
            Logout(refused, disconnectNow: true);
            return;
        }
        LogEvent("Logon with ResetSeqNumFlag=Y while logged on: sequence numbers reset to 1");
        Store.Reset();
        _queued.Clear();
        _resendUpTo = 0;
        _pendingTestRequest = null;
        HeartBtInt = heartBtInt;
        AnswerLogon(seq, heartBtInt, reset: true);
    }

    /// <summary>The checks every Logon passes: the dictionary, HeartBtInt within the limits, the application's authentication. Null when accepted, else the reason.</summary>
    private string? CheckLogon(FixMessage m, out int heartBtInt)
    {
        heartBtInt = 0;
        var definition = _validator.Dictionary.Message("A"u8)!;
        if (_validator.Validate(m, definition) is { } failure) return $"Invalid Logon: {failure.Text} (tag {failure.RefTagId})";
        m.TryGetInt(FixTags.HeartBtInt, out heartBtInt);
        if (heartBtInt < Settings.MinHeartBtInt || heartBtInt > Settings.MaxHeartBtInt)
        {
            return $"HeartBtInt must be between {Settings.MinHeartBtInt} and {Settings.MaxHeartBtInt}";
        }
        return _application.Authenticate(this, m);
    }

    /// <summary>The Logon reply (EncryptMethod 0, the client's HeartBtInt, 141=Y after a reset); a ResendRequest follows when the Logon's MsgSeqNum is ahead.</summary>
    private void AnswerLogon(int seq, int heartBtInt, bool reset)
    {
        int expected = Store.NextTargetSeqNum;
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
    }
}

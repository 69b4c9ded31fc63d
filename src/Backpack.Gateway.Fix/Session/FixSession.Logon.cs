using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Session;

/// <summary>Logon: the checks of a first Logon and the reply.</summary>
public sealed partial class FixSession
{
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
}

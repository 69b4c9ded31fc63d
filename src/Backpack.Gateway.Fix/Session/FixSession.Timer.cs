using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Session;

/// <summary>Time and the connection: heartbeats, test requests, timeouts, Logout and disconnect.</summary>
public sealed partial class FixSession
{
    /// <summary>Sends Logout with a reason; disconnects at once, or after the client's reply (or the logout timeout). The caller holds <see cref="Lock"/> and calls <see cref="Flush"/> after releasing it.</summary>
    public void Logout(string text, bool disconnectNow = false)
    {
        if (Connection is null) return;
        if (_logoutSentAt == 0)
        {
            var w = Begin("5"u8);
            w.Field(FixTags.Text, text);
            SendAdmin(ref w);
            _logoutSentAt = _clock();
            LogEvent("Logout sent: " + text);
        }
        if (disconnectNow) Disconnect(text);
    }

    /// <summary>The client's Logout: answered with ours unless we sent one first, then the connection closes.</summary>
    private void AnswerLogoutAndDisconnect()
    {
        LogEvent(_logoutSentAt == 0 ? "Logout received; answered" : "Logout received (answer to ours)");
        if (_logoutSentAt == 0)
        {
            var logout = Begin("5"u8);
            SendAdmin(ref logout);
        }
        Disconnect("Logout");
    }

    private void LogoutAndClose(string text)
    {
        LogEvent("Logon refused, Logout sent: " + text);
        var w = Begin("5"u8);
        w.Field(FixTags.Text, text);
        SendAdmin(ref w);
        var connection = Connection;
        Connection = null;
        if (connection is not null) _outbox.Close(connection, text); // after the Logout, once the flusher has sent it
    }


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
        LogEvent(wasLoggedOn ? "Disconnected" : "Disconnected (not logged on)");
        if (wasLoggedOn) _application.OnLogout(this);
    }

    private void Disconnect(string reason)
    {
        var connection = Connection;
        if (connection is null) return;
        LogEvent("Disconnecting: " + reason);
        OnDisconnected(connection);
        _outbox.Close(connection, reason); // after what was sent to it, once the flusher has sent that
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

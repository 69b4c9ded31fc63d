using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.LoadTests.Clients;

/// <summary>
/// A FIX 4.4 initiator on our own codec (FixWriter, FixFramer, FixMessage): it connects, logs on
/// with an Ed25519-signed Logon (RawData, as docs/fix.md describes) and a sequence reset, keeps
/// the sequence numbers, answers TestRequests, sends Heartbeats when idle, and hands every
/// application message to its handler with the moment it arrived. It does not resend: over one
/// TCP connection for the length of a run nothing is lost, and a sequence gap is counted.
/// </summary>
public sealed class FixInitiator : IDisposable
{
    public delegate void BodyWriter<TState>(ref FixWriter w, TState state);
    public delegate void MessageHandler(FixMessage message, long receivedTicks, long receivedMicros);

    private static readonly byte[] BeginString = "FIX.4.4"u8.ToArray();
    private readonly Socket _socket;
    private readonly object _sendLock = new();
    private readonly byte[] _sendBuffer = new byte[64 * 1024];
    private readonly MessageHandler _handler;
    private readonly TaskCompletionSource<string?> _logon = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _reader;
    private Timer? _heartbeat;
    private int _nextOutgoing = 1, _expectedIncoming = 1;
    private long _lastSentTicks;
    private int _heartBtInt = 30;

    public FixInitiator(IPEndPoint endpoint, string senderCompId, string targetCompId, MessageHandler handler)
    {
        SenderCompId = senderCompId;
        TargetCompId = targetCompId;
        _handler = handler;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(endpoint);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "fix-" + senderCompId };
        _reader.Start();
    }

    public string SenderCompId { get; }
    public string TargetCompId { get; }

    /// <summary>Messages whose MsgSeqNum was not the one expected.</summary>
    public int SequenceGaps { get; private set; }

    /// <summary>Session-level Rejects (3) and BusinessMessageRejects (j) received.</summary>
    public int Rejects { get; private set; }

    /// <summary>Completes when the connection ends; its result says why.</summary>
    public Task<string> Closed => _closed.Task;

    /// <summary>Logs on with a signed Logon asking for a sequence reset; throws if the gateway refuses.</summary>
    public async Task LogOnAsync(byte[] privateKey, int heartBtInt, CancellationToken cancellation)
    {
        _heartBtInt = heartBtInt;
        string user = Convert.ToBase64String(Ed25519.PublicKeyOf(privateKey));
        lock (_sendLock)
        {
            int seq = _nextOutgoing;
            string sendingTime = Timestamp(RunClock.UnixMicros());
            string signature = Convert.ToBase64String(Ed25519.Sign(privateKey, LogonSignature.PreHash(sendingTime, seq, SenderCompId, TargetCompId, user)));
            var w = Begin("A"u8, sendingTime);
            w.Field(FixTags.EncryptMethod, 0);
            w.Field(FixTags.HeartBtInt, heartBtInt);
            w.Field(FixTags.ResetSeqNumFlag, true);
            w.Field(FixTags.Username, user);
            w.Field(FixTags.RawDataLength, signature.Length);
            w.Field(FixTags.RawData, signature);
            Finish(ref w);
        }
        string? refused = await _logon.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellation);
        if (refused is not null) throw new InvalidOperationException($"{SenderCompId}: logon refused: {refused}");
        _heartbeat = new Timer(_ => HeartbeatIfIdle(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Sends one application message; <paramref name="body"/> writes the fields after the header.</summary>
    public void Send<TState>(ReadOnlySpan<byte> msgType, TState state, BodyWriter<TState> body)
    {
        lock (_sendLock)
        {
            var w = Begin(msgType, Timestamp(RunClock.UnixMicros()));
            body(ref w, state);
            Finish(ref w);
        }
    }

    /// <summary>Logs out and waits (briefly) for the gateway's Logout.</summary>
    public void LogOut()
    {
        if (!_logon.Task.IsCompletedSuccessfully || _closed.Task.IsCompleted) return;
        try
        {
            Send("5"u8, 0, static (ref FixWriter w, int _) => w.Field(FixTags.Text, "load test done"));
            _closed.Task.Wait(TimeSpan.FromSeconds(3));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or AggregateException)
        {
        }
    }

    private FixWriter Begin(ReadOnlySpan<byte> msgType, string sendingTime)
    {
        var w = new FixWriter(_sendBuffer, msgType);
        w.Field(FixTags.SenderCompID, SenderCompId);
        w.Field(FixTags.TargetCompID, TargetCompId);
        w.Field(FixTags.MsgSeqNum, _nextOutgoing++);
        w.Field(FixTags.SendingTime, sendingTime);
        return w;
    }

    private void Finish(ref FixWriter w)
    {
        var (start, length) = w.Finish(BeginString);
        _socket.Send(_sendBuffer.AsSpan(start, length));
        _lastSentTicks = Stopwatch.GetTimestamp();
    }

    private void HeartbeatIfIdle()
    {
        try
        {
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSentTicks)) < TimeSpan.FromSeconds(_heartBtInt * 0.8)) return;
            Send("0"u8, 0, static (ref FixWriter _, int _) => { });
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void ReadLoop()
    {
        byte[] buffer = new byte[1 << 20];
        int filled = 0;
        var message = new FixMessage();
        string reason = "closed by the gateway";
        try
        {
            while (true)
            {
                int read = _socket.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                if (read == 0) break;
                filled += read;
                long ticks = Stopwatch.GetTimestamp();
                long micros = RunClock.UnixMicros();
                int offset = 0;
                while (true)
                {
                    var status = FixFramer.TryFrame(buffer.AsSpan(offset, filled - offset), buffer.Length, out int consumed);
                    if (status == FrameStatus.NeedMore) break;
                    if (status == FrameStatus.Message)
                    {
                        message.Parse(buffer, offset, consumed);
                        OnMessage(message, ticks, micros);
                    }
                    offset += consumed;
                }
                Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                filled -= offset;
                if (filled == buffer.Length) throw new InvalidDataException("a FIX message larger than 1 MiB");
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidDataException)
        {
            reason = e.Message;
        }
        finally
        {
            _logon.TrySetResult("the connection closed before the Logon was answered");
            _closed.TrySetResult(reason);
        }
    }

    private void OnMessage(FixMessage m, long ticks, long micros)
    {
        if (m.TryGetInt(FixTags.MsgSeqNum, out int seq))
        {
            if (seq != _expectedIncoming && !m.IsMsgType("A")) SequenceGaps++;
            _expectedIncoming = seq + 1;
        }
        if (m.IsMsgType("0")) return;
        if (m.IsMsgType("A"))
        {
            _logon.TrySetResult(null);
            return;
        }
        if (m.IsMsgType("1"))
        {
            // Answered off the reading thread: a sender blocked on a full socket must not wait for this reader.
            string id = m.GetString(FixTags.TestReqID) ?? "";
            ThreadPool.QueueUserWorkItem(_ => Heartbeat(id));
            return;
        }
        if (m.IsMsgType("5"))
        {
            _logon.TrySetResult("Logout: " + m.GetString(FixTags.Text));
            _closed.TrySetResult("Logout from the gateway: " + m.GetString(FixTags.Text));
            return;
        }
        if (m.IsMsgType("3") || m.IsMsgType("j")) Rejects++;
        try
        {
            _handler(m, ticks, micros);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            HandlerErrors++;
            FirstHandlerError ??= $"{e.Message} in {m}";
        }
    }

    /// <summary>Messages the handler could not take (a bad value); the first is kept for the report.</summary>
    public int HandlerErrors { get; private set; }
    public string? FirstHandlerError { get; private set; }

    private void Heartbeat(string testReqId)
    {
        try
        {
            Send("0"u8, testReqId, static (ref FixWriter w, string id) => w.Field(FixTags.TestReqID, id));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private static string Timestamp(long unixMicros)
    {
        Span<byte> text = stackalloc byte[32];
        int n = FixValues.WriteTimestamp(text, unixMicros);
        return Encoding.ASCII.GetString(text[..n]);
    }

    public void Dispose()
    {
        _heartbeat?.Dispose();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        _socket.Dispose();
    }
}

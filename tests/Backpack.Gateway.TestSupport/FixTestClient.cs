using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.TestSupport;

/// <summary>
/// A bare FIX client over a real socket, for testing the acceptor rule by rule: it builds any
/// message (right or deliberately wrong: sequence numbers, CompIDs, times, fields), keeps its own
/// outgoing sequence, and reads and frames what comes back.
/// </summary>
public sealed class FixTestClient : IDisposable
{
    private readonly TcpClient? _tcp;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[1 << 16];
    private int _filled;
    private readonly byte[] _write = new byte[4 << 20];

    /// <param name="tls">when given, the connection is TLS (the handshake runs here and throws if it fails)</param>
    public FixTestClient(IPEndPoint endpoint, string compId, byte[] privateKey, SslClientAuthenticationOptions? tls = null)
    {
        CompId = compId;
        PrivateKey = privateKey;
        _tcp = new TcpClient { NoDelay = true };
        _tcp.Connect(endpoint);
        if (tls is null)
        {
            _stream = _tcp.GetStream();
            return;
        }
        var ssl = new SslStream(_tcp.GetStream());
        try
        {
            ssl.AuthenticateAsClient(tls);
        }
        catch
        {
            ssl.Dispose();
            _tcp.Dispose();
            throw;
        }
        _stream = ssl;
    }

    private FixTestClient(string compId, byte[] privateKey)
    {
        CompId = compId;
        PrivateKey = privateKey;
        _stream = Stream.Null;
    }

    /// <summary>A client that only builds messages (for another program to send: openssl s_client, a raw socket).</summary>
    public static FixTestClient Builder(string compId, byte[] privateKey) => new(compId, privateKey);

    public string CompId { get; }
    public byte[] PrivateKey { get; }
    public string TargetCompId { get; set; } = "BACKPACK";
    public int NextSeq { get; set; } = 1;

    /// <summary>Every message received so far (including those skipped by Expect).</summary>
    public List<FixMessage> Received { get; } = [];

    public static string Now(long offsetMicros = 0)
    {
        Span<byte> text = stackalloc byte[32];
        int n = FixValues.WriteTimestamp(text, (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10 + offsetMicros);
        return Encoding.ASCII.GetString(text[..n]);
    }

    /// <summary>The fields of a limit NewOrderSingle.</summary>
    public static (int Tag, string Value)[] LimitOrder(string clOrdId, char side, string qty, string price, string symbol = "SOL_USDC_PERP") =>
    [
        (FixTags.ClOrdID, clOrdId), (FixTags.Symbol, symbol), (FixTags.Side, side.ToString()), (FixTags.TransactTime, Now()),
        (FixTags.OrderQty, qty), (FixTags.OrdType, "2"), (FixTags.Price, price),
    ];

    /// <summary>Logs on (signed unless told otherwise, with the <paramref name="extra"/> fields) and returns the gateway's reply.</summary>
    public FixMessage Logon(int heartBtInt = 30, bool reset = true, bool sign = true, string? username = null, byte[]? signWith = null, int? seq = null,
        params (int Tag, string Value)[] extra)
    {
        SendRaw(BuildLogon(heartBtInt, reset, sign, username, signWith, seq, extra));
        return Receive(TimeSpan.FromSeconds(5));
    }

    /// <summary>The bytes of a Logon (signed unless told otherwise), without sending it.</summary>
    public byte[] BuildLogon(int heartBtInt = 30, bool reset = true, bool sign = true, string? username = null, byte[]? signWith = null, int? seq = null,
        params (int Tag, string Value)[] extra)
    {
        int msgSeq = seq ?? NextSeq;
        string sendingTime = Now();
        string user = username ?? Convert.ToBase64String(Ed25519.PublicKeyOf(PrivateKey));
        var fields = new List<(int, string)> { (FixTags.EncryptMethod, "0"), (FixTags.HeartBtInt, heartBtInt.ToString()) };
        if (reset) fields.Add((FixTags.ResetSeqNumFlag, "Y"));
        fields.Add((FixTags.Username, user));
        fields.AddRange(extra);
        if (sign)
        {
            byte[] signature = Ed25519.Sign(signWith ?? PrivateKey, LogonSignature.PreHash(sendingTime, msgSeq, CompId, TargetCompId, user));
            string raw = Convert.ToBase64String(signature);
            fields.Add((FixTags.RawDataLength, raw.Length.ToString()));
            fields.Add((FixTags.RawData, raw));
        }
        return Build("A", fields, seq: msgSeq, sendingTime: sendingTime);
    }

    /// <summary>Builds and sends a message; the header is ours unless overridden.</summary>
    public void Send(string msgType, IEnumerable<(int Tag, string Value)>? fields = null, int? seq = null, string? sendingTime = null,
        string? sender = null, bool possDup = false, string? origSendingTime = null)
    {
        SendRaw(Build(msgType, fields, seq, sendingTime, sender, possDup, origSendingTime));
    }

    public void Send(string msgType, params (int Tag, string Value)[] fields) => Send(msgType, (IEnumerable<(int, string)>)fields);

    public byte[] Build(string msgType, IEnumerable<(int Tag, string Value)>? fields = null, int? seq = null, string? sendingTime = null,
        string? sender = null, bool possDup = false, string? origSendingTime = null)
    {
        int msgSeq = seq ?? NextSeq++;
        if (seq is not null && seq >= NextSeq) NextSeq = seq.Value + 1;
        var w = new FixWriter(_write, Encoding.ASCII.GetBytes(msgType));
        w.Field(FixTags.SenderCompID, sender ?? CompId);
        w.Field(FixTags.TargetCompID, TargetCompId);
        w.Field(FixTags.MsgSeqNum, msgSeq);
        if (possDup) w.Field(FixTags.PossDupFlag, true);
        w.Field(FixTags.SendingTime, sendingTime ?? Now());
        if (origSendingTime is not null) w.Field(FixTags.OrigSendingTime, origSendingTime);
        foreach (var (tag, value) in fields ?? []) w.Field(tag, value);
        var (start, length) = w.Finish("FIX.4.4"u8);
        return _write.AsSpan(start, length).ToArray();
    }

    public void SendRaw(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _stream.Flush();
    }

    /// <summary>The next message, or a TimeoutException.</summary>
    public FixMessage Receive(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = FixFramer.TryFrame(_buffer.AsSpan(0, _filled), 1 << 20, out int consumed);
            if (status == FrameStatus.Message)
            {
                var message = new FixMessage();
                message.Parse(_buffer.AsSpan(0, consumed).ToArray(), 0, consumed);
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _filled - consumed);
                _filled -= consumed;
                Received.Add(message);
                return message;
            }
            if (status == FrameStatus.Garbled) throw new InvalidOperationException("garbled message from the gateway: " + Encoding.ASCII.GetString(_buffer, 0, consumed));
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("no message within " + timeout);
            _tcp!.ReceiveTimeout = Math.Max(1, (int)left.TotalMilliseconds);
            if (_filled == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int read;
            try
            {
                read = _stream.Read(_buffer, _filled, _buffer.Length - _filled);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
            {
                throw new TimeoutException("no message within " + timeout);
            }
            if (read == 0) throw new EndOfStreamException("the gateway closed the connection");
            _filled += read;
        }
    }

    /// <summary>
    /// The next message of <paramref name="msgType"/>, skipping heartbeats (and answering test
    /// requests) and funding payments (U5: the demo's markets pay funding every minute, whenever a
    /// test happens to hold a position across a minute).
    /// </summary>
    public FixMessage Expect(string msgType, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var m = Receive(deadline - DateTime.UtcNow);
            if (m.IsMsgType(msgType)) return m;
            if (m.IsMsgType("0") || m.IsMsgType("U5") || m.IsMsgType("U6") || m.IsMsgType("U7")) continue; // heartbeats and pushes a test may not wait for
            if (m.IsMsgType("1"))
            {
                Send("0", (FixTags.TestReqID, m.GetString(FixTags.TestReqID)!));
                continue;
            }
            throw new InvalidOperationException($"expected {msgType}, got {m}");
        }
    }

    /// <summary>True if the gateway closes the connection within <paramref name="wait"/> (messages before that are kept).</summary>
    public bool Closed(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        try
        {
            while (DateTime.UtcNow < deadline) Receive(deadline - DateTime.UtcNow);
        }
        catch (EndOfStreamException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        return false;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp?.Dispose();
    }
}

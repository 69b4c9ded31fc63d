using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// The wire of the benchmarks' minimal FIX initiators, on our codec: messages written with the
/// standard header into a send buffer (<see cref="Flush"/> sends them), and what arrives framed
/// into <see cref="Message"/>.
/// </summary>
internal sealed class BenchFixConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly SslStream? _tls;
    private readonly byte[] _compId;
    private readonly byte[] _out = new byte[1 << 20];
    private int _outLength;
    private readonly byte[] _in = new byte[1 << 20];
    private int _inStart;
    private int _inLength;
    private readonly byte[] _scratch = new byte[4096];
    private int _seq = 1;

    /// <param name="tls">connect over TLS (then <see cref="Read"/> only waits: pollMicros -1)</param>
    public BenchFixConnection(IPEndPoint endpoint, string compId, SslClientAuthenticationOptions? tls = null)
    {
        _compId = System.Text.Encoding.ASCII.GetBytes(compId);
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(endpoint);
        if (tls is null) return;
        _tls = new SslStream(new NetworkStream(_socket, ownsSocket: false));
        _tls.AuthenticateAsClient(tls);
    }

    /// <summary>The last message read; valid until the next <see cref="Read"/>.</summary>
    public FixMessage Message { get; } = new();

    /// <summary>Starts a message: MsgType, CompIDs, MsgSeqNum, SendingTime.</summary>
    public FixWriter Header(ReadOnlySpan<byte> type)
    {
        var w = new FixWriter(_scratch, type);
        w.Field(FixTags.SenderCompID, _compId);
        w.Field(FixTags.TargetCompID, "BACKPACK"u8);
        w.Field(FixTags.MsgSeqNum, _seq++);
        w.Timestamp(FixTags.SendingTime, EngineRunner.SystemClock());
        return w;
    }

    /// <summary>Finishes a message into the send buffer.</summary>
    public void Append(ref FixWriter w)
    {
        var (start, length) = w.Finish("FIX.4.4"u8);
        _scratch.AsSpan(start, length).CopyTo(_out.AsSpan(_outLength));
        _outLength += length;
    }

    public void Flush()
    {
        if (_tls is not null)
        {
            _tls.Write(_out, 0, _outLength);
            _outLength = 0;
            return;
        }
        int sent = 0;
        while (sent < _outLength) sent += _socket.Send(_out, sent, _outLength - sent, SocketFlags.None);
        _outLength = 0;
    }

    /// <summary>Sends a Logon (ResetSeqNumFlag=Y) and waits for the gateway's.</summary>
    public void Logon()
    {
        var w = Header("A"u8);
        w.Field(FixTags.EncryptMethod, 0);
        w.Field(FixTags.HeartBtInt, 30);
        w.Field(FixTags.ResetSeqNumFlag, true);
        Append(ref w);
        Flush();
        while (!Read(out var type, -1) || type != 'A')
        {
        }
    }

    /// <summary>
    /// One framed message into <see cref="Message"/>: false when none has arrived within
    /// <paramref name="pollMicros"/> (-1 = wait for one). The buffer is compacted only before a receive.
    /// </summary>
    public bool Read(out char type, int pollMicros)
    {
        type = '\0';
        while (true)
        {
            var status = FixFramer.TryFrame(_in.AsSpan(_inStart, _inLength - _inStart), 1 << 20, out int consumed);
            if (status == FrameStatus.Message)
            {
                Message.Parse(_in, _inStart, consumed);
                _inStart += consumed;
                type = Message.MsgType.Length == 1 ? (char)Message.MsgType[0] : '?';
                return true;
            }
            if (pollMicros >= 0 && _tls is not null) throw new InvalidOperationException("over TLS a read can only wait (pollMicros -1): the stream may hold bytes the socket no longer shows");
            if (pollMicros >= 0 && _socket.Available == 0 && !_socket.Poll(pollMicros, SelectMode.SelectRead)) return false;
            Buffer.BlockCopy(_in, _inStart, _in, 0, _inLength - _inStart);
            _inLength -= _inStart;
            _inStart = 0;
            int read = _tls is not null ? _tls.Read(_in, _inLength, _in.Length - _inLength) : _socket.Receive(_in, _inLength, _in.Length - _inLength, SocketFlags.None);
            if (read == 0) throw new IOException("gateway closed the connection; last message: " + Message);
            _inLength += read;
        }
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }
}

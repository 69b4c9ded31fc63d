using System.Net.Security;
using System.Net.Sockets;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;

namespace Backpack.Gateway.Fix.Transport;

/// <summary>
/// One client socket. Reads (here): a receive buffer framed into messages (garbage is skipped to
/// the next "8=FIX"; a message too large, or garbage before Logon, closes the connection), each
/// handed to its session on this reader's thread. Writes (FixConnection.Writer.cs): what the
/// session's flusher hands over once it is in the store, sent on that thread without a lock held
/// across the send, the rest left to a writer task.
/// </summary>
internal sealed partial class FixConnection : IFixConnection
{
    private readonly Socket _socket;
    private readonly FixAcceptor _acceptor;
    private readonly FixAcceptorOptions _options;
    private string? _closeReason;
    private FixSession? _session;

    // What the reader has received and not yet framed (the reader's alone).
    private byte[] _input;
    private int _filled;
    private readonly FixMessage _message = new();

    public FixConnection(Socket socket, FixAcceptor acceptor, FixAcceptorOptions options, SslServerAuthenticationOptions? tls = null)
    {
        _socket = socket;
        _acceptor = acceptor;
        _options = options;
        _tlsOptions = tls;
        _input = new byte[Math.Min(64 * 1024, options.MaxMessageSize + 1024)];
        RemoteEndPoint = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    public string RemoteEndPoint { get; }

    private const int PollMicros = 200_000;

    public Task RunAsync(CancellationToken stopping)
    {
        if (_tlsOptions is not null) return RunTlsAsync(stopping);
        // Sends from other threads must never block on a full socket buffer: they hand the rest to the writer task.
        _socket.Blocking = false;
        return Task.WhenAll(ReadLoop(stopping), WriteLoop());
    }

    /// <summary>
    /// The reader runs on its own thread and waits in poll(2) on the socket: the thread that wakes
    /// up is the one that handles the message (an async receive would add a hop through the
    /// socket engine's thread and the thread pool to every order's latency). FIX connections are
    /// few (one per configured session, capped by <see cref="FixAcceptorOptions.MaxConnections"/>).
    /// </summary>
    private Task ReadLoop(CancellationToken stopping)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Read(stopping);
            }
            finally
            {
                done.SetResult();
            }
        }) { Name = "fix-read " + RemoteEndPoint, IsBackground = true };
        thread.Start();
        return done.Task;
    }

    private void Read(CancellationToken stopping)
    {
        long connectedAt = Environment.TickCount64;
        try
        {
            while (_closeReason is null && !stopping.IsCancellationRequested)
            {
                GrowInput();
                if (!_socket.Poll(PollMicros, SelectMode.SelectRead))
                {
                    if (_session is null && Environment.TickCount64 - connectedAt > _options.LogonTimeout.TotalMilliseconds)
                    {
                        Disconnect("No Logon within " + _options.LogonTimeout.TotalSeconds + " s");
                    }
                    continue;
                }
                int read = _socket.Receive(_input, _filled, _input.Length - _filled, SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock) continue;
                if (error != SocketError.Success || read == 0) break;
                _filled += read;
                ConsumeInput();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            // A bug in message handling must cost this connection only, never the acceptor.
            _acceptor.ReportError(this, e);
            Disconnect("Internal error");
        }
        finally
        {
            ReadEnded();
        }
    }

    private void GrowInput()
    {
        if (_filled == _input.Length) Array.Resize(ref _input, Math.Min(_input.Length * 2, _options.MaxMessageSize + 1024));
    }

    /// <summary>Frames and handles every whole message received so far; one store flush and one socket write for all of them.</summary>
    private void ConsumeInput()
    {
        FixSession? handled = null;
        int offset = 0;
        while (offset < _filled && _closeReason is null)
        {
            var status = FixFramer.TryFrame(_input.AsSpan(offset, _filled - offset), _options.MaxMessageSize, out int consumed);
            if (status == FrameStatus.NeedMore) break;
            if (status == FrameStatus.TooLarge)
            {
                Refuse("Message larger than " + _options.MaxMessageSize + " bytes");
                break;
            }
            if (status == FrameStatus.Garbled)
            {
                _acceptor.CountGarbled();
                _session?.OnGarbled(_input.AsSpan(offset, consumed));
                if (_session is null || !_session.IsLoggedOn)
                {
                    Disconnect("Garbled message before Logon");
                    break;
                }
                offset += consumed;
                continue;
            }
            _message.Parse(_input, offset, consumed);
            offset += consumed;
            handled = Handle(_message) ?? handled;
        }
        if (handled is not null)
        {
            handled.Flush(); // outside the lock: the store's write and the socket's send hold none
        }
        if (offset > 0)
        {
            Buffer.BlockCopy(_input, offset, _input, 0, _filled - offset);
            _filled -= offset;
        }
        if (_filled == _input.Length && _input.Length >= _options.MaxMessageSize + 1024)
        {
            Refuse("Message larger than " + _options.MaxMessageSize + " bytes");
        }
    }

    /// <summary>The reader stopped: the session learns its connection is gone, and the writer closes it.</summary>
    private void ReadEnded()
    {
        if (_session is { } session)
        {
            lock (session.Lock)
            {
                session.OnDisconnected(this);
            }
            session.Flush();
        }
        Disconnect(_closeReason ?? "Connection closed");
    }

    /// <summary>Hands the message to its session; returns the session, which the caller flushes.</summary>
    private FixSession? Handle(FixMessage message)
    {
        var session = _session;
        if (session is null)
        {
            // The first message must be a Logon naming a configured session (checked by the session itself).
            session = message.FieldCount > 2 && message.IsMsgType("A") ? _acceptor.FindSession(message) : null;
            if (session is null)
            {
                Disconnect(message.IsMsgType("A") ? "Unknown session" : "First message is not a Logon");
                return null;
            }
            _session = session;
        }
        session.BeforeMessage();
        lock (session.Lock)
        {
            session.OnMessage(message, this);
        }
        return session;
    }

    private void Refuse(string reason)
    {
        if (_session is { } session)
        {
            lock (session.Lock)
            {
                if (ReferenceEquals(session.Connection, this)) session.Logout(reason, disconnectNow: true);
            }
            session.Flush();
        }
        Disconnect(reason);
    }
}

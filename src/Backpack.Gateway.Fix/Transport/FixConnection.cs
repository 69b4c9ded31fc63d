using System.Net.Security;
using System.Net.Sockets;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;

namespace Backpack.Gateway.Fix.Transport;

/// <summary>
/// One client socket. Reads: a receive buffer framed into messages (garbage is skipped to the
/// next "8=FIX"; a message too large, or garbage before Logon, closes the connection). Writes:
/// messages are appended to a pending buffer, and <see cref="Flush"/> (the session's, once what
/// was queued is in its store) writes them with one non-blocking send on the calling thread (no
/// thread hop on the latency path). What the socket does not take at once is left to a writer
/// task, and later messages queue behind it. A
/// backlog beyond <see cref="FixAcceptorOptions.MaxOutboundBytes"/> closes a slow client (its
/// messages are still in the session's store for a resend).
/// </summary>
internal sealed partial class FixConnection : IFixConnection
{
    private readonly Socket _socket;
    private readonly FixAcceptor _acceptor;
    private readonly FixAcceptorOptions _options;
    private readonly object _sendLock = new();
    private readonly SemaphoreSlim _sendSignal = new(0);
    private byte[] _pending = new byte[16 * 1024];
    private int _pendingLength;
    private byte[] _sending = new byte[16 * 1024];
    private string? _closeReason;
    private bool _writerBusy;
    private int _sendingLength;
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

    public void Send(ReadOnlySpan<byte> message)
    {
        lock (_sendLock)
        {
            if (_closeReason is not null) return;
            if (_pendingLength + _sendingLength + message.Length > _options.MaxOutboundBytes)
            {
                // A client that stopped reading would never take the backlog: drop it and close at
                // once (its messages stay in the session's store for a resend after it logs on again).
                _closeReason = "Slow consumer: outbound queue full";
                _pendingLength = 0;
                Abort();
                return;
            }
            if (_pendingLength + message.Length > _pending.Length) Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + message.Length));
            message.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += message.Length;
        }
    }

    /// <summary>Writes what is pending now if the socket takes it; otherwise leaves it to the writer task.</summary>
    public void Flush()
    {
        lock (_sendLock)
        {
            if (_writerBusy || _pendingLength == 0) return; // the writer task takes it after its current send
            if (_closeReason is null && _tls is null) // a TLS stream has no partial non-blocking write: the writer task sends
            {
                int sent = _socket.Send(_pending, 0, _pendingLength, SocketFlags.None, out SocketError error);
                if (error is SocketError.Success or SocketError.WouldBlock && sent >= 0)
                {
                    if (sent == _pendingLength)
                    {
                        _pendingLength = 0;
                        return;
                    }
                    if (sent > 0)
                    {
                        Buffer.BlockCopy(_pending, sent, _pending, 0, _pendingLength - sent);
                        _pendingLength -= sent;
                    }
                }
                else
                {
                    _closeReason = "Socket error: " + error;
                }
            }
            _writerBusy = true;
        }
        _sendSignal.Release();
    }

    /// <summary>Closes the socket without writing what is queued (the writer's send in progress fails and it stops).</summary>
    private void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _sendSignal.Release();
    }

    public void Disconnect(string reason)
    {
        lock (_sendLock)
        {
            _closeReason ??= reason;
        }
        _sendSignal.Release();
    }

    private async Task WriteLoop()
    {
        try
        {
            while (true)
            {
                await _sendSignal.WaitAsync().ConfigureAwait(false);
                while (true)
                {
                    int length;
                    bool closing;
                    lock (_sendLock)
                    {
                        closing = _closeReason is not null;
                        length = _pendingLength;
                        if (length == 0 && !closing)
                        {
                            _writerBusy = false;
                            break;
                        }
                        _writerBusy = true;
                        (_pending, _sending) = (_sending, _pending);
                        _sendingLength = length;
                        _pendingLength = 0;
                    }
                    if (_tls is not null)
                    {
                        await _tls.WriteAsync(_sending.AsMemory(0, length)).ConfigureAwait(false);
                    }
                    else
                    {
                        int offset = 0;
                        while (offset < length)
                        {
                            offset += await _socket.SendAsync(_sending.AsMemory(offset, length - offset), SocketFlags.None).ConfigureAwait(false);
                        }
                    }
                    lock (_sendLock) _sendingLength = 0;
                    if (closing) return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            await CloseTlsAsync().ConfigureAwait(false);
            // A graceful close: FIN after the last message, then the peer's input is read and
            // dropped until it closes too (at most CloseDrain). Closing with unread input would
            // send a reset, and a peer still writing (a refused oversized message, a flood) could
            // lose the Logout that tells it why.
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
                await DrainAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            _socket.Close();
            _tls?.Dispose();
        }
    }

    private static readonly TimeSpan CloseDrain = TimeSpan.FromSeconds(2);

    private async Task DrainAsync()
    {
        using var timeout = new CancellationTokenSource(CloseDrain);
        var buffer = new byte[16 * 1024];
        while (await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
        {
        }
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
            lock (handled.Lock) handled.Flush();
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
        }
        Disconnect(reason);
    }
}

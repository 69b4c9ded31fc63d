using System.Net.Sockets;

namespace Backpack.Gateway.Fix.Transport;

/// <summary>
/// The connection's write side. Messages are appended to a pending buffer (<see cref="Send"/>),
/// and <see cref="Flush"/> (called by the session's flusher, once what was appended is in the
/// session's store) writes them with one non-blocking send on the calling thread: no thread hop on
/// the latency path, and no lock held across the send (the flusher owns the send while it runs).
/// What the socket does not take at once is left to a writer task, and later messages queue
/// behind it. A backlog beyond <see cref="FixAcceptorOptions.MaxOutboundBytes"/> closes a slow
/// client (its messages are still in the session's store for a resend).
/// </summary>
internal sealed partial class FixConnection
{
    private readonly object _sendLock = new();
    private readonly SemaphoreSlim _sendSignal = new(0);
    // Appended, not yet sending.
    private byte[] _pending = new byte[16 * 1024];
    private int _pendingLength;
    // Being sent: bytes [_sendingOffset, _sendingLength) of _sending are not yet on the wire.
    private byte[] _sending = new byte[16 * 1024];
    private int _sendingOffset;
    private int _sendingLength;
    // Someone owns the send: the writer task, or a flusher sending on its own thread (_flushing).
    private bool _writerBusy;
    private bool _flushing;

    public void Send(ReadOnlySpan<byte> message)
    {
        lock (_sendLock)
        {
            if (_closeReason is not null) return;
            if (_pendingLength + (_sendingLength - _sendingOffset) + message.Length > _options.MaxOutboundBytes)
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

    /// <summary>
    /// Writes what is pending now, on this thread, if nobody else is sending; what the socket does
    /// not take (or all of it, when the writer task is already at work) goes out from the writer task.
    /// </summary>
    public void Flush()
    {
        int length;
        lock (_sendLock)
        {
            if (_writerBusy || _pendingLength == 0) return; // the writer task takes it after its current send
            _writerBusy = true;
            if (_closeReason is not null || _tls is not null)
            {
                // A TLS stream has no partial non-blocking write; a closing connection's rest goes from the writer too.
                _sendSignal.Release();
                return;
            }
            _flushing = true;
            (_pending, _sending) = (_sending, _pending);
            length = _sendingLength = _pendingLength;
            _sendingOffset = 0;
            _pendingLength = 0;
        }
        // The send itself holds no lock: Send may append meanwhile; the writer task leaves it to us.
        int sent = _socket.Send(_sending, 0, length, SocketFlags.None, out SocketError error);
        lock (_sendLock)
        {
            _flushing = false;
            if (error is SocketError.Success or SocketError.WouldBlock && sent >= 0)
            {
                _sendingOffset = sent;
                if (sent == length && _pendingLength == 0 && _closeReason is null)
                {
                    _sendingOffset = _sendingLength = 0;
                    _writerBusy = false;
                    return;
                }
            }
            else
            {
                _closeReason ??= "Socket error: " + error;
            }
        }
        _sendSignal.Release(); // the rest, what was appended meanwhile, or the close: the writer's
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
                    int offset, length;
                    bool closing;
                    lock (_sendLock)
                    {
                        if (_flushing) break; // a flusher is sending: it signals again when done
                        closing = _closeReason is not null;
                        if (_sendingOffset == _sendingLength)
                        {
                            if (_pendingLength == 0 && !closing)
                            {
                                _writerBusy = false;
                                break;
                            }
                            (_pending, _sending) = (_sending, _pending);
                            _sendingLength = _pendingLength;
                            _sendingOffset = 0;
                            _pendingLength = 0;
                        }
                        _writerBusy = true;
                        offset = _sendingOffset;
                        length = _sendingLength;
                    }
                    if (_tls is not null)
                    {
                        await _tls.WriteAsync(_sending.AsMemory(offset, length - offset)).ConfigureAwait(false);
                    }
                    else
                    {
                        while (offset < length)
                        {
                            offset += await _socket.SendAsync(_sending.AsMemory(offset, length - offset), SocketFlags.None).ConfigureAwait(false);
                        }
                    }
                    lock (_sendLock) _sendingOffset = _sendingLength = 0;
                    if (closing && _pendingLength == 0) return;
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
}

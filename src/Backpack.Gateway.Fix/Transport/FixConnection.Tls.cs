using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Backpack.Gateway.Fix.Transport;

/// <summary>
/// A connection that came in on the TLS listener: the handshake first (bounded by the Logon
/// timeout), then an asynchronous reader on the SslStream, and every write through the writer
/// task (an SslStream has no partial non-blocking write, so a slow client must not hold the
/// session's lock in a blocking one). Framing, sessions and the close rules are the plain
/// connection's.
/// </summary>
internal sealed partial class FixConnection
{
    private readonly SslServerAuthenticationOptions? _tlsOptions;
    private SslStream? _tls;

    private async Task RunTlsAsync(CancellationToken stopping)
    {
        var tls = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: true);
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            handshake.CancelAfter(_options.LogonTimeout);
            await tls.AuthenticateAsServerAsync(_tlsOptions!, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _acceptor.CountTlsFailure();
            await tls.DisposeAsync().ConfigureAwait(false);
            _socket.Close();
            return;
        }
        _tls = tls;
        await Task.WhenAll(ReadTlsAsync(stopping), WriteLoop()).ConfigureAwait(false);
    }

    private async Task ReadTlsAsync(CancellationToken stopping)
    {
        // No Logon within the timeout: the writer closes the connection, which ends the pending read.
        using var logonTimer = new Timer(_ =>
        {
            if (_session is null) Disconnect("No Logon within " + _options.LogonTimeout.TotalSeconds + " s");
        }, null, _options.LogonTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            while (_closeReason is null && !stopping.IsCancellationRequested)
            {
                GrowInput();
                int read = await _tls!.ReadAsync(_input.AsMemory(_filled), stopping).ConfigureAwait(false);
                if (read == 0) break;
                _filled += read;
                ConsumeInput();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
        }
        catch (Exception e)
        {
            _acceptor.ReportError(this, e);
            Disconnect("Internal error");
        }
        finally
        {
            ReadEnded();
        }
    }

    /// <summary>Tells a TLS client the stream ends (close_notify) before the socket is shut down.</summary>
    private async Task CloseTlsAsync()
    {
        if (_tls is null) return;
        try
        {
            await _tls.ShutdownAsync().WaitAsync(CloseDrain).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException or TimeoutException)
        {
        }
    }
}

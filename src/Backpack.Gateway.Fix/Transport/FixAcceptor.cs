using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;

namespace Backpack.Gateway.Fix.Transport;

public class FixAcceptorOptions
{
    /// <summary>Where to listen (default 127.0.0.1:9878).</summary>
    public string Listen { get; set; } = "127.0.0.1:9878";

    /// <summary>Where to listen for FIX over TLS (the section Tls's certificate); empty = no TLS listener.</summary>
    public string TlsListen { get; set; } = "";

    /// <summary>Largest message accepted, in bytes; a larger BodyLength closes the connection.</summary>
    public int MaxMessageSize { get; set; } = 64 * 1024;

    /// <summary>Unsent bytes a client may fall behind before it is disconnected as a slow consumer.</summary>
    public int MaxOutboundBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long a new connection may take to send its Logon before it is closed.</summary>
    public TimeSpan LogonTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Open connections accepted at once (each has its reader thread); more are closed at once.</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>Period of the session timers (heartbeats, test requests, timeouts).</summary>
    public TimeSpan TimerPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    public IPEndPoint ParseListen()
    {
        if (!IPEndPoint.TryParse(Listen, out var endpoint)) throw new FormatException($"Fix:Listen '{Listen}' is not host:port");
        return endpoint;
    }

    public IPEndPoint? ParseTlsListen()
    {
        if (TlsListen.Length == 0) return null;
        if (!IPEndPoint.TryParse(TlsListen, out var endpoint)) throw new FormatException($"Fix:TlsListen '{TlsListen}' is not host:port");
        return endpoint;
    }
}

/// <summary>
/// The FIX acceptor: listens on TCP, gives each connection its reader and writer, hands the
/// first message (which must be a Logon for a configured SenderCompID/TargetCompID pair) to its
/// session, and runs the sessions' timers.
/// </summary>
public sealed class FixAcceptor : IAsyncDisposable
{
    private readonly FixAcceptorOptions _options;
    private readonly Dictionary<string, FixSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FixConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Socket? _tlsListener;
    private Task? _acceptLoop;
    private Task? _tlsAcceptLoop;
    private long _tlsFailures;
    private Task? _timerLoop;
    private long _garbled;

    public FixAcceptor(FixAcceptorOptions options, IEnumerable<FixSession> sessions)
    {
        _options = options;
        foreach (var session in sessions)
        {
            _sessions.Add(Key(session.Settings.TargetCompId, session.Settings.SenderCompId), session);
        }
    }

    public IReadOnlyCollection<FixSession> Sessions => _sessions.Values;

    /// <summary>The address actually bound (port 0 in the options picks a free one).</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>The TLS listener's address, when there is one.</summary>
    public IPEndPoint? TlsEndPoint => _tlsListener?.LocalEndPoint as IPEndPoint;

    /// <summary>The server side of the TLS handshake (certificate, client-certificate rule); required when Fix:TlsListen is set. Set before <see cref="Start"/>.</summary>
    public System.Net.Security.SslServerAuthenticationOptions? Tls { get; set; }

    /// <summary>TLS handshakes that failed or timed out (the connection was closed without a word).</summary>
    public long TlsFailures => Interlocked.Read(ref _tlsFailures);

    internal void CountTlsFailure() => Interlocked.Increment(ref _tlsFailures);

    public int ConnectionCount => _connections.Count;

    /// <summary>Messages dropped because they were garbled (bad BodyLength, CheckSum or framing).</summary>
    public long GarbledMessages => Interlocked.Read(ref _garbled);

    internal void CountGarbled() => Interlocked.Increment(ref _garbled);

    /// <summary>Called when handling a connection's message threw (the connection is closed; others go on).</summary>
    public Action<string, Exception>? OnError { get; set; }

    internal void ReportError(FixConnection connection, Exception error) => OnError?.Invoke(connection.RemoteEndPoint, error);

    public void Start()
    {
        var tlsEndpoint = _options.ParseTlsListen();
        if (tlsEndpoint is not null && Tls is null) throw new InvalidOperationException("Fix:TlsListen is set but the acceptor has no TLS certificate");
        _listener = Bind(_options.ParseListen(), "Fix:Listen");
        if (tlsEndpoint is not null)
        {
            try
            {
                _tlsListener = Bind(tlsEndpoint, "Fix:TlsListen");
            }
            catch
            {
                _listener.Dispose();
                throw;
            }
            _tlsAcceptLoop = AcceptLoop(_tlsListener, Tls);
        }
        _acceptLoop = AcceptLoop(_listener, null);
        _timerLoop = TimerLoop();
    }

    private static Socket Bind(IPEndPoint endpoint, string key)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // No SO_REUSEPORT (which .NET's ReuseAddress would also set on Linux): a second gateway on
        // the same port must fail here, not share the port's connections with this one.
        try
        {
            listener.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            throw new IOException($"FIX: cannot listen on {endpoint}: address already in use (set another with --{key}=127.0.0.1:<port>)", e);
        }
        listener.Listen(128);
        return listener;
    }

    internal FixSession? FindSession(FixMessage logon)
    {
        if (!logon.TryGet(FixTags.SenderCompID, out var sender) || !logon.TryGet(FixTags.TargetCompID, out var target)) return null;
        return _sessions.GetValueOrDefault(Key(Encoding.ASCII.GetString(sender), Encoding.ASCII.GetString(target)));
    }

    private static string Key(string clientCompId, string ourCompId) => clientCompId + "\u0001" + ourCompId;

    private async Task AcceptLoop(Socket listener, System.Net.Security.SslServerAuthenticationOptions? tls)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            if (_connections.Count >= _options.MaxConnections)
            {
                socket.Close();
                continue;
            }
            socket.NoDelay = true;
            var connection = new FixConnection(socket, this, _options, tls);
            _connections[connection] = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
                }
                finally
                {
                    _connections.TryRemove(connection, out _);
                }
            });
        }
    }

    private async Task TimerLoop()
    {
        using var timer = new PeriodicTimer(_options.TimerPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (var session in _sessions.Values)
                {
                    lock (session.Lock)
                    {
                        session.OnTimer();
                    }
                    session.Flush();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Logs every session out (waiting briefly for the replies) and stops listening.</summary>
    public async Task StopAsync(string reason = "Gateway shutting down")
    {
        try
        {
            _listener?.Close();
            _tlsListener?.Close();
        }
        catch (ObjectDisposedException)
        {
        }
        foreach (var session in _sessions.Values)
        {
            lock (session.Lock)
            {
                if (session.IsLoggedOn) session.Logout(reason);
            }
            session.Flush();
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (_sessions.Values.Any(s => s.IsLoggedOn) && DateTime.UtcNow < deadline) await Task.Delay(20).ConfigureAwait(false);
        foreach (var session in _sessions.Values)
        {
            session.Flush();
            lock (session.Lock)
            {
                session.Connection?.Disconnect(reason);
            }
        }
        _stopping.Cancel();
        try
        {
            await Task.WhenAll(_connections.Values.Append(_acceptLoop ?? Task.CompletedTask).Append(_tlsAcceptLoop ?? Task.CompletedTask).Append(_timerLoop ?? Task.CompletedTask)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested) await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}

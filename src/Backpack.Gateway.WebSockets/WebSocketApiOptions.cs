using System.Net;

namespace Backpack.Gateway.WebSockets;

/// <summary>The WebSocket front end's configuration (section WebSocket).</summary>
public sealed class WebSocketApiOptions
{
    /// <summary>Where the HTTP/WebSocket server listens (host:port, loopback by default).</summary>
    public string Listen { get; set; } = "127.0.0.1:8080";

    /// <summary>Where the same server also listens for HTTPS and WSS (the section Tls's certificate); empty = plain only.</summary>
    public string HttpsListen { get; set; } = "";

    /// <summary>The WebSocket endpoint's path.</summary>
    public string Path { get; set; } = "/ws";

    /// <summary>Largest request a client may send, in bytes; a larger one closes the connection (1009 Message Too Big).</summary>
    public int MaxMessageSize { get; set; } = 16 * 1024;

    /// <summary>Messages waiting to be sent to one client before it is disconnected as a slow consumer.</summary>
    public int MaxQueuedMessages { get; set; } = 8192;

    /// <summary>Bytes waiting to be sent to one client before it is disconnected as a slow consumer.</summary>
    public int MaxQueuedBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long a slow consumer's close frame may take to get out before the connection is aborted.</summary>
    public TimeSpan SlowConsumerCloseGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests per second a connection may send on average.</summary>
    public int RequestsPerSecond { get; set; } = 200;

    /// <summary>Requests a connection may send at once above the average (the token bucket's size).</summary>
    public int RequestBurst { get; set; } = 400;

    /// <summary>Open connections at once; more are refused with HTTP 503.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>The server pings a connection this often (Backpack: 60 s).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection that does not answer a ping with a pong within this time is closed (Backpack: 120 s of silence in all).</summary>
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest signature window a client may ask for, in milliseconds (Backpack: 60,000).</summary>
    public int MaxSignatureWindow { get; set; } = 60_000;

    /// <summary>Price levels per side in a depth snapshot (deltas cover every level).</summary>
    public int DepthSnapshotLevels { get; set; } = 1000;

    /// <summary>Cancel the orders a connection placed when it closes, unless its URL says ?cancelOnDisconnect=false (off by default).</summary>
    public bool CancelOnDisconnect { get; set; }

    /// <summary>How long after a connection closes its orders are canceled (cancel on disconnect; 0 = at once).</summary>
    public TimeSpan CancelOnDisconnectGrace { get; set; } = TimeSpan.Zero;

    /// <summary>API keys (base64 Ed25519 public keys) and the account each one trades for; filled by the host from the Accounts section.</summary>
    public Dictionary<string, int> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    public IPEndPoint ParseListen()
    {
        if (!IPEndPoint.TryParse(Listen, out var endpoint)) throw new FormatException($"WebSocket:Listen '{Listen}' is not host:port");
        return endpoint;
    }

    public IPEndPoint? ParseHttpsListen()
    {
        if (HttpsListen.Length == 0) return null;
        if (!IPEndPoint.TryParse(HttpsListen, out var endpoint)) throw new FormatException($"WebSocket:HttpsListen '{HttpsListen}' is not host:port");
        return endpoint;
    }

    /// <summary>Every problem with the settings, each naming its key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IPEndPoint.TryParse(Listen, out _)) errors.Add($"WebSocket:Listen '{Listen}' is not host:port");
        if (HttpsListen.Length > 0 && !IPEndPoint.TryParse(HttpsListen, out _)) errors.Add($"WebSocket:HttpsListen '{HttpsListen}' is not host:port");
        if (string.IsNullOrEmpty(Path) || Path[0] != '/') errors.Add("WebSocket:Path must start with /");
        if (MaxMessageSize < 1024) errors.Add("WebSocket:MaxMessageSize must be at least 1024");
        if (MaxQueuedMessages < 16) errors.Add("WebSocket:MaxQueuedMessages must be at least 16");
        if (MaxQueuedBytes < 64 * 1024) errors.Add("WebSocket:MaxQueuedBytes must be at least 65536");
        if (SlowConsumerCloseGrace < TimeSpan.Zero) errors.Add("WebSocket:SlowConsumerCloseGrace must not be negative");
        if (RequestsPerSecond < 1) errors.Add("WebSocket:RequestsPerSecond must be at least 1");
        if (RequestBurst < 1) errors.Add("WebSocket:RequestBurst must be at least 1");
        if (MaxConnections < 1) errors.Add("WebSocket:MaxConnections must be at least 1");
        if (PingInterval <= TimeSpan.Zero) errors.Add("WebSocket:PingInterval must be positive");
        if (PongTimeout <= TimeSpan.Zero) errors.Add("WebSocket:PongTimeout must be positive");
        if (MaxSignatureWindow is < 1 or > 600_000) errors.Add("WebSocket:MaxSignatureWindow must be 1..600000 ms");
        if (CancelOnDisconnectGrace < TimeSpan.Zero || CancelOnDisconnectGrace > TimeSpan.FromHours(1)) errors.Add("WebSocket:CancelOnDisconnectGrace must be 00:00:00 to 01:00:00");
        if (DepthSnapshotLevels < 1) errors.Add("WebSocket:DepthSnapshotLevels must be at least 1");
        return errors;
    }
}

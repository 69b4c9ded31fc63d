using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Backpack.Gateway.Engine.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// One public event to N WebSocket subscribers, next to what the sockets themselves cost: rounds
/// alternate between the gateway (a liquidation that the engine publishes on the liquidation
/// stream) and a bare Kestrel WebSocket endpoint in the same process that sends a message of the
/// same size to the same number of connections with System.Net.WebSockets' SendAsync. The same
/// client fleet measures both: for each message, the time from its "T" (engine time, or the bare
/// server's time of sending) to its receipt on each connection.
///
/// Two client fleets: <see cref="ClientFleet"/> (one ClientWebSocket and one reading task per
/// connection, as a .NET client would) and <see cref="RawFleet"/> (RFC 6455 by hand over plain
/// sockets, one thread reading every connection in turn), whose own cost is a receive call per
/// message, so the figure is mostly the server's.
/// </summary>
public static class WsFanOut
{
    /// <summary>Sends the next public event to every subscriber; returns once it was handed over.</summary>
    public delegate Task Publish(int index);

    public static async Task RunAsync(Uri gateway, Publish liquidate, int connections, int events, int rounds)
    {
        await using var bare = await BareServer.StartAsync();
        using var socketServer = SocketServer.Start();
        foreach (bool raw in new[] { true, false })
        {
            string client = raw ? "raw-socket client (one reading thread)" : "ClientWebSocket client (a task per connection)";
            var gatewayP50 = new List<double>();
            var gatewayP99 = new List<double>();
            var bareP50 = new List<double>();
            var bareP99 = new List<double>();
            var socketP50 = new List<double>();
            var socketP99 = new List<double>();
            int size = 0;
            for (int round = 0; round < rounds; round++)
            {
                var (p50, p99, length) = await MeasureAsync(gateway, raw, connections, events, liquidate, $"gateway liquidation event, {client}");
                gatewayP50.Add(p50);
                gatewayP99.Add(p99);
                size = length;
                (p50, p99, _) = await MeasureAsync(bare.Uri, raw, connections, events, i => bare.SendAsync(size), $"bare Kestrel WebSocket message, {client}");
                bareP50.Add(p50);
                bareP99.Add(p99);
                if (!raw) continue;
                (p50, p99, _) = await MeasureAsync(socketServer.Uri, raw, connections, events, i => { socketServer.Send(size); return Task.CompletedTask; },
                    $"plain sockets, frame built once, {client}");
                socketP50.Add(p50);
                socketP99.Add(p99);
            }
            Console.WriteLine($"=> fan-out to {connections:N0} subscribers, {client}, medians of {rounds} rounds ({size} B messages): " +
                              $"gateway p50 {Median(gatewayP50) / 1000:F2} ms / p99 {Median(gatewayP99) / 1000:F2} ms, " +
                              $"bare Kestrel p50 {Median(bareP50) / 1000:F2} ms / p99 {Median(bareP99) / 1000:F2} ms, " +
                              $"ratio p50 {Median(gatewayP50) / Median(bareP50):F2}x, p99 {Median(gatewayP99) / Median(bareP99):F2}x" +
                              (socketP50.Count > 0 ? $"; plain sockets p50 {Median(socketP50) / 1000:F2} ms / p99 {Median(socketP99) / 1000:F2} ms" : ""));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<(double P50, double P99, int Length)> MeasureAsync(Uri uri, bool raw, int connections, int events, Publish publish, string what)
    {
        using IFleet fleet = raw ? RawFleet.Connect(uri, connections, events) : await ClientFleet.ConnectAsync(uri, connections, events);
        for (int i = 0; i < events; i++)
        {
            await publish(i);
            var deadline = Stopwatch.StartNew();
            while (fleet.Received < i + 1 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
            if (fleet.Received < i + 1) throw new InvalidOperationException($"{what} {i + 1} did not reach every connection within 10 s");
            await Task.Delay(20);
        }
        var all = fleet.Arrivals.SelectMany(a => a).Order().ToArray();
        var lastPerEvent = Enumerable.Range(0, events).Select(e => fleet.Arrivals.Max(a => a[e])).Order().ToArray();
        Console.WriteLine($"{what} -> {connections:N0} subscribers ({all.Length:N0} deliveries): " +
                          $"p50 {all[all.Length / 2] / 1000.0:F2} ms, p99 {all[all.Length * 99 / 100] / 1000.0:F2} ms, max {all[^1] / 1000.0:F2} ms; " +
                          $"until the last got it: p50 {lastPerEvent[events / 2] / 1000.0:F2} ms, max {lastPerEvent[^1] / 1000.0:F2} ms");
        return (all[all.Length / 2], all[all.Length * 99 / 100], fleet.Length);
    }

    private const string Subscribe = "{\"method\":\"SUBSCRIBE\",\"params\":[\"liquidation\"],\"id\":1}";

    /// <summary>The "T" field (microseconds) of a JSON stream message, read without a parser.</summary>
    private static long TimeOf(ReadOnlySpan<byte> json)
    {
        int at = json.LastIndexOf("\"T\":"u8);
        if (at < 0) throw new FormatException("no T in " + Encoding.UTF8.GetString(json));
        long value = 0;
        for (int i = at + 4; i < json.Length && json[i] >= '0' && json[i] <= '9'; i++) value = value * 10 + (json[i] - '0');
        return value;
    }

    private interface IFleet : IDisposable
    {
        /// <summary>The fewest messages any connection has received.</summary>
        int Received { get; }

        /// <summary>Per connection, per message: receipt time minus the message's T, microseconds.</summary>
        long[][] Arrivals { get; }

        /// <summary>The length of the last message received.</summary>
        int Length { get; }
    }

    /// <summary>One ClientWebSocket and one reading task per connection.</summary>
    private sealed class ClientFleet : IFleet
    {
        private readonly ClientWebSocket[] _sockets;
        private readonly int[] _received;
        private readonly Task[] _readers;

        private ClientFleet(int connections, int messages)
        {
            _sockets = new ClientWebSocket[connections];
            _received = new int[connections];
            _readers = new Task[connections];
            Arrivals = new long[connections][];
            for (int c = 0; c < connections; c++) Arrivals[c] = new long[messages];
        }

        public int Received => _received.Min();
        public long[][] Arrivals { get; }
        public int Length { get; private set; }

        public static async Task<ClientFleet> ConnectAsync(Uri uri, int connections, int messages)
        {
            var fleet = new ClientFleet(connections, messages);
            for (int c = 0; c < connections; c++)
            {
                var socket = fleet._sockets[c] = new ClientWebSocket();
                await socket.ConnectAsync(uri, CancellationToken.None);
                await socket.SendAsync(Encoding.UTF8.GetBytes(Subscribe), WebSocketMessageType.Text, true, CancellationToken.None);
                await socket.ReceiveAsync(new byte[256], CancellationToken.None);
            }
            for (int c = 0; c < connections; c++)
            {
                int index = c;
                fleet._readers[c] = Task.Run(async () =>
                {
                    var buffer = new byte[4096];
                    while (fleet._received[index] < messages)
                    {
                        var result = await fleet._sockets[index].ReceiveAsync(buffer, CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close) return;
                        if (!result.EndOfMessage) continue;
                        long now = EngineRunner.SystemClock();
                        fleet.Length = result.Count;
                        fleet.Arrivals[index][fleet._received[index]] = now - TimeOf(buffer.AsSpan(0, result.Count));
                        Volatile.Write(ref fleet._received[index], fleet._received[index] + 1);
                    }
                });
            }
            return fleet;
        }

        public void Dispose()
        {
            foreach (var socket in _sockets) socket.Abort();
            Task.WhenAll(_readers).ContinueWith(_ => { }).Wait(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// RFC 6455 by hand over plain sockets: the opening handshake, a masked subscribe frame, then one
    /// thread that reads every connection in the order they subscribed (the order both servers send
    /// in) with a blocking receive, skipping control frames. A connection read late in the turn is
    /// charged the reads before it (a receive of a ready message costs a few microseconds).
    /// </summary>
    private sealed class RawFleet : IFleet
    {
        private readonly Socket[] _sockets;
        private readonly byte[][] _buffers;
        private readonly int[] _start, _end;
        private readonly Thread _reader;
        private int _received;

        private RawFleet(int connections, int messages)
        {
            _sockets = new Socket[connections];
            _buffers = new byte[connections][];
            _start = new int[connections];
            _end = new int[connections];
            Arrivals = new long[connections][];
            for (int c = 0; c < connections; c++)
            {
                Arrivals[c] = new long[messages];
                _buffers[c] = new byte[16 * 1024];
            }
            _reader = new Thread(() => Read(messages)) { IsBackground = true, Name = "fan-out-reader" };
        }

        public int Received => Volatile.Read(ref _received);
        public long[][] Arrivals { get; }
        public int Length { get; private set; }

        public static RawFleet Connect(Uri uri, int connections, int messages)
        {
            var fleet = new RawFleet(connections, messages);
            for (int c = 0; c < connections; c++)
            {
                var socket = fleet._sockets[c] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Connect(IPAddress.Loopback, uri.Port);
                socket.Send(Encoding.ASCII.GetBytes($"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:{uri.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
                fleet.ReadHandshake(c);
                socket.Send(MaskedText(Encoding.UTF8.GetBytes(Subscribe)));
                fleet.ReadMessage(c); // the subscription's answer
            }
            fleet._reader.Start();
            return fleet;
        }

        private void Read(int messages)
        {
            try
            {
                for (int m = 0; m < messages; m++)
                {
                    for (int c = 0; c < _sockets.Length; c++)
                    {
                        var message = ReadMessage(c);
                        long now = EngineRunner.SystemClock();
                        Arrivals[c][m] = now - TimeOf(message);
                        Length = message.Length;
                    }
                    Volatile.Write(ref _received, m + 1);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // the fleet was disposed
            }
        }

        private void ReadHandshake(int c)
        {
            while (true)
            {
                var data = _buffers[c].AsSpan(_start[c], _end[c] - _start[c]);
                int end = data.IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    if (!data.StartsWith("HTTP/1.1 101"u8)) throw new InvalidOperationException("no upgrade: " + Encoding.ASCII.GetString(data));
                    _start[c] += end + 4;
                    return;
                }
                Fill(c);
            }
        }

        /// <summary>The payload of the next data frame (control frames are passed over); valid until the next read.</summary>
        private ReadOnlySpan<byte> ReadMessage(int c)
        {
            while (true)
            {
                Need(c, 2);
                var buffer = _buffers[c];
                int opcode = buffer[_start[c]] & 0x0F;
                int length = buffer[_start[c] + 1] & 0x7F, header = 2;
                if (length == 126)
                {
                    Need(c, 4);
                    length = buffer[_start[c] + 2] << 8 | buffer[_start[c] + 3];
                    header = 4;
                }
                else if (length == 127) throw new InvalidOperationException("a message over 64 KiB");
                Need(c, header + length);
                int payload = _start[c] + header;
                _start[c] = payload + length;
                if (opcode is 1 or 2) return buffer.AsSpan(payload, length);
            }
        }

        private void Need(int c, int count)
        {
            while (_end[c] - _start[c] < count) Fill(c);
        }

        private void Fill(int c)
        {
            var buffer = _buffers[c];
            if (_start[c] > 0)
            {
                buffer.AsSpan(_start[c], _end[c] - _start[c]).CopyTo(buffer);
                _end[c] -= _start[c];
                _start[c] = 0;
            }
            int read = _sockets[c].Receive(buffer, _end[c], buffer.Length - _end[c], SocketFlags.None);
            if (read == 0) throw new SocketException((int)SocketError.ConnectionReset);
            _end[c] += read;
        }

        private static byte[] MaskedText(byte[] payload)
        {
            if (payload.Length >= 126) throw new ArgumentException("a short message only");
            var frame = new byte[6 + payload.Length];
            frame[0] = 0x81;
            frame[1] = (byte)(0x80 | payload.Length);
            byte[] mask = [0x12, 0x34, 0x56, 0x78];
            mask.CopyTo(frame, 2);
            for (int i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
            return frame;
        }

        public void Dispose()
        {
            foreach (var socket in _sockets) socket.Dispose();
            _reader.Join(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>A Kestrel server on a free loopback port with WebSockets and nothing else, serving <paramref name="handler"/>; its ws:// address.</summary>
    public static async Task<(WebApplication App, Uri Uri)> StartBareKestrelAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(handler);
        await app.StartAsync();
        return (app, new Uri("ws" + app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()["http".Length..] + "/"));
    }

    /// <summary>A bare Kestrel WebSocket endpoint: accepts, answers the subscription, and sends what it is told to every connection.</summary>
    private sealed class BareServer : IAsyncDisposable
    {
        private readonly List<WebSocket> _sockets = [];
        private readonly List<Task> _pending = [];
        private WebApplication _app = null!;

        public Uri Uri { get; private set; } = null!;

        public static async Task<BareServer> StartAsync()
        {
            var server = new BareServer();
            (server._app, server.Uri) = await StartBareKestrelAsync(server.AcceptAsync);
            return server;
        }

        private async Task AcceptAsync(HttpContext context)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[256];
            try
            {
                await socket.ReceiveAsync(buffer, CancellationToken.None); // the subscription
                lock (_sockets) _sockets.Add(socket);
                await socket.SendAsync("{\"result\":null,\"id\":1}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                while ((await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close) { }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException) { }
            finally
            {
                lock (_sockets) _sockets.Remove(socket);
            }
        }

        /// <summary>One message of <paramref name="size"/> bytes whose last field is "T": now, to every connection, in the order they subscribed.</summary>
        public async Task SendAsync(int size)
        {
            var message = new byte[Math.Max(size, 64)];
            string head = "{\"data\":{\"e\":\"liquidation\",\"T\":" + EngineRunner.SystemClock() + "}";
            int written = Encoding.UTF8.GetBytes(head, message);
            message.AsSpan(written).Fill((byte)' ');
            message[^1] = (byte)'}';
            WebSocket[] targets;
            lock (_sockets) targets = [.. _sockets];
            _pending.Clear();
            foreach (var socket in targets)
            {
                var send = socket.SendAsync(message.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None);
                if (!send.IsCompletedSuccessfully) _pending.Add(send.AsTask());
            }
            await Task.WhenAll(_pending);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// The floor: a TCP listener that does the WebSocket opening handshake itself and then writes one
    /// frame, built once, to every connection with a blocking Socket.Send, in the order they subscribed.
    /// </summary>
    private sealed class SocketServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _sockets = [];
        private Thread _acceptor = null!;

        public Uri Uri { get; private set; } = null!;

        public static SocketServer Start()
        {
            var server = new SocketServer();
            server._listener.Start();
            server.Uri = new Uri($"ws://127.0.0.1:{((IPEndPoint)server._listener.LocalEndpoint).Port}/");
            server._acceptor = new Thread(server.Accept) { IsBackground = true, Name = "fan-out-socket-server" };
            server._acceptor.Start();
            return server;
        }

        private void Accept()
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var socket = _listener.AcceptSocket();
                    socket.NoDelay = true;
                    int read = 0;
                    while (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) < 0) read += socket.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
                    string request = Encoding.ASCII.GetString(buffer, 0, read);
                    string key = request.Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
                    string accept = Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
                    socket.Send(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
                    socket.Receive(buffer); // the subscription (one small masked frame)
                    lock (_sockets) _sockets.Add(socket);
                    socket.Send(Frame("{\"result\":null,\"id\":1}"u8));
                }
            }
            catch (SocketException) { } // stopped
        }

        private static byte[] Frame(ReadOnlySpan<byte> payload)
        {
            int header = payload.Length < 126 ? 2 : 4;
            var frame = new byte[header + payload.Length];
            frame[0] = 0x81;
            if (header == 2) frame[1] = (byte)payload.Length;
            else
            {
                frame[1] = 126;
                frame[2] = (byte)(payload.Length >> 8);
                frame[3] = (byte)payload.Length;
            }
            payload.CopyTo(frame.AsSpan(header));
            return frame;
        }

        public void Send(int size)
        {
            var message = new byte[Math.Max(size, 64)];
            string head = "{\"data\":{\"e\":\"liquidation\",\"T\":" + EngineRunner.SystemClock() + "}";
            int written = Encoding.UTF8.GetBytes(head, message);
            message.AsSpan(written).Fill((byte)' ');
            message[^1] = (byte)'}';
            var frame = Frame(message);
            lock (_sockets)
            {
                foreach (var socket in _sockets)
                {
                    try
                    {
                        socket.Send(frame);
                    }
                    catch (SocketException) { } // a fleet of an earlier round
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_sockets) foreach (var socket in _sockets) socket.Dispose();
        }
    }
}

using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// A WebSocket client by hand on a plain TCP socket (RFC 6455 handshake and masked frames), for
/// what a well-behaved client library will not do: never read, never answer a ping, send frames
/// that break the protocol.
/// </summary>
public sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawWebSocket> ConnectAsync(Uri uri, int receiveBuffer = 0)
    {
        var tcp = new TcpClient();
        if (receiveBuffer > 0) tcp.ReceiveBufferSize = receiveBuffer;
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var raw = new RawWebSocket(tcp);
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        string request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Host}:{uri.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                         $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await raw._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        // Read the response headers byte by byte (so no frame bytes are consumed with them).
        var headers = new StringBuilder();
        var one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await raw._stream.ReadAsync(one) == 0) throw new IOException("closed during the handshake: " + headers);
            headers.Append((char)one[0]);
        }
        if (!headers.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal)) throw new IOException("handshake refused: " + headers);
        return raw;
    }

    /// <summary>Sends one masked frame (opcode 1 text, 2 binary, 8 close, 9 ping, 10 pong; anything else breaks the protocol).</summary>
    public async Task SendFrameAsync(int opcode, byte[] payload, bool fin = true)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126) frame.Add((byte)(0x80 | payload.Length));
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add(0x80 | 127);
            for (int i = 7; i >= 0; i--) frame.Add((byte)((long)payload.Length >> (8 * i)));
        }
        byte[] mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        for (int i = 0; i < payload.Length; i++) frame.Add((byte)(payload[i] ^ mask[i % 4]));
        await _stream.WriteAsync(frame.ToArray());
    }

    public Task SendTextAsync(string text) => SendFrameAsync(1, Encoding.UTF8.GetBytes(text));

    /// <summary>Reads frames until the server closes or aborts the connection (or the timeout): returns the close code and reason if a close frame came, and how many bytes arrived.</summary>
    public async Task<(int? Code, string? Reason, long Bytes, bool Ended)> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var all = new MemoryStream();
        try
        {
            while (true)
            {
                int n = await _stream.ReadAsync(buffer, cts.Token);
                if (n == 0) break;
                all.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
            return (null, null, all.Length, false);
        }
        catch (IOException)
        {
            // reset by the server
        }
        var (code, reason) = FindClose(all.ToArray());
        return (code, reason, all.Length, true);
    }

    /// <summary>The first close frame in a stream of server frames (unmasked).</summary>
    private static (int?, string?) FindClose(byte[] data)
    {
        int pos = 0;
        while (pos + 2 <= data.Length)
        {
            int opcode = data[pos] & 0x0f;
            long length = data[pos + 1] & 0x7f;
            int header = 2;
            if (length == 126 && pos + 4 <= data.Length)
            {
                length = (data[pos + 2] << 8) | data[pos + 3];
                header = 4;
            }
            else if (length == 127 && pos + 10 <= data.Length)
            {
                length = 0;
                for (int i = 0; i < 8; i++) length = (length << 8) | data[pos + 2 + i];
                header = 10;
            }
            if (pos + header + length > data.Length) break;
            if (opcode == 8 && length >= 2)
            {
                int code = (data[pos + header] << 8) | data[pos + header + 1];
                return (code, Encoding.UTF8.GetString(data, pos + header + 2, (int)length - 2));
            }
            pos += header + (int)length;
        }
        return (null, null);
    }

    public void Dispose() => _tcp.Dispose();
}

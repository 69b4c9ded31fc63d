using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Backpack.Gateway.WebSockets.Connections;

/// <summary>
/// One encoded WebSocket message, shared by every connection it goes to (a public stream message
/// is encoded once per format and queued to all its subscribers). The bytes come from the array
/// pool and go back when the last holder releases the frame. The creator holds one reference and
/// releases it after queueing; each queue holds one until the frame is sent or dropped.
/// </summary>
internal sealed class OutboundFrame
{
    private static readonly ConcurrentQueue<OutboundFrame> Pool = new();
    private byte[] _buffer = [];
    private int _references;

    public int Length { get; private set; }
    public WebSocketMessageType Type { get; private set; }
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>A frame holding a copy of <paramref name="bytes"/>, with one reference (the caller's).</summary>
    public static OutboundFrame Create(ReadOnlySpan<byte> bytes, WebSocketMessageType type)
    {
        if (!Pool.TryDequeue(out var frame)) frame = new OutboundFrame();
        frame._buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 1));
        bytes.CopyTo(frame._buffer);
        frame.Length = bytes.Length;
        frame.Type = type;
        frame._references = 1;
        return frame;
    }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left > 0) return;
        if (left < 0) throw new InvalidOperationException("An outbound frame was released more often than it was referenced");
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
        Pool.Enqueue(this);
    }
}

using System.Runtime.CompilerServices;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Engine.Events;

/// <summary>
/// Writes the engine's events into the output <see cref="FrameBuffer"/>, stamping each with the
/// sequence number and time of the command being processed.
/// </summary>
internal sealed class EventEmitter
{
    private FrameBuffer _output = new(256, 4);

    public EventHeader Header { get; private set; }

    public long Sequence => Header.Sequence;
    public long Time => Header.Time;

    /// <summary>Starts a command: its events go to <paramref name="output"/> with this header.</summary>
    public void Begin(FrameBuffer output, long sequence, long time)
    {
        // Storing a reference costs a GC write barrier: skip it when the caller reuses its buffer.
        if (!ReferenceEquals(_output, output)) _output = output;
        Header = new EventHeader(sequence, time);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Emit<T>(in T message) where T : struct, IProtocolMessage<T> => _output.Write(message);

    /// <summary>Answers a command with CommandRejected.</summary>
    public void Reject(long requestId, MessageType type, int accountId, RejectReason reason) =>
        Emit(new CommandRejected(Header, requestId, type, accountId, reason));
}

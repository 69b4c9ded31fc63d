using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// Where a front end hands commands to the engine. The command's sequence and time are stamped by
/// the sequencer (leave them 0). Never blocks: false means the inbound ring is full right now (the
/// caller waits by <see cref="CommandWait"/>, holding no lock, or rejects).
/// </summary>
public interface ICommandSubmitter
{
    /// <summary>Copies an already encoded command into the ring.</summary>
    bool TrySubmit(ReadOnlySpan<byte> command);

    /// <summary>
    /// Encodes the command straight into its ring slot (claim, write, publish: no copy). The default
    /// encodes on the stack and copies, for submitters without slots of their own.
    /// </summary>
    bool TrySubmit<T>(in T command) where T : struct, IProtocolMessage<T>
    {
        Span<byte> frame = stackalloc byte[ProtocolCodec.MaxMessageSize];
        return TrySubmit(frame[..ProtocolCodec.Encode(command, frame)]);
    }

    /// <summary>Whether the ring has a free slot now (a hint: another producer may take it first).</summary>
    bool HasRoom => true;
}

/// <summary>
/// Receives the engine's events, one batch at a time, in engine order, inline: on the thread that
/// releases them (the engine thread, or, with the journal synced per batch, the journal's sync thread
/// once the batch's commands are durable). Take what is needed and return at once: never block and
/// never keep the buffer past the call. Anything that does real work per event is an
/// <see cref="IEventFollower"/> instead.
/// </summary>
public interface IEventConsumer
{
    void OnEvents(FrameBuffer events);
}

/// <summary>
/// Reads the engine's events from the outbound ring (<see cref="EventRing"/>) with its own reader on
/// a thread of its own. The engine runner attaches <see cref="Reader"/> to its ring; the follower's
/// thread runs <see cref="EventReader.Follow"/>. <see cref="IEventConsumer.OnEvents"/> is then only
/// for batches from outside the ring (a catch-up replayed at start), which the follower copies and
/// takes ahead of the ring's.
/// </summary>
public interface IEventFollower : IEventConsumer
{
    EventReader Reader { get; }
}

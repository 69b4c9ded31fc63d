using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// Where a front end hands encoded commands to the engine. The command's sequence and time are
/// stamped by the sequencer (leave them 0). Never blocks: false means the inbound ring is full
/// right now (the caller may retry or reject).
/// </summary>
public interface ICommandSubmitter
{
    bool TrySubmit(ReadOnlySpan<byte> command);
}

/// <summary>
/// Receives the engine's events, one batch at a time, in engine order, from one thread at a time:
/// the engine thread, or, with the journal synced per batch, the journal's sync thread once the
/// batch's commands are durable. Take what is needed and return at once: never block; never keep
/// the buffer past the call except through a reference (<see cref="EventBatch.Share"/>, returned
/// when read), and know that every buffer held that way holds the engine back once the pool runs out.
/// </summary>
public interface IEventConsumer
{
    void OnEvents(FrameBuffer events);
}

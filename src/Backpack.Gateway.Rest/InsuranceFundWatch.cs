using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Rest;

/// <summary>
/// The insurance fund's balance as the engine's events move it, for GET /api/v1/x/insuranceFund:
/// seeded with the engine's balance before the engine thread starts (after recovery), then each
/// <see cref="InsuranceFundChanged"/> carries the balance after it. Light (it reads each frame's type
/// and decodes the rare fund event, no allocation): the host runs it among the observers that follow
/// the engine's ring on one thread.
/// </summary>
public sealed class InsuranceFundWatch(long balance) : IEventConsumer
{
    private long _balance = balance;

    /// <summary>The balance in micro-USDC after the last event seen.</summary>
    public long Balance => Volatile.Read(ref _balance);

    public void OnEvents(FrameBuffer events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            var frame = events[i];
            if (ProtocolCodec.TryReadType(frame, out var type, out _) && type == MessageType.InsuranceFundChanged
                && ProtocolCodec.TryDecode(frame, out InsuranceFundChanged e, out _))
            {
                Volatile.Write(ref _balance, e.Balance);
            }
        }
    }
}

using Backpack.Gateway.Engine;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// What the FIX gateway missed when the process died: the FIX stores hold the reports of every
/// event up to their applied sequence (see Fix's AppliedSequence), the journal goes further. During
/// the start-up replay this keeps the sessions' open orders as they stood at the applied sequence
/// and the events of every command after it, so that the FIX gateway, fed them before the engine
/// starts, stores the reports it never wrote (the engine is deterministic: the same events). The
/// reports of the batch the crash interrupted may be stored twice, with the same ExecIDs.
/// </summary>
public sealed class FixCatchUp(long applied, IReadOnlyCollection<int> accounts)
{
    private readonly List<FrameBuffer> _batches = [];
    private Dictionary<int, IReadOnlyList<OrderSnapshot>>? _openOrders;

    /// <summary>The sequence the FIX stores had saved events up to.</summary>
    public long Applied { get; } = applied;

    /// <summary>True once the replay passed <see cref="Applied"/> (a catch-up is possible and prepared).</summary>
    public bool Ready => _openOrders is not null;

    /// <summary>The events of each replayed command after <see cref="Applied"/>, in order.</summary>
    public IReadOnlyList<FrameBuffer> Batches => _batches;

    /// <summary>Open orders of an account at <see cref="Applied"/>.</summary>
    public IReadOnlyList<OrderSnapshot> OpenOrders(int account) => _openOrders?.GetValueOrDefault(account) ?? [];

    /// <summary>Called with the engine before the first replayed command (it is at its snapshot's sequence, or 0).</summary>
    public void Start(MatchingEngine engine)
    {
        if (engine.LastSequence == Applied) Capture(engine);
    }

    /// <summary>Called after each replayed command.</summary>
    public void After(long sequence, FrameBuffer events, MatchingEngine engine)
    {
        if (sequence == Applied) Capture(engine);
        else if (sequence > Applied && _openOrders is not null)
        {
            var copy = new FrameBuffer(Math.Max(events.Length, 256), Math.Max(events.Count, 4));
            for (int i = 0; i < events.Count; i++) copy.WriteFrame(events[i]);
            _batches.Add(copy);
        }
    }

    private void Capture(MatchingEngine engine) => _openOrders = accounts.ToDictionary(a => a, a => engine.SnapshotOrders(a));
}

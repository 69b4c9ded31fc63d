using Backpack.Gateway.Host.Services;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Host.Admin;

/// <summary>
/// The venue's recent margin-call, liquidation and ADL events as the engine emitted them, for
/// GET /admin/liquidation-events: an operator's audit trail, and what the load tests compare with
/// what their clients received. Recorded on the engine thread (these events are rare, so a lock is
/// cheap); at least the newest <see cref="Capacity"/> are kept.
/// </summary>
public sealed class LiquidationLog : IEventConsumer
{
    public const int Capacity = 200_000;

    private readonly IReadOnlyList<MarketDefinition> _markets;
    // In sequence order; trimmed from the front by a tenth of the capacity at a time.
    private readonly List<Entry> _entries = [];
    private long _newestDropped;

    public LiquidationLog(Venue venue)
    {
        _markets = venue.Markets;
        venue.Observers.Add(this);
    }

    /// <summary>One event in decimal units. Fields that do not apply to the kind are null.</summary>
    public sealed record Entry(long Sequence, long Time, string Kind, int Account, long? LiquidationId,
        string? Symbol = null, string? Stage = null, string? Side = null, decimal? Price = null, decimal? Quantity = null,
        long? TradeId = null, int? Counterparty = null, string? Role = null, string? Outcome = null);

    /// <summary>
    /// The events after <paramref name="afterSequence"/>: about <paramref name="limit"/> of them (a page
    /// is completed to the end of its last command's events), whether the log still reaches back that
    /// far, and whether more follow.
    /// </summary>
    public (IReadOnlyList<Entry> Events, bool Complete, bool More) Read(long afterSequence, int limit)
    {
        lock (_entries)
        {
            // Binary search for the first event after the point: the observers' thread waits on this lock.
            int lo = 0, hi = _entries.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_entries[mid].Sequence <= afterSequence) lo = mid + 1;
                else hi = mid;
            }
            // A page ends at a command boundary, so that the next one can start after its sequence.
            int end = Math.Min(_entries.Count, lo + limit);
            while (end < _entries.Count && end > lo && _entries[end].Sequence == _entries[end - 1].Sequence) end++;
            // Complete unless an event after the requested point was already dropped.
            return (_entries.GetRange(lo, end - lo), _newestDropped <= afterSequence, end < _entries.Count);
        }
    }

    /// <summary>Records the batch's margin-call, liquidation and ADL events (on the observers' thread, which follows the engine's ring).</summary>
    public void OnEvents(FrameBuffer events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            var frame = events[i];
            if (!ProtocolCodec.TryReadType(frame, out var type, out _)) continue;
            Entry? entry = type switch
            {
                MessageType.MarginCall when ProtocolCodec.TryDecode(frame, out MarginCall e, out _) =>
                    new Entry(e.Header.Sequence, e.Header.Time, "marginCall", e.AccountId, null),
                MessageType.LiquidationStarted when ProtocolCodec.TryDecode(frame, out LiquidationStarted e, out _) =>
                    new Entry(e.Header.Sequence, e.Header.Time, "liquidationStarted", e.AccountId, e.LiquidationId),
                MessageType.LiquidationFill when ProtocolCodec.TryDecode(frame, out LiquidationFill e, out _) => Fill(e),
                MessageType.LiquidationEnded when ProtocolCodec.TryDecode(frame, out LiquidationEnded e, out _) =>
                    new Entry(e.Header.Sequence, e.Header.Time, "liquidationEnded", e.AccountId, e.LiquidationId, Outcome: e.Outcome.ToString()),
                MessageType.AdlNotice when ProtocolCodec.TryDecode(frame, out AdlNotice e, out _) => Adl(e),
                _ => null,
            };
            if (entry is null) continue;
            lock (_entries)
            {
                if (_entries.Count == Capacity + Capacity / 10)
                {
                    int drop = _entries.Count - Capacity;
                    _newestDropped = _entries[drop - 1].Sequence;
                    _entries.RemoveRange(0, drop);
                }
                _entries.Add(entry);
            }
        }
    }

    private Entry Fill(LiquidationFill e)
    {
        var market = _markets[e.MarketId - 1];
        return new Entry(e.Header.Sequence, e.Header.Time, "liquidationFill", e.AccountId, e.LiquidationId, market.Symbol, e.Stage.ToString(),
            SideName(e.Side), e.Price * market.TickSize, e.Quantity * market.StepSize, e.TradeId, e.CounterpartyAccountId);
    }

    private Entry Adl(AdlNotice e)
    {
        var market = _markets[e.MarketId - 1];
        return new Entry(e.Header.Sequence, e.Header.Time, "adl", e.AccountId, e.LiquidationId, market.Symbol, Side: SideName(e.Side),
            Price: e.Price * market.TickSize, Quantity: e.Quantity * market.StepSize, Counterparty: e.CounterpartyAccountId, Role: e.Role.ToString());
    }

    /// <summary>Sides as the WebSocket API names them (Bid buys, Ask sells).</summary>
    private static string SideName(Side side) => side == Side.Buy ? "Bid" : "Ask";
}

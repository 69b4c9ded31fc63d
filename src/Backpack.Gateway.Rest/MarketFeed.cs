using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Follows the engine's event stream on a thread of its own and keeps each market's
/// <see cref="MarketState"/>, for the public endpoints that answer from live state (depth, mark
/// prices, funding, open interest); the history endpoints answer from the history database. The
/// engine thread only copies each batch into the queue (<see cref="Post"/>).
/// </summary>
public sealed class MarketFeed : EventFollower
{
    private readonly MarketState[] _markets;
    private long _sequence;

    public MarketFeed(int marketCount) : base("rest-feed")
    {
        _markets = new MarketState[marketCount];
        for (int i = 0; i < marketCount; i++) _markets[i] = new MarketState(i + 1);
    }

    /// <summary>The state of market <paramref name="marketId"/> (1-based).</summary>
    public MarketState this[int marketId] => _markets[marketId - 1];

    /// <summary>Engine sequence of the last batch applied.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Called on the feed's thread after each batch (tests wait on it).</summary>
    public Action<long>? Applied { get; set; }

    public override void Apply(Protocol.Framing.FrameBuffer batch)
    {
        long last = 0;
        for (int i = 0; i < batch.Count; i++) last = Apply(batch[i]);
        if (last > 0) Interlocked.Exchange(ref _sequence, last);
        Applied?.Invoke(last);
    }

    private long Apply(ReadOnlySpan<byte> frame)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return 0;
        switch (type)
        {
            case MessageType.BookDelta:
            {
                var e = ProtocolCodec.Decode<BookDelta>(frame);
                if (Known(e.MarketId)) this[e.MarketId].OnBookDelta(e);
                return e.Header.Sequence;
            }
            case MessageType.MarkPrice:
            {
                var e = ProtocolCodec.Decode<MarkPrice>(frame);
                if (Known(e.MarketId)) this[e.MarketId].OnMarkPrice(e);
                return e.Header.Sequence;
            }
            case MessageType.Trade:
            {
                var e = ProtocolCodec.Decode<Trade>(frame);
                if (Known(e.MarketId)) this[e.MarketId].OnTrade(e);
                return e.Header.Sequence;
            }
            case MessageType.FundingRate:
            {
                var e = ProtocolCodec.Decode<FundingRate>(frame);
                if (Known(e.MarketId)) this[e.MarketId].OnFundingRate(e);
                return e.Header.Sequence;
            }
            case MessageType.PositionChanged:
            {
                var e = ProtocolCodec.Decode<PositionChanged>(frame);
                if (Known(e.MarketId)) this[e.MarketId].OnPositionChanged(e);
                return e.Header.Sequence;
            }
            case MessageType.AdlQueueBand:
            {
                var e = ProtocolCodec.Decode<AdlQueueBand>(frame);
                if (Known(e.MarketId)) this[e.MarketId].OnAdlQueueBand(e);
                return e.Header.Sequence;
            }
            default:
                return 0;
        }
    }

    private bool Known(int marketId) => (uint)(marketId - 1) < (uint)_markets.Length;
}

using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// The ADL queue in the open (ours): adlQueue.&lt;symbol&gt; carries each score band that moved at a
/// ranking (a new subscriber first gets every band of both sides); account.adlQueue[.&lt;symbol&gt;]
/// carries the account's positions' places (a new subscriber first gets the places it holds now).
/// </summary>
public sealed partial class WsGateway
{
    // [market id][side * AdlBands.Count + (int)band]
    private (int Positions, long Notional)[][] _adlBands = null!;

    private void CreateAdlQueues()
    {
        _adlBands = new (int, long)[_markets.Count + 1][];
        for (int m = 0; m < _adlBands.Length; m++) _adlBands[m] = new (int, long)[2 * AdlBands.Count];
    }

    /// <summary>Starts a market's ADL queue bands from the engine's (a venue that recovered).</summary>
    public void SeedAdlQueue(int marketId, IEnumerable<(Side Side, AdlBand Band, int Positions, long Notional)> bands)
    {
        if (!_markets.Contains(marketId)) return;
        foreach (var (side, band, positions, notional) in bands) _adlBands[marketId][(int)side * AdlBands.Count + (int)band] = (positions, notional);
    }

    private void OnAdlQueueBand(in AdlQueueBand e)
    {
        if (!_markets.Contains(e.MarketId)) return;
        _adlBands[e.MarketId][(int)e.Side * AdlBands.Count + (int)e.Band] = (e.Positions, e.Notional);
        Publish(new StreamKey(StreamKind.AdlQueue, e.MarketId), new AdlQueueBandBody(_encoder, e));
    }

    private void OnAdlQueuePosition(in AdlQueuePosition e)
    {
        if (!_views.TryGetValue(e.AccountId, out var view)) return;
        view.AdlPlaceChanged(e); // a rank 0 for a position closed since still goes out: it left the queue
        ToAccount(view, StreamKind.AccountAdlQueue, e.MarketId, new AdlPlaceBody(_encoder, e.MarketId, AdlPlaceInfo.From(e), e.Header.Time));
    }

    /// <summary>A new subscriber's start: the place of each position the account holds in a queue now.</summary>
    private void AdlPlaces(WsConnection connection, AccountView view, StreamKey key)
    {
        foreach (var (marketId, position) in view.Positions)
        {
            if ((key.MarketId != 0 && key.MarketId != marketId) || position.Adl.Rank == 0) continue;
            SendTo(connection, key, new AdlPlaceBody(_encoder, marketId, position.Adl, _lastTime));
        }
    }

    private readonly ref struct AdlQueueBandBody(StreamEncoder encoder, in AdlQueueBand e) : IBody
    {
        private readonly AdlQueueBand _e = e;

        public void Write(MessageWriter w) => encoder.AdlQueueBand(w, _e);
    }

    private readonly ref struct AdlQueueSnapshotBody(StreamEncoder encoder, int marketId, (int Positions, long Notional)[] bands, long time) : IBody
    {
        public void Write(MessageWriter w) => encoder.AdlQueueSnapshot(w, marketId, bands, time);
    }

    private readonly ref struct AdlPlaceBody(StreamEncoder encoder, int marketId, in AdlPlaceInfo place, long time) : IBody
    {
        private readonly AdlPlaceInfo _place = place;

        public void Write(MessageWriter w) => encoder.AdlQueuePosition(w, marketId, _place, time);
    }
}

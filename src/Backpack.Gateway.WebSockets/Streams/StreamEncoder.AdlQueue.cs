using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>The ADL queue in the open (ours): a position's place to its account, the queue's depth by score band to everyone.</summary>
internal sealed partial class StreamEncoder
{
    /// <summary>A position's place in its ADL queue at the last ranking (rank 0: out of the queue).</summary>
    public void AdlQueuePosition(MessageWriter w, int marketId, in AdlPlaceInfo place, long time)
    {
        w.String("e"u8, "adlQueuePosition"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        w.Number("rank"u8, place.Rank);
        w.Number("queueLength"u8, place.Length);
        w.Usdc("notionalAhead"u8, place.Ahead);
        w.Usdc("notional"u8, place.Notional);
        w.Ratio("score"u8, place.Score);
        w.Number("T"u8, time);
    }

    /// <summary>One score band of one side of a market's ADL queue that moved.</summary>
    public void AdlQueueBand(MessageWriter w, in AdlQueueBand e)
    {
        w.String("e"u8, "adlQueue"u8);
        w.Number("E"u8, e.Header.Time);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.String("side"u8, e.Side == Side.Buy ? "Long"u8 : "Short"u8);
        Band(w, (int)e.Band, e.Positions, e.Notional);
        w.Number("T"u8, e.Header.Time);
    }

    /// <summary>Every band of both sides (a new subscriber's start): longs then shorts, band 0 (deleveraged first) first.</summary>
    public void AdlQueueSnapshot(MessageWriter w, int marketId, ReadOnlySpan<(int Positions, long Notional)> bands, long time)
    {
        w.String("e"u8, "adlQueueSnapshot"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        for (int side = 0; side < 2; side++)
        {
            w.BeginArray(side == 0 ? "long"u8 : "short"u8);
            for (int b = 0; b < AdlBands.Count; b++)
            {
                var (positions, notional) = bands[side * AdlBands.Count + b];
                w.BeginObject();
                Band(w, b, positions, notional);
                w.EndObject();
            }
            w.EndArray();
        }
        w.Number("T"u8, time);
    }

    /// <summary>A band: its index, its score range (null = open-ended), its positions and their notional at the mark.</summary>
    private static void Band(MessageWriter w, int band, int positions, long notional)
    {
        w.Number("band"u8, band);
        if (band == AdlBands.Count - 1) w.Null("scoreFrom"u8);
        else w.Ratio("scoreFrom"u8, AdlBands.LowerEdgePpm[band]);
        if (band == 0) w.Null("scoreTo"u8);
        else w.Ratio("scoreTo"u8, AdlBands.LowerEdgePpm[band - 1]);
        w.Number("positions"u8, positions);
        w.Usdc("notional"u8, notional);
    }
}

/// <summary>A position's place in its ADL queue as the private stream tells it.</summary>
internal struct AdlPlaceInfo
{
    public int Rank;
    public int Length;
    public long Ahead;
    public long Notional;
    public long Score;

    public static AdlPlaceInfo From(in AdlQueuePosition e) =>
        new() { Rank = e.Rank, Length = e.QueueLength, Ahead = e.NotionalAhead, Notional = e.Notional, Score = e.Score };
}

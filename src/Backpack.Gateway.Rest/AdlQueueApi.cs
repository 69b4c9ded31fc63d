using System.Text.Json;
using Backpack.Gateway.Protocol.Events;
using Microsoft.AspNetCore.Routing;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest;

/// <summary>
/// The ADL queue in the open, public side (ours, docs/rest.md): GET /api/v1/x/adlQueue?symbol= gives
/// each side of a market's auto-deleveraging queue by score band, as the engine ranked it at its last
/// tick. Anonymous: counts and notionals only. A position's own place is on GET /api/v1/position and
/// the account.adlQueue stream.
/// </summary>
public static class AdlQueueApi
{
    public static void MapPublic(IEndpointRouteBuilder app, RestVenue venue) =>
        PublicApi.Map(app, venue, "/api/v1/x/adlQueue", (context, q) =>
        {
            var m = PublicApi.RequireMarket(venue, q);
            var (bands, time) = venue.Feed[m.Id].AdlQueue();
            return Write(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("symbol", m.Symbol);
                Side(w, "long", bands.AsSpan(0, AdlBands.Count));
                Side(w, "short", bands.AsSpan(AdlBands.Count, AdlBands.Count));
                w.WriteNumber("timestamp", Millis(time == 0 ? venue.Now : time)); // the last change
                w.WriteEndObject();
            });
        });

    /// <summary>One side: its positions and notional, then every band (highest scores first) with the notional ranked before it.</summary>
    private static void Side(Utf8JsonWriter w, string name, ReadOnlySpan<(int Positions, long Notional)> bands)
    {
        int positions = 0;
        long notional = 0;
        foreach (var (p, n) in bands)
        {
            positions += p;
            notional += n;
        }
        w.WriteStartObject(name);
        w.WriteNumber("positions", positions);
        w.WriteString("notional", Usdc(notional));
        w.WriteStartArray("bands");
        long ahead = 0;
        for (int b = 0; b < bands.Length; b++)
        {
            w.WriteStartObject();
            w.WriteNumber("band", b);
            ScoreEdge(w, "scoreFrom", b == bands.Length - 1 ? null : AdlBands.LowerEdgePpm[b]);
            ScoreEdge(w, "scoreTo", b == 0 ? null : AdlBands.LowerEdgePpm[b - 1]);
            w.WriteNumber("positions", bands[b].Positions);
            w.WriteString("notional", Usdc(bands[b].Notional));
            w.WriteString("notionalAhead", Usdc(ahead));
            w.WriteEndObject();
            ahead += bands[b].Notional;
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void ScoreEdge(Utf8JsonWriter w, string name, long? ppm)
    {
        if (ppm is { } value) w.WriteString(name, Ppm(value));
        else w.WriteNull(name);
    }
}

using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Microsoft.AspNetCore.Routing;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest;

/// <summary>
/// The audit trail of one liquidation, from the history database (docs/rest.md, docs/liquidation.md):
/// its start, each step with the figures it was decided on (mark, index, equity, maintenance,
/// notional, urgency, the band's worst price, the depth inside it, the lots sent, the bankruptcy
/// price), every forced close of every stage, and its end. Public: anonymous (no account named).
/// Signed: the signer's own liquidations only, with the accounts on the other side of each close.
/// </summary>
internal static class LiquidationTrailApi
{
    /// <summary>The anonymous trail, among our public extensions.</summary>
    public static void MapPublic(IEndpointRouteBuilder app, RestVenue venue) =>
        PublicApi.Map(app, venue, "/api/v1/x/liquidation", (context, q) =>
        {
            long id = Id(q);
            var (events, steps) = Load(venue, id);
            return Write(context, 200, w => Trail(w, venue, id, events, steps, full: false));
        });

    /// <summary>The signer's own trail in full, among the signed endpoints.</summary>
    public static void MapPrivate(IEndpointRouteBuilder app, RestVenue venue) =>
        PrivateApi.Map(app, venue, "GET", "/wapi/v1/x/liquidation", "liquidationQuery", r =>
        {
            long id = Id(r.Query);
            var (events, steps) = Load(r.Venue, id);
            // Another account's liquidation is answered as one that does not exist.
            if (!events.Any(e => e.Event.Kind == "liquidationStarted" && e.Event.Account == r.Account)) throw RestError.NotFound($"No liquidation {id} of this account");
            return Write(r.Context, 200, w => Trail(w, r.Venue, id, events, steps, full: true));
        });

    private static long Id(IReadOnlyDictionary<string, string> q) =>
        q.TryGetValue("id", out string? text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0
            ? id
            : throw RestError.BadRequest("id must be a liquidation id (digits)");

    private static (IReadOnlyList<(LiquidationEventRow Event, int Position)> Events, IReadOnlyList<LiquidationStepRow> Steps) Load(RestVenue venue, long id)
    {
        var events = venue.History.LiquidationTrail(id);
        if (events.Count == 0) throw RestError.NotFound($"No liquidation {id}");
        return (events, venue.History.LiquidationSteps(id));
    }

    private static void Trail(Utf8JsonWriter w, RestVenue venue, long id, IReadOnlyList<(LiquidationEventRow Event, int Position)> events,
        IReadOnlyList<LiquidationStepRow> steps, bool full)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        var ended = events.FirstOrDefault(e => e.Event.Kind == "liquidationEnded").Event;
        if (ended is null) w.WriteNull("outcome");
        else w.WriteString("outcome", ((LiquidationOutcome)ended.Detail).ToString());
        w.WriteStartArray("trail");
        int s = 0;
        foreach (var (e, position) in events)
        {
            // The steps of a command come in their place among its events.
            for (; s < steps.Count && (steps[s].Sequence, steps[s].Position).CompareTo((e.Sequence, position)) < 0; s++) Step(w, venue, steps[s]);
            Event(w, venue, e, full);
        }
        for (; s < steps.Count; s++) Step(w, venue, steps[s]);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Step(Utf8JsonWriter w, RestVenue venue, LiquidationStepRow r)
    {
        w.WriteStartObject();
        w.WriteString("kind", "step");
        w.WriteNumber("timestamp", Millis(r.Time));
        w.WriteString("action", ((LiquidationAction)r.Action).ToString());
        w.WriteString("equity", Usdc(r.Equity));
        w.WriteString("maintenanceMargin", Usdc(r.MaintenanceMargin));
        w.WriteString("notional", Usdc(r.Notional));
        w.WriteString("urgency", Ppm(r.Urgency));
        if (r.Market != 0)
        {
            var m = venue.Market(r.Market);
            w.WriteString("symbol", m.Symbol);
            w.WriteString("markPrice", Price(m, r.MarkPrice));
            w.WriteString("indexPrice", Price(m, r.IndexPrice));
            if (r.BankruptcyPrice > 0) w.WriteString("bankruptcyPrice", Price(m, r.BankruptcyPrice));
            if (r.Quantity > 0)
            {
                w.WriteString("limit", Price(m, r.Limit));
                w.WriteString("bandDepth", Quantity(m, r.BandDepth));
                w.WriteString("quantity", Quantity(m, r.Quantity));
            }
        }
        w.WriteEndObject();
    }

    private static void Event(Utf8JsonWriter w, RestVenue venue, LiquidationEventRow e, bool full)
    {
        switch (e.Kind)
        {
            case "liquidationStarted":
                w.WriteStartObject();
                w.WriteString("kind", "started");
                w.WriteNumber("timestamp", Millis(e.Time));
                w.WriteString("marginRatio", Ppm(e.Detail));
                if (full) w.WriteNumber("account", e.Account);
                w.WriteEndObject();
                break;
            case "liquidationFill":
            {
                var m = venue.Market(e.Market);
                w.WriteStartObject();
                w.WriteString("kind", "fill");
                w.WriteNumber("timestamp", Millis(e.Time));
                w.WriteString("stage", (LiquidationStage)e.Stage switch { LiquidationStage.Book => "Book", LiquidationStage.Backstop => "Backstop", _ => "Adl" });
                w.WriteString("symbol", m.Symbol);
                w.WriteString("side", (Side)e.Side == Side.Buy ? "Bid" : "Ask");
                w.WriteString("price", Price(m, e.Price));
                w.WriteString("quantity", Quantity(m, e.Quantity));
                w.WriteString("bankruptcyPrice", Price(m, e.Detail));
                w.WriteNumber("tradeId", e.TradeId);
                if (full) w.WriteNumber("counterparty", e.Counterparty);
                w.WriteEndObject();
                break;
            }
            case "liquidationEnded":
                w.WriteStartObject();
                w.WriteString("kind", "ended");
                w.WriteNumber("timestamp", Millis(e.Time));
                w.WriteString("outcome", ((LiquidationOutcome)e.Detail).ToString());
                w.WriteEndObject();
                break;
            // ADL notices: the fills above already carry each ADL close.
        }
    }
}

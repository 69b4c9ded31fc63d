using System.Text.Json;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Our public extensions under /api/v1/x/ (not Backpack's; docs/rest.md): what the venue's web page
/// needs on first load that Backpack's public API has no endpoint for, the insurance fund's balance
/// and its history (every movement with its reason, and the drawdowns), and the recent forced closes
/// (the WebSocket API's <c>insuranceFund</c> and <c>liquidation</c> streams only tell what happens
/// after a client subscribed).
/// </summary>
public static class VenueApi
{
    public static void MapVenueApi(this IEndpointRouteBuilder app, RestVenue venue, Func<long> insuranceFundMicros)
    {
        PublicApi.Map(app, venue, "/api/v1/x/insuranceFund", (context, _) => Write(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("balance", Usdc(insuranceFundMicros()));
            w.WriteNumber("timestamp", Millis(venue.Now));
            w.WriteEndObject();
        }));
        PublicApi.Map(app, venue, "/api/v1/x/insuranceFund/history", (context, q) =>
        {
            var (from, to) = Window(q);
            var rows = venue.History.FundMovements(from, to,
                PublicApi.Int(q, "limit", 1000, 1, 10_000));
            return Write(context, 200, w => FundHistory(w, rows, insuranceFundMicros()));
        });
        LiquidationTrailApi.MapPublic(app, venue);
        AdlQueueApi.MapPublic(app, venue);
        PublicApi.Map(app, venue, "/api/v1/x/liquidations", (context, q) =>
        {
            int market = q.ContainsKey("symbol") ? PublicApi.RequireMarket(venue, q).Id : 0; // 0: every market
            var rows = venue.History.LiquidationFills(market, PublicApi.Int(q, "limit", 100, 1, 1000));
            return Write(context, 200, w =>
            {
                w.WriteStartArray();
                foreach (var r in rows) Liquidation(w, venue, r);
                w.WriteEndArray();
            });
        });
    }

    /// <summary>
    /// The fund's movements oldest first, each with the balance after it and its drawdown (how far
    /// the balance is under the highest balance before it in the window); the window's peak, its
    /// largest drawdown and the balance now.
    /// </summary>
    private static void FundHistory(Utf8JsonWriter w, IReadOnlyList<FundMovementRow> rows, long balance)
    {
        long peak = rows.Count > 0 ? rows[0].Balance - rows[0].Change : balance; // the balance before the first movement
        long worst = 0, worstPeak = peak;
        w.WriteStartObject();
        w.WriteString("balance", Usdc(balance));
        w.WriteStartArray("movements");
        foreach (var r in rows)
        {
            peak = Math.Max(peak, r.Balance);
            long drawdown = peak - r.Balance;
            if (drawdown > worst) (worst, worstPeak) = (drawdown, peak);
            w.WriteStartObject();
            w.WriteNumber("timestamp", Millis(r.Time));
            w.WriteString("change", Usdc(r.Change));
            w.WriteString("balance", Usdc(r.Balance));
            w.WriteString("reason", r.Reason);
            if (r.LiquidationId != 0) w.WriteNumber("liquidationId", r.LiquidationId);
            w.WriteString("drawdown", Usdc(drawdown));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("peak", Usdc(peak));
        w.WriteString("maxDrawdown", Usdc(worst));
        w.WriteString("maxDrawdownPercent", worstPeak > 0 ? (100m * worst / worstPeak).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "0");
        w.WriteEndObject();
    }

    /// <summary>One forced close, with the fields of the WebSocket API's public <c>liquidation</c> message; the account is not named.</summary>
    private static void Liquidation(Utf8JsonWriter w, RestVenue venue, LiquidationEventRow r)
    {
        var m = venue.Markets[r.Market - 1];
        w.WriteStartObject();
        w.WriteNumber("id", r.TradeId);
        w.WriteString("price", Price(m, r.Price));
        w.WriteString("quantity", Quantity(m, r.Quantity));
        w.WriteString("side", (Side)r.Side == Side.Buy ? "Bid" : "Ask");
        w.WriteString("stage", (LiquidationStage)r.Stage switch { LiquidationStage.Book => "Book", LiquidationStage.Backstop => "Backstop", _ => "Adl" });
        w.WriteString("symbol", m.Symbol);
        w.WriteNumber("timestamp", Millis(r.Time));
        w.WriteEndObject();
    }
}

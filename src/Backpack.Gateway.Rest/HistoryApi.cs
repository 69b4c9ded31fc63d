using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Backpack's signed history endpoints (docs/rest.md): fills, orders, funding payments, deposits
/// and withdrawals of the signing account, from the history database. Every answer carries
/// <c>X-History-Behind</c>: how many engine sequence numbers the database is behind the events the
/// engine has published (0 = up to date).
/// </summary>
internal static class HistoryApi
{
    private const int DefaultLimit = 100, MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app, RestVenue venue)
    {
        PrivateApi.Map(app, venue, "GET", "/wapi/v1/history/fills", "fillHistoryQueryAll", Fills);
        PrivateApi.Map(app, venue, "GET", "/wapi/v1/history/orders", "orderHistoryQueryAll", Orders);
        PrivateApi.Map(app, venue, "GET", "/wapi/v1/history/funding", "fundingHistoryQueryAll", Funding);
        PrivateApi.Map(app, venue, "GET", "/wapi/v1/capital/deposits", "depositQueryAll", Deposits);
        PrivateApi.Map(app, venue, "GET", "/wapi/v1/capital/withdrawals", "withdrawalQueryAll", Withdrawals);
    }

    private static Task Fills(SignedRequest r)
    {
        var (history, limit, offset) = Open(r);
        var (from, to) = Window(r.Query, "to");
        long origins = FillOrigins(r.Query.GetValueOrDefault("fillType"));
        long orderId = r.Query.TryGetValue("orderId", out string? text)
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0 ? id : throw RestError.BadRequest("orderId must be an order id (digits)")
            : 0;
        var rows = history.Fills(r.Account, r.MarketId(required: false), from, to, limit, offset, origins, orderId);
        return Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var f in rows)
            {
                var m = r.Venue.Market(f.Market);
                w.WriteStartObject();
                if (f.ClientOrderId is > 0 and <= uint.MaxValue) w.WriteString("clientId", f.ClientOrderId.ToString(CultureInfo.InvariantCulture));
                else w.WriteNull("clientId");
                w.WriteString("fee", Usdc(f.Fee));
                w.WriteString("feeSymbol", "USDC");
                w.WriteBoolean("isMaker", f.Liquidity == (int)Liquidity.Maker);
                w.WriteString("orderId", f.OrderId.ToString(CultureInfo.InvariantCulture));
                w.WriteString("price", Price(m, f.Price));
                w.WriteString("quantity", Quantity(m, f.Quantity));
                w.WriteString("side", f.Side == (int)Side.Buy ? "Bid" : "Ask");
                w.WriteString("symbol", m.Symbol);
                if (f.Origin == (int)OrderOrigin.User) w.WriteNull("systemOrderType");
                else w.WriteString("systemOrderType", SystemOrderType((OrderOrigin)f.Origin));
                w.WriteString("timestamp", Iso(f.Time));
                w.WriteNumber("tradeId", f.TradeId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    /// <summary>Backpack's fillType filter as a bit per order origin (CCXT sends User unless told otherwise).</summary>
    private static long FillOrigins(string? fillType) => fillType switch
    {
        null or "" => -1,
        "User" => 1L << (int)OrderOrigin.User,
        "BookLiquidation" => 1L << (int)OrderOrigin.LiquidationAutoclose,
        "Backstop" => 1L << (int)OrderOrigin.BackstopLiquidityProvider,
        "Adl" => 1L << (int)OrderOrigin.AdlAutoclose,
        "Liquidation" or "AllLiquidation" => -1 & ~(1L << (int)OrderOrigin.User),
        "CollateralConversion" or "CollateralConversionAndSpotLiquidation" => 0,
        _ => throw RestError.BadRequest("fillType must be User, BookLiquidation, Adl, Backstop, Liquidation or AllLiquidation"),
    };

    /// <summary>What Backpack calls a fill the venue made for the account (its systemOrderType).</summary>
    private static string SystemOrderType(OrderOrigin origin) => origin switch
    {
        OrderOrigin.LiquidationAutoclose => "LiquidatePositionOnBook",
        OrderOrigin.BackstopLiquidityProvider => "LiquidatePositionOnBackstop",
        OrderOrigin.AdlAutoclose => "LiquidatePositionOnAdl",
        _ => origin.ToString(),
    };

    private static Task Orders(SignedRequest r)
    {
        var (history, limit, offset) = Open(r);
        IReadOnlyList<OrderRow> rows;
        if (r.Query.TryGetValue("orderId", out string? text))
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) || id <= 0) throw RestError.BadRequest("orderId must be an order id (digits)");
            rows = history.Order(id) is { } row && row.Account == r.Account ? [row] : [];
        }
        else
        {
            rows = history.Orders(r.Account, r.MarketId(required: false), limit, offset);
        }
        return Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var o in rows) Rest.Orders.RestOrder.From(r.Venue.Market(o.Market), o).Write(w, isoTime: true);
            w.WriteEndArray();
        });
    }

    private static Task Funding(SignedRequest r)
    {
        var (history, limit, offset) = Open(r);
        var rows = history.FundingPayments(r.Account, r.MarketId(required: false), limit, offset);
        return Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var p in rows)
            {
                w.WriteStartObject();
                w.WriteString("fundingRate", Ppb(p.Rate));
                w.WriteString("intervalEndTimestamp", Iso(p.IntervalEnd));
                w.WriteString("quantity", Usdc(p.Amount));
                w.WriteNumber("subaccountId", 0);
                w.WriteString("symbol", r.Venue.Market(p.Market).Symbol);
                w.WriteNumber("userId", r.Account);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    /// <summary>Deposits as Backpack lists them; the venue's are credited by its operator (source administrator, confirmed at once).</summary>
    private static Task Deposits(SignedRequest r)
    {
        var (history, limit, offset) = Open(r);
        // CCXT sends the end of the window as endTime; Backpack's documentation names it to.
        var (from, to) = Window(r.Query, r.Query.ContainsKey("endTime") ? "endTime" : "to");
        var rows = history.Transfers(r.Account, nameof(BalanceChangeReason.Deposit), limit, offset, from, to);
        return Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var t in rows)
            {
                w.WriteStartObject();
                w.WriteString("createdAt", Iso(t.Time));
                w.WriteNull("fiatAmount");
                w.WriteNull("fiatCurrency");
                w.WriteNull("fromAddress");
                w.WriteNumber("id", t.Sequence);
                w.WriteNull("institutionBic");
                w.WriteNull("platformMemo");
                w.WriteString("quantity", Usdc(t.Amount));
                w.WriteString("source", "administrator");
                w.WriteString("status", "confirmed");
                w.WriteString("symbol", "USDC");
                w.WriteNull("toAddress");
                w.WriteNull("transactionHash");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    /// <summary>Withdrawals as Backpack lists them: paid out by the venue's operator, internal, no fee.</summary>
    private static Task Withdrawals(SignedRequest r)
    {
        var (history, limit, offset) = Open(r);
        var (from, to) = Window(r.Query, "to");
        var rows = history.Transfers(r.Account, nameof(BalanceChangeReason.Withdrawal), limit, offset, from, to);
        return Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var t in rows)
            {
                w.WriteStartObject();
                w.WriteString("blockchain", "Internal");
                w.WriteNull("clientId");
                w.WriteString("createdAt", Iso(t.Time));
                w.WriteString("fee", "0");
                w.WriteNumber("id", t.Sequence);
                w.WriteBoolean("isInternal", true);
                w.WriteString("quantity", Usdc(Math.Abs(t.Amount)));
                w.WriteString("status", "confirmed");
                w.WriteString("symbol", "USDC");
                w.WriteNull("toAddress");
                w.WriteNull("transactionHash");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    /// <summary>The history database, the page asked for, and how far the database is behind (a header on the answer).</summary>
    private static (HistoryReader History, int Limit, int Offset) Open(SignedRequest r)
    {
        var history = r.Venue.History;
        int limit = PublicApi.Int(r.Query, "limit", DefaultLimit, 1, MaxLimit);
        int offset = PublicApi.Int(r.Query, "offset", 0, 0, int.MaxValue);
        long behind = Math.Max(0, r.Venue.Desk!.Published - history.Cursor());
        r.Context.Response.Headers["X-History-Behind"] = behind.ToString(CultureInfo.InvariantCulture);
        return (history, limit, offset);
    }
}

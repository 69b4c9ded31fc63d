using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Rest.Orders;
using Microsoft.AspNetCore.Routing;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Backpack's signed account endpoints (docs/rest.md): positions, balances, collateral and the
/// account's settings, from the engine's answer to QueryAccount (exact at the moment of the
/// query; cumulative funding from the history database).
/// </summary>
internal static class AccountApi
{
    public static void Map(IEndpointRouteBuilder app, RestVenue venue)
    {
        PrivateApi.Map(app, venue, "GET", "/api/v1/position", "positionQuery", Positions);
        PrivateApi.Map(app, venue, "GET", "/api/v1/capital", "balanceQuery", Capital);
        PrivateApi.Map(app, venue, "GET", "/api/v1/capital/collateral", "collateralQuery", Collateral);
        PrivateApi.Map(app, venue, "GET", "/api/v1/account", "accountQuery", Account);
    }

    private static async Task<AccountFigures> Figures(SignedRequest r, int marketId = 0) =>
        new(r.Venue, await r.QueryAccount(marketId).ConfigureAwait(false));

    private static async Task Positions(SignedRequest r)
    {
        // The whole account (a liquidation price depends on the other positions too), then the market asked for.
        int only = r.MarketId(required: false);
        var a = await Figures(r).ConfigureAwait(false);
        var shown = a.Positions.Where(p => only == 0 || p.MarketId == only).ToList();
        var funding = shown.ToDictionary(p => p.MarketId, p => r.Venue.HasHistory ? r.Venue.History.FundingTotal(r.Account, p.MarketId) : 0);
        await Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var p in shown)
            {
                var m = a.Market(p);
                decimal entry = a.EntryPrice(p);
                w.WriteStartObject();
                // Ours: the position's place in its ADL queue at the last ranking (every tick); 0 = not ranked yet.
                w.WriteString("adlNotionalAhead", Usdc(p.AdlNotionalAhead));
                w.WriteNumber("adlQueueLength", p.AdlQueueLength);
                w.WriteNumber("adlQuintile", p.AdlQuintile);
                w.WriteNumber("adlRank", p.AdlRank);
                w.WriteString("breakEvenPrice", Decimal(entry));
                w.WriteString("cumulativeFundingPayment", Usdc(funding[p.MarketId]));
                w.WriteString("cumulativeInterest", "0");
                w.WriteString("entryPrice", Decimal(entry));
                w.WriteString("estLiquidationPrice", Decimal(a.EstimatedLiquidationPrice(p)));
                w.WriteString("imf", Decimal(a.Imf(p)));
                Curve(w, "imfFunction", m.BaseImf, m.ImfFactor);
                w.WriteString("markPrice", Price(m, p.MarkPrice));
                w.WriteString("mmf", Decimal(a.Mmf(p)));
                Curve(w, "mmfFunction", m.BaseMmf, m.MmfFactor);
                w.WriteString("netCost", Decimal(a.Cost(p)));
                w.WriteString("netExposureNotional", Decimal(Math.Abs(a.Value(p))));
                w.WriteString("netExposureQuantity", Quantity(m, Math.Abs(p.Quantity)));
                w.WriteString("netQuantity", Decimal(a.Quantity(p)));
                w.WriteString("pnlRealized", Usdc(p.RealizedPnl));
                w.WriteString("pnlUnrealized", Decimal(Math.Round(a.Unrealized(p), 6)));
                w.WriteString("positionId", PositionId(r.Account, p.MarketId));
                w.WriteNull("subaccountId");
                w.WriteString("symbol", m.Symbol);
                w.WriteNumber("userId", r.Account);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>A position's id: the account and the market (a position is one per account and market), the same id the WebSocket's positionUpdate carries.</summary>
    private static string PositionId(int account, int market) =>
        Protocol.Markets.PositionIds.Of(account, market).ToString(CultureInfo.InvariantCulture);

    /// <summary>USDC, the only collateral: locked and available as <see cref="Split"/> has them.</summary>
    private static async Task Capital(SignedRequest r)
    {
        var a = await Figures(r).ConfigureAwait(false);
        var (available, locked) = Split(a);
        await Write(r.Context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("USDC");
            w.WriteString("available", Decimal(available));
            w.WriteString("locked", Decimal(locked));
            w.WriteString("staked", "0");
            w.WriteEndObject();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// USDC locked by the initial margin of positions and orders, and available for new orders: of
    /// the cash or, when the positions are at a loss, of the equity (unrealized gains are not available).
    /// </summary>
    private static (decimal Available, decimal Locked) Split(AccountFigures a)
    {
        decimal usable = Math.Max(Math.Min(a.Collateral, a.Equity), 0);
        decimal locked = Math.Min(Math.Max(a.InitialMargin, 0), usable);
        return (usable - locked, locked);
    }

    private static async Task Collateral(SignedRequest r)
    {
        var a = await Figures(r).ConfigureAwait(false);
        var (available, locked) = Split(a);
        decimal exposure = a.Exposure;
        await Write(r.Context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("assetsValue", Decimal(a.Collateral));
            w.WriteString("borrowLiability", "0");
            w.WriteStartArray("collateral");
            w.WriteStartObject();
            w.WriteString("assetMarkPrice", "1");
            w.WriteString("availableQuantity", Decimal(available));
            w.WriteString("balanceNotional", Decimal(a.Collateral));
            w.WriteString("collateralValue", Decimal(a.Collateral));
            w.WriteString("collateralWeight", "1");
            w.WriteString("lendQuantity", "0");
            w.WriteString("openOrderQuantity", "0");
            w.WriteString("symbol", "USDC");
            w.WriteString("totalQuantity", Decimal(a.Collateral));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("imf", Decimal(exposure == 0 ? 0 : Math.Round(a.InitialMargin / exposure, 8)));
            w.WriteString("liabilitiesValue", "0");
            if (exposure == 0) w.WriteNull("marginFraction");
            else w.WriteString("marginFraction", Decimal(Math.Round(a.Equity / exposure, 8)));
            w.WriteString("mmf", Decimal(exposure == 0 ? 0 : Math.Round(a.MaintenanceMargin / exposure, 8)));
            w.WriteString("netEquity", Decimal(a.Equity));
            w.WriteString("netEquityAvailable", Decimal(Math.Max(a.Equity - a.InitialMargin, 0)));
            w.WriteString("netEquityLocked", Decimal(Math.Min(a.InitialMargin, Math.Max(a.Equity, 0))));
            w.WriteString("netExposureFutures", Decimal(exposure));
            w.WriteString("pnlUnrealized", Decimal(a.Equity - a.Collateral));
            w.WriteString("unsettledEquity", Decimal(Math.Min(a.Collateral, 0)));
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task Account(SignedRequest r)
    {
        var a = await Figures(r).ConfigureAwait(false);
        var markets = r.Venue.Markets;
        decimal maker = markets.Min(m => m.MakerFee) * 10_000m, taker = markets.Min(m => m.TakerFee) * 10_000m;
        decimal leverage = markets.Min(m => 1m / m.BaseImf);
        await Write(r.Context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("autoBorrowSettlements", false);
            w.WriteBoolean("autoLend", false);
            w.WriteBoolean("autoRealizePnl", true);
            w.WriteBoolean("autoRepayBorrows", false);
            w.WriteString("borrowLimit", "0");
            w.WriteString("futuresMakerFee", Decimal(maker));
            w.WriteString("futuresTakerFee", Decimal(taker));
            w.WriteString("leverageLimit", Decimal(Math.Floor(leverage)));
            w.WriteNumber("limitOrders", a.Orders.Count(o => !o.Pending));
            w.WriteBoolean("liquidating", a.Snapshot?.Liquidating ?? false);
            w.WriteString("positionLimit", "0");
            w.WriteString("spotMakerFee", Decimal(maker));
            w.WriteString("spotTakerFee", Decimal(taker));
            w.WriteNumber("triggerOrders", a.Orders.Count(o => o.Pending));
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }
}

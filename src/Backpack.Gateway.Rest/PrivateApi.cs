using System.Text;
using System.Text.Json;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Rest.Orders;
using Backpack.Gateway.WebSockets.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Backpack's signed order endpoints (docs/rest.md): place (one or a batch), cancel (one or all),
/// and query open orders. Every request is verified (<see cref="SignedRequest"/>), then goes to the
/// engine as a protocol command through the <see cref="OrderDesk"/>, and is answered with what the
/// engine did: Backpack's order object, or its error.
/// </summary>
public static class PrivateApi
{
    public static void MapBackpackPrivateApi(this IEndpointRouteBuilder app, RestVenue venue)
    {
        Signed(app, "GET", "/api/v1/order", "orderQuery", OrderQuery);
        Signed(app, "POST", "/api/v1/order", "orderExecute", OrderExecute);
        Signed(app, "DELETE", "/api/v1/order", "orderCancel", OrderCancel);
        Signed(app, "GET", "/api/v1/orders", "orderQueryAll", OrderQueryAll);
        Signed(app, "POST", "/api/v1/orders", "orderExecute", OrderExecuteBatch, batch: true);
        Signed(app, "DELETE", "/api/v1/orders", "orderCancelAll", OrderCancelAll);
        AccountApi.Map(app, venue);
        HistoryApi.Map(app, venue);
        LiquidationTrailApi.MapPrivate(app, venue);

        void Signed(IEndpointRouteBuilder routes, string method, string path, string instruction, Func<SignedRequest, Task> handler, bool batch = false) =>
            Map(routes, venue, method, path, instruction, handler, batch);
    }

    /// <summary>A signed endpoint: the handler runs for a verified request; any <see cref="RestError"/> becomes Backpack's error body.</summary>
    internal static void Map(IEndpointRouteBuilder app, RestVenue venue, string method, string path, string instruction, Func<SignedRequest, Task> handler, bool batch = false) =>
        app.MapMethods(path, [method], async context =>
        {
            try
            {
                venue.LimitAddress(context);
                var request = await SignedRequest.ReadAsync(context, venue, instruction, batch).ConfigureAwait(false);
                await handler(request).ConfigureAwait(false);
            }
            catch (RestError e)
            {
                await Error(context, e).ConfigureAwait(false);
            }
        });

    private static async Task OrderExecute(SignedRequest r)
    {
        var (order, ticket) = await Place(r, r.Body).ConfigureAwait(false);
        if (ticket.Rejected != RejectReason.None) throw SignedRequest.Refused(ticket.Rejected);
        await Write(r.Context, 200, w => order.Write(w)).ConfigureAwait(false);
    }

    private static async Task OrderExecuteBatch(SignedRequest r)
    {
        // Each order is checked and sent on its own, in the batch's order; the answers keep that order.
        var placed = new List<Task<(RestOrder?, DeskTicket?, RestError?)>>();
        foreach (var item in r.Json.EnumerateArray())
        {
            byte[] json = Encoding.UTF8.GetBytes(item.GetRawText());
            placed.Add(PlaceOne(json));
        }
        var results = await Task.WhenAll(placed).ConfigureAwait(false);
        await Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var (order, ticket, error) in results)
            {
                var refusal = error ?? (ticket!.Rejected != RejectReason.None ? SignedRequest.Refused(ticket.Rejected) : null);
                if (refusal is not null)
                {
                    w.WriteStartObject();
                    w.WriteString("operation", "Err");
                    w.WriteString("code", refusal.Code);
                    w.WriteString("message", refusal.Message);
                    w.WriteEndObject();
                }
                else
                {
                    order!.Write(w, operation: "Ok");
                }
            }
            w.WriteEndArray();
        }).ConfigureAwait(false);

        async Task<(RestOrder?, DeskTicket?, RestError?)> PlaceOne(byte[] json)
        {
            try
            {
                var (order, ticket) = await Place(r, json).ConfigureAwait(false);
                return (order, ticket, null);
            }
            catch (RestError e)
            {
                // Each order on its own, even a busy engine's refusal (503) or a late answer (202):
                // the orders before it may have been placed, and the answer must say which.
                return (null, null, e);
            }
        }
    }

    /// <summary>Checks one order's parameters, sends it, and makes the order object of the answer (rejections are in the ticket).</summary>
    private static async Task<(RestOrder Order, DeskTicket Ticket)> Place(SignedRequest r, byte[] json)
    {
        long requestId = r.NextRequestId();
        if (BackpackOrderParams.Execute(json, r.Venue.Directory, r.Account, requestId, out var order, out var conditional) is { } problem)
        {
            throw new RestError(StatusCodes.Status400BadRequest, SignedRequest.BackpackCode(problem.Code), problem.Message, problem.Code);
        }
        var market = r.Venue.Market(order.MarketId);
        if (conditional is { } c)
        {
            var ticket = await r.Ask(DeskRequest.Order, requestId, c).ConfigureAwait(false);
            return (ticket.Rejected == RejectReason.None ? RestOrder.From(market, ticket, c) : null!, ticket);
        }
        var plain = await r.Ask(DeskRequest.Order, requestId, order).ConfigureAwait(false);
        return (plain.Rejected == RejectReason.None ? RestOrder.From(market, plain, default(NewTriggerOrder)) : null!, plain);
    }

    private static async Task OrderQuery(SignedRequest r)
    {
        int marketId = r.MarketId(required: true);
        var (orderId, clientId) = OrderKey(r);
        var found = Find((await r.QueryAccount(marketId).ConfigureAwait(false)).Orders, orderId, clientId)
            ?? throw RestError.NotFound("Order not found");
        await Write(r.Context, 200, w => RestOrder.From(r.Venue.Market(marketId), found).Write(w)).ConfigureAwait(false);
    }

    private static async Task OrderQueryAll(SignedRequest r)
    {
        int marketId = r.MarketId(required: false);
        var orders = (await r.QueryAccount(marketId).ConfigureAwait(false)).Orders;
        await Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var o in orders) RestOrder.From(r.Venue.Market(o.MarketId), o).Write(w);
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private static async Task OrderCancel(SignedRequest r)
    {
        long requestId = r.NextRequestId();
        if (BackpackOrderParams.Cancel(r.Body, r.Venue.Directory, r.Account, requestId, out var cancel) is { } problem)
        {
            throw new RestError(StatusCodes.Status400BadRequest, SignedRequest.BackpackCode(problem.Code), problem.Message, problem.Code);
        }
        // What the order is (its terms for the answer), then the cancel.
        var snapshot = Find((await r.QueryAccount(cancel.MarketId).ConfigureAwait(false)).Orders, cancel.OrderId, cancel.ClientOrderId)
            ?? throw RestError.NotFound("Order not found");
        var ticket = await r.Ask(DeskRequest.Cancel, requestId, cancel).ConfigureAwait(false);
        if (ticket.Rejected != RejectReason.None) throw SignedRequest.Refused(ticket.Rejected);
        var canceled = ticket.Canceled.Count > 0 ? ticket.Canceled[0] : default;
        var order = RestOrder.From(r.Venue.Market(snapshot.MarketId), snapshot) with { Status = History.OrderStatus.Cancelled, Filled = canceled.CumulativeQuantity };
        await Write(r.Context, 200, w => order.Write(w)).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels the account's orders in a market: all of them (one CancelAll), or with Backpack's
    /// <c>orderType</c> only the resting ones (<c>RestingLimitOrder</c>) or only those waiting for a
    /// trigger, stop-loss and take-profit legs included (<c>ConditionalOrder</c>), one cancel each.
    /// </summary>
    private static async Task OrderCancelAll(SignedRequest r)
    {
        int marketId = r.MarketId(required: true);
        bool? pendingOnly = CancelAllKind(r);
        var open = (await r.QueryAccount(marketId).ConfigureAwait(false)).Orders;
        var canceled = new List<OrderCanceled>();
        if (pendingOnly is { } pending)
        {
            foreach (var o in open.Where(o => o.Pending == pending))
            {
                if (canceled.Exists(c => c.OrderId == o.OrderId)) continue; // already answered by an earlier cancel of this request
                long cancelId = r.NextRequestId();
                var one = await r.Ask(DeskRequest.Cancel, cancelId, new CancelOrder(new CommandHeader(0, 0, cancelId), r.Account, marketId, o.OrderId, 0)).ConfigureAwait(false);
                // Gone since the query (filled, fired, or canceled when the other leg of its pair fired): nothing to cancel.
                if (one.Rejected is not (RejectReason.None or RejectReason.OrderNotFound)) throw SignedRequest.Refused(one.Rejected);
                canceled.AddRange(one.Canceled.Where(c => !canceled.Exists(d => d.OrderId == c.OrderId)));
            }
        }
        else
        {
            long requestId = r.NextRequestId();
            var ticket = await r.Ask(DeskRequest.CancelAll, requestId, new CancelAll(new CommandHeader(0, 0, requestId), r.Account, marketId)).ConfigureAwait(false);
            if (ticket.Rejected is not (RejectReason.None or RejectReason.UnknownAccount)) throw SignedRequest.Refused(ticket.Rejected);
            canceled = ticket.Canceled;
        }
        await Write(r.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var e in canceled)
            {
                RestOrder order = Find(open, e.OrderId, 0) is { } known
                    ? RestOrder.From(r.Venue.Market(known.MarketId), known)
                    : new RestOrder(r.Venue.Market(e.MarketId), e.OrderId, e.ClientOrderId, e.Side, OrderType.Limit, TimeInForce.Gtc, e.Price,
                        e.CanceledQuantity + e.CumulativeQuantity, 0, 0, OrderFlags.None, SelfTradePrevention.RejectTaker, e.Header.Time, "");
                (order with { Status = History.OrderStatus.Cancelled, Filled = e.CumulativeQuantity }).Write(w);
            }
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>The body's orderType: null (absent) = every order, true = ConditionalOrder, false = RestingLimitOrder.</summary>
    private static bool? CancelAllKind(SignedRequest r)
    {
        if (r.Json.ValueKind != JsonValueKind.Object || !r.Json.TryGetProperty("orderType", out var kind) || kind.ValueKind == JsonValueKind.Null) return null;
        string? text = kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;
        return text is "ConditionalOrder" or "RestingLimitOrder"
            ? text == "ConditionalOrder"
            : throw RestError.BadRequest("orderType must be RestingLimitOrder or ConditionalOrder");
    }

    /// <summary>orderId (digits) or clientId (a number) of the query, exactly one of them.</summary>
    private static (long OrderId, long ClientId) OrderKey(SignedRequest r)
    {
        bool hasOrder = r.Query.TryGetValue("orderId", out string? orderText);
        bool hasClient = r.Query.TryGetValue("clientId", out string? clientText);
        if (hasOrder == hasClient) throw RestError.BadRequest("Give exactly one of orderId and clientId");
        if (hasOrder) return (long.TryParse(orderText, System.Globalization.NumberStyles.None, null, out long id) && id > 0 ? id : throw RestError.BadRequest("orderId must be an order id (digits)"), 0);
        return (0, long.TryParse(clientText, System.Globalization.NumberStyles.None, null, out long cid) && cid is > 0 and <= uint.MaxValue ? cid : throw RestError.BadRequest("clientId must be an integer from 1 to 4294967295"));
    }

    private static OrderSnapshot? Find(List<OrderSnapshot> orders, long orderId, long clientId)
    {
        foreach (var o in orders)
        {
            if (orderId != 0 ? o.OrderId == orderId : o.ClientOrderId == clientId) return o;
        }
        return null;
    }
}

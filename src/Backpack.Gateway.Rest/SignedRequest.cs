using System.Text.Json;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Rest.Auth;
using Backpack.Gateway.Rest.Orders;
using Microsoft.AspNetCore.Http;

namespace Backpack.Gateway.Rest;

/// <summary>
/// A signed request that passed the checks: the account it acts for, its query or JSON body, and
/// the way to the engine (<see cref="Ask"/>, <see cref="QueryAccount"/>). Made by
/// <see cref="PrivateApi"/> for each request.
/// </summary>
public sealed class SignedRequest
{
    private SignedRequest(HttpContext context, RestVenue venue, int account, IReadOnlyDictionary<string, string> query, byte[] body, JsonElement json)
    {
        Context = context;
        Venue = venue;
        Account = account;
        Query = query;
        Body = body;
        Json = json;
    }

    public HttpContext Context { get; }
    public RestVenue Venue { get; }
    public int Account { get; }
    public IReadOnlyDictionary<string, string> Query { get; }
    public byte[] Body { get; }

    /// <summary>The parsed body (Undefined for a GET).</summary>
    public JsonElement Json { get; }

    private OrderDesk Desk => Venue.Desk!;

    /// <summary>Reads, parses and verifies a request signed for <paramref name="instruction"/>; throws <see cref="RestError"/>.</summary>
    public static async Task<SignedRequest> ReadAsync(HttpContext context, RestVenue venue, string instruction, bool batch = false)
    {
        if (venue.Authenticator is null || venue.Desk is null) throw new RestError(StatusCodes.Status503ServiceUnavailable, "NOT_IMPLEMENTED", "This venue has no API keys configured");
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Request.Query) query[key] = value.ToString();
        byte[] body = [];
        JsonElement json = default;
        string signed;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            signed = SignedPayload.Of(instruction, query);
        }
        else
        {
            // Only the body is signed: what a POST or DELETE acts on must be in it, never in the URL.
            if (query.Count > 0) throw RestError.BadRequest($"A {context.Request.Method} request takes its parameters in the signed JSON body, not in the query ({string.Join(", ", query.Keys)})");
            body = await ReadBodyAsync(context, venue.Options.MaxBodyBytes).ConfigureAwait(false);
            if (body.Length == 0 && batch) throw RestError.BadRequest("The body must be a JSON array of orders");
            if (body.Length == 0)
            {
                signed = SignedPayload.Of(instruction, []);
            }
            else
            {
                try
                {
                    using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
                    json = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw RestError.BadRequest("The body is not valid JSON: " + e.Message);
                }
                if (batch)
                {
                    if (json.ValueKind != JsonValueKind.Array) throw RestError.BadRequest("The body must be a JSON array of orders");
                    int count = json.GetArrayLength();
                    if (count == 0 || count > venue.Options.MaxBatchOrders) throw RestError.BadRequest($"A batch holds 1 to {venue.Options.MaxBatchOrders} orders");
                    signed = string.Join('&', json.EnumerateArray().Select(item => SignedPayload.Of(instruction, SignedPayload.Fields(item))));
                }
                else
                {
                    signed = SignedPayload.Of(instruction, SignedPayload.Fields(json));
                }
            }
        }
        int account = venue.Authenticator.Authenticate(context.Request, signed);
        return new SignedRequest(context, venue, account, query, body, json);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context, int max)
    {
        if (context.Request.ContentLength > max) throw TooLarge(max);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max) throw TooLarge(max);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static RestError TooLarge(int max) => new(StatusCodes.Status413RequestEntityTooLarge, "INVALID_CLIENT_REQUEST", $"The body is larger than {max} bytes");

    /// <summary>
    /// Hands a command to the engine and waits for its answer. Throws <see cref="RestError"/> when the
    /// engine's inbound ring is full (503) or the answer takes longer than Rest:EngineTimeout (202:
    /// accepted, not yet executed).
    /// </summary>
    public async Task<DeskTicket> Ask<T>(DeskRequest kind, long requestId, T command) where T : struct, IProtocolMessage<T>
    {
        var ticket = Desk.Submit(requestId, kind, command)
            ?? throw new RestError(StatusCodes.Status503ServiceUnavailable, "SERVER_ERROR", "The engine is busy: try again");
        try
        {
            return await ticket.Task.WaitAsync(Venue.Options.EngineTimeout, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Desk.Forget(requestId);
            throw new RestError(StatusCodes.Status202Accepted, "TIMEOUT", "Request accepted but not yet executed");
        }
    }

    public long NextRequestId() => Desk.NextRequestId();

    /// <summary>The account's open orders, positions and margin figures (one market, or 0 = all); an account the engine does not know yet is empty.</summary>
    public async Task<DeskTicket> QueryAccount(int marketId)
    {
        long requestId = NextRequestId();
        var ticket = await Ask(DeskRequest.Query, requestId, new QueryAccount(new CommandHeader(0, 0, requestId), Account, marketId)).ConfigureAwait(false);
        if (ticket.Rejected is not (RejectReason.None or RejectReason.UnknownAccount)) throw Refused(ticket.Rejected);
        return ticket;
    }

    /// <summary>The market named by the query's or body's <c>symbol</c>; 0 when absent and optional.</summary>
    public int MarketId(bool required)
    {
        string? symbol = Query.GetValueOrDefault("symbol");
        if (symbol is null && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("symbol", out var s) && s.ValueKind == JsonValueKind.String) symbol = s.GetString();
        if (string.IsNullOrEmpty(symbol))
        {
            if (required) throw RestError.BadRequest("symbol is required");
            return 0;
        }
        return (Venue.Find(symbol) ?? throw RestError.UnknownSymbol(symbol)).Id;
    }

    /// <summary>The engine's refusal as Backpack's error: its code where Backpack has one, ours in <c>reason</c>.</summary>
    public static RestError Refused(RejectReason reason)
    {
        string ours = RejectCodes.Of(reason);
        return reason switch
        {
            RejectReason.OrderNotFound => new RestError(StatusCodes.Status404NotFound, "RESOURCE_NOT_FOUND", "Order not found", ours),
            _ => new RestError(StatusCodes.Status400BadRequest, BackpackCode(ours), RejectCodes.Text(reason), ours),
        };
    }

    /// <summary>Backpack's error code (the ones its clients map) for one of ours.</summary>
    public static string BackpackCode(string ours) => ours switch
    {
        "UNKNOWN_MARKET" => "INVALID_SYMBOL",
        "INVALID_PRICE" or "INVALID_QUANTITY" or "INVALID_CLIENT_REQUEST" or "ACCOUNT_LIQUIDATING" => ours,
        "INVALID_AMOUNT" => "INVALID_QUANTITY",
        "INSUFFICIENT_MARGIN" or "INSUFFICIENT_FUNDS" => ours,
        "TOO_MANY_ORDERS" => "ORDER_LIMIT",
        "MARKET_NOT_READY" or "MARKET_PAUSED" => "TRADING_PAUSED",
        "UNKNOWN_ACCOUNT" or "UNSETTLED_EQUITY" => "FORBIDDEN",
        "ORDER_NOT_FOUND" => "RESOURCE_NOT_FOUND",
        _ => "INVALID_ORDER",
    };
}

using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.AspNetCore.Http;

namespace Backpack.Gateway.Rest;

/// <summary>
/// What the REST API answers from: the markets, their live state, the history database and a clock;
/// for the signed endpoints also the order desk (the way to the engine) and the request checks.
/// </summary>
public sealed class RestVenue(IReadOnlyList<MarketDefinition> markets, MarketFeed feed, HistoryReader? history, Func<long> clockMicros)
{
    /// <summary>
    /// A venue that serves the signed endpoints too: requests signed by one of <paramref name="apiKeys"/>
    /// (base64 public key to account) reach the engine through <paramref name="desk"/>.
    /// </summary>
    public static RestVenue WithSignedApi(IReadOnlyList<MarketDefinition> markets, MarketFeed feed, HistoryReader? history, Func<long> clockMicros,
        RestOptions options, Orders.OrderDesk desk, IReadOnlyDictionary<string, int> apiKeys)
    {
        var limiter = new Auth.RequestLimiter();
        return new RestVenue(markets, feed, history, clockMicros)
        {
            Options = options,
            Limiter = limiter,
            Desk = desk,
            Authenticator = new Auth.RequestAuthenticator(apiKeys, options, clockMicros, limiter),
        };
    }

    public IReadOnlyList<MarketDefinition> Markets { get; } = markets;
    public MarketDirectory Directory { get; } = new(markets);
    public MarketFeed Feed { get; } = feed;

    /// <summary>The REST API's limits (section Rest).</summary>
    public RestOptions Options { get; init; } = new();

    /// <summary>Token buckets per API key and per client address.</summary>
    public Auth.RequestLimiter Limiter { get; init; } = new();

    /// <summary>The way to the engine for the signed endpoints; null when the venue serves only public data.</summary>
    public Orders.OrderDesk? Desk { get; init; }

    /// <summary>The signed request check; null when no API keys are configured.</summary>
    public Auth.RequestAuthenticator? Authenticator { get; init; }

    /// <summary>The history database; the endpoints that read it answer 503 when the venue keeps none (History:Enabled false).</summary>
    public HistoryReader History => history ?? throw new RestError(StatusCodes.Status503ServiceUnavailable, "NOT_IMPLEMENTED", "This venue keeps no history (History:Enabled is false)");

    /// <summary>Whether the venue keeps a history database.</summary>
    public bool HasHistory => history is not null;

    /// <summary>Now, in microseconds since the Unix epoch.</summary>
    public long Now => clockMicros();

    public MarketDefinition? Find(string? symbol)
    {
        foreach (var m in Markets)
        {
            if (m.Symbol == symbol) return m;
        }
        return null;
    }

    public MarketDefinition Market(int marketId) => Directory[marketId];

    /// <summary>
    /// Takes a token from the bucket of the request's client address (Rest:PublicRequestsPerSecond),
    /// before anything else is done for the request; throws 429 when it is empty.
    /// </summary>
    public void LimitAddress(HttpContext context)
    {
        if (!Limiter.TryAcquireAddress(context.Connection.RemoteIpAddress, Options.PublicRequestsPerSecond, Options.PublicRequestBurst))
        {
            throw RestError.TooManyRequests("Too many requests from this address: at most " + Options.PublicRequestsPerSecond + " per second");
        }
    }
}

/// <summary>Backpack's error answer: <c>{"code": "...", "message": "..."}</c> with an HTTP status (CCXT maps the code).</summary>
public sealed class RestError(int status, string code, string message, string? reason = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    /// <summary>The venue's own reason code where Backpack's code is coarser (e.g. POST_ONLY_WOULD_TAKE under INVALID_ORDER).</summary>
    public string? Reason { get; } = reason;

    public static RestError BadRequest(string message) => new(StatusCodes.Status400BadRequest, "INVALID_CLIENT_REQUEST", message);
    public static RestError UnknownSymbol(string? symbol) => new(StatusCodes.Status400BadRequest, "INVALID_SYMBOL", $"Unknown symbol '{symbol}'");
    public static RestError NotFound(string message) => new(StatusCodes.Status404NotFound, "RESOURCE_NOT_FOUND", message);
    public static RestError TooManyRequests(string message) => new(StatusCodes.Status429TooManyRequests, "TOO_MANY_REQUESTS", message);
}

/// <summary>Writing Backpack's JSON: decimals as strings, prices and quantities in the market's own units, times in Backpack's formats.</summary>
internal static class BackpackJson
{
    public static string Price(MarketDefinition m, long ticks) => m.FormatPrice(ticks);
    public static string Quantity(MarketDefinition m, long lots) => m.FormatQuantity(lots);
    public static string Usdc(long micros) => Decimal(Protocol.Markets.Usdc.ToDecimal(micros));

    /// <summary>A quote volume kept in ticks x lots, in USDC.</summary>
    public static string Quote(MarketDefinition m, long ticksTimesLots) => Usdc(ticksTimesLots * m.QuotePerTickLot);

    /// <summary>A fraction from parts per billion (12,500 = "0.0000125").</summary>
    public static string Ppb(long ppb) => Decimal(ppb / 1_000_000_000m);

    public static string Decimal(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    public static long Millis(long micros) => micros / 1000;

    /// <summary>A fraction from parts per million (202,299 = "0.202299").</summary>
    public static string Ppm(long ppm) => Decimal(ppm / 1_000_000m);

    /// <summary>from and to (or <paramref name="toName"/>) of a query in Unix milliseconds, as engine microseconds (to inclusive).</summary>
    public static (long From, long To) Window(IReadOnlyDictionary<string, string> q, string toName = "to")
    {
        long from = QueryMillis(q, "from", 0), to = QueryMillis(q, toName, long.MaxValue / 1000);
        if (to < from) throw RestError.BadRequest($"{toName} must not be before from");
        return (from * 1000, to == long.MaxValue / 1000 ? long.MaxValue : to * 1000 + 999);
    }

    private static long QueryMillis(IReadOnlyDictionary<string, string> q, string name, long fallback)
    {
        if (!q.TryGetValue(name, out string? text)) return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) && ms < long.MaxValue / 1000
            ? ms
            : throw RestError.BadRequest($"{name} must be a time in milliseconds since the epoch");
    }

    /// <summary>An IMF or MMF curve as Backpack writes it: base + factor x sqrt(notional).</summary>
    public static void Curve(Utf8JsonWriter w, string name, decimal baseFraction, decimal factor)
    {
        w.WriteStartObject(name);
        w.WriteString("base", Decimal(baseFraction));
        w.WriteString("factor", Decimal(factor));
        w.WriteString("type", "sqrt");
        w.WriteEndObject();
    }

    /// <summary>Backpack's naive ISO time (UTC, no zone): 2025-07-27T17:39:00.092.</summary>
    public static string Iso(long micros) => DateTime.UnixEpoch.AddTicks(micros * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>A kline's time: 2025-07-19 13:09:00.</summary>
    public static string KlineTime(long micros) => DateTime.UnixEpoch.AddTicks(micros * 10).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static async Task Write(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            write(writer);
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task Error(HttpContext context, RestError error) => Write(context, error.Status, w =>
    {
        w.WriteStartObject();
        w.WriteString("code", error.Code);
        w.WriteString("message", error.Message);
        if (error.Reason is not null) w.WriteString("reason", error.Reason);
        w.WriteEndObject();
    });

    public static async Task Text(HttpContext context, string text)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}

using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.AspNetCore.Http;

namespace Backpack.Gateway.Rest;

/// <summary>What the REST API answers from: the markets, their live state, the history database and a clock.</summary>
public sealed class RestVenue(IReadOnlyList<MarketDefinition> markets, MarketFeed feed, HistoryReader? history, Func<long> clockMicros)
{
    public IReadOnlyList<MarketDefinition> Markets { get; } = markets;
    public MarketFeed Feed { get; } = feed;

    /// <summary>The history database; the endpoints that read it answer 503 when the venue keeps none (History:Enabled false).</summary>
    public HistoryReader History => history ?? throw new RestError(StatusCodes.Status503ServiceUnavailable, "NOT_IMPLEMENTED", "This venue keeps no history (History:Enabled is false)");

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
}

/// <summary>Backpack's error answer: <c>{"code": "...", "message": "..."}</c> with an HTTP status (CCXT maps the code).</summary>
public sealed class RestError(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static RestError BadRequest(string message) => new(StatusCodes.Status400BadRequest, "INVALID_CLIENT_REQUEST", message);
    public static RestError UnknownSymbol(string? symbol) => new(StatusCodes.Status400BadRequest, "INVALID_SYMBOL", $"Unknown symbol '{symbol}'");
    public static RestError NotFound(string message) => new(StatusCodes.Status404NotFound, "RESOURCE_NOT_FOUND", message);
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
        w.WriteEndObject();
    });

    public static async Task Text(HttpContext context, string text)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}

using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Backpack.Gateway.Rest.BackpackJson;

namespace Backpack.Gateway.Rest;

/// <summary>
/// Backpack's public REST endpoints (docs/rest.md), with Backpack's paths, parameters and shapes as
/// CCXT's Backpack driver reads them: market data from the live <see cref="MarketFeed"/>, trades,
/// klines and funding history from the history database.
/// </summary>
public static class PublicApi
{
    private const long Day = 86_400_000_000;

    public static void MapBackpackPublicApi(this IEndpointRouteBuilder app, RestVenue venue)
    {
        Map(app, venue, "/api/v1/status", (context, _) => Write(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNull("message");
            w.WriteString("status", "Ok");
            w.WriteEndObject();
        }));
        Map(app, venue, "/api/v1/ping", (context, _) => Text(context, "pong"));
        Map(app, venue, "/api/v1/time", (context, _) => Text(context, Millis(venue.Now).ToString(CultureInfo.InvariantCulture)));
        Map(app, venue, "/api/v1/assets", (context, _) => Write(context, 200, w => Assets(w, venue)));
        Map(app, venue, "/api/v1/markets", (context, _) => Write(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var m in venue.Markets) Market(w, m);
            w.WriteEndArray();
        }));
        Map(app, venue, "/api/v1/market", (context, q) => Write(context, 200, w => Market(w, RequireMarket(venue, q))));
        Map(app, venue, "/api/v1/ticker", (context, q) =>
        {
            var m = RequireMarket(venue, q);
            long window = TickerWindow(q);
            return Write(context, 200, w => Ticker(w, venue, m, window));
        });
        Map(app, venue, "/api/v1/tickers", (context, q) =>
        {
            long window = TickerWindow(q);
            return Write(context, 200, w =>
            {
                w.WriteStartArray();
                foreach (var m in venue.Markets) Ticker(w, venue, m, window);
                w.WriteEndArray();
            });
        });
        Map(app, venue, "/api/v1/depth", (context, q) =>
        {
            var m = RequireMarket(venue, q);
            int limit = q.ContainsKey("limit") ? Choice(q, "limit", [5, 10, 20, 50, 100, 500, 1000]) : 1000;
            var (bids, asks, sequence, time) = venue.Feed[m.Id].Depth(limit);
            return Write(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("asks");
                foreach (var (price, quantity) in asks) Level(w, m, price, quantity);
                w.WriteEndArray();
                w.WriteStartArray("bids");
                // Backpack lists bids from the lowest up.
                for (int i = bids.Count - 1; i >= 0; i--) Level(w, m, bids[i].Price, bids[i].Quantity);
                w.WriteEndArray();
                w.WriteString("lastUpdateId", sequence.ToString(CultureInfo.InvariantCulture));
                w.WriteNumber("timestamp", time == 0 ? venue.Now : time);
                w.WriteEndObject();
            });
        });
        Map(app, venue, "/api/v1/trades", (context, q) => Trades(context, venue, q, offset: 0));
        Map(app, venue, "/api/v1/trades/history", (context, q) => Trades(context, venue, q, Int(q, "offset", 0, 0, int.MaxValue)));
        Map(app, venue, "/api/v1/klines", (context, q) => Klines(context, venue, q));
        Map(app, venue, "/api/v1/markPrices", (context, q) =>
        {
            var markets = q.ContainsKey("symbol") ? [RequireMarket(venue, q)] : venue.Markets;
            return Write(context, 200, w =>
            {
                w.WriteStartArray();
                foreach (var m in markets)
                {
                    var p = venue.Feed[m.Id].Prices();
                    w.WriteStartObject();
                    w.WriteString("fundingRate", Ppb(p.FundingRate));
                    w.WriteString("indexPrice", Price(m, p.Index));
                    w.WriteString("markPrice", Price(m, p.Mark));
                    w.WriteNumber("nextFundingTimestamp", Millis(p.NextFunding));
                    w.WriteString("symbol", m.Symbol);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        });
        Map(app, venue, "/api/v1/openInterest", (context, q) =>
        {
            var markets = q.ContainsKey("symbol") ? [RequireMarket(venue, q)] : venue.Markets;
            long now = Millis(venue.Now);
            return Write(context, 200, w =>
            {
                w.WriteStartArray();
                foreach (var m in markets)
                {
                    w.WriteStartObject();
                    w.WriteString("openInterest", Quantity(m, venue.Feed[m.Id].Prices().OpenInterest));
                    w.WriteString("symbol", m.Symbol);
                    w.WriteNumber("timestamp", now);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        });
        Map(app, venue, "/api/v1/fundingRates", (context, q) =>
        {
            var m = RequireMarket(venue, q);
            var rows = venue.History.FundingRates(m.Id, Int(q, "limit", 100, 1, 10_000), Int(q, "offset", 0, 0, int.MaxValue));
            return Write(context, 200, w =>
            {
                w.WriteStartArray();
                foreach (var r in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("fundingRate", Ppb(r.Rate));
                    w.WriteString("intervalEndTimestamp", Iso(r.IntervalEnd));
                    w.WriteString("symbol", m.Symbol);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        });
    }

    /// <summary>
    /// A GET endpoint whose handler reads the query and may throw <see cref="RestError"/> (answered
    /// as Backpack's error body); each client address has its token bucket (Rest:PublicRequestsPerSecond).
    /// </summary>
    internal static void Map(IEndpointRouteBuilder app, RestVenue venue, string path, Func<HttpContext, IReadOnlyDictionary<string, string>, Task> handler) =>
        app.MapGet(path, async context =>
        {
            try
            {
                venue.LimitAddress(context);
                var query = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, value) in context.Request.Query) query[key] = value.ToString();
                await handler(context, query).ConfigureAwait(false);
            }
            catch (RestError e)
            {
                await Error(context, e).ConfigureAwait(false);
            }
        });

    internal static MarketDefinition RequireMarket(RestVenue venue, IReadOnlyDictionary<string, string> q)
    {
        if (!q.TryGetValue("symbol", out string? symbol) || symbol.Length == 0) throw RestError.BadRequest("symbol is required");
        return venue.Find(symbol) ?? throw RestError.UnknownSymbol(symbol);
    }

    internal static int Int(IReadOnlyDictionary<string, string> q, string name, int fallback, int min, int max)
    {
        if (!q.TryGetValue(name, out string? text)) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw RestError.BadRequest($"{name} must be a whole number from {min} to {max}");
        return value;
    }

    private static long Long(IReadOnlyDictionary<string, string> q, string name, long fallback)
    {
        if (!q.TryGetValue(name, out string? text)) return fallback;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < 0)
            throw RestError.BadRequest($"{name} must be a whole number of seconds since the epoch");
        return value;
    }

    private static int Choice(IReadOnlyDictionary<string, string> q, string name, int[] allowed)
    {
        string text = q[name];
        foreach (int a in allowed)
        {
            if (text == a.ToString(CultureInfo.InvariantCulture)) return a;
        }
        throw RestError.BadRequest($"{name} must be one of {string.Join(", ", allowed)}");
    }

    private static long TickerWindow(IReadOnlyDictionary<string, string> q) => q.TryGetValue("interval", out string? interval)
        ? interval switch { "1d" => Day, "1w" => 7 * Day, _ => throw RestError.BadRequest("interval must be 1d or 1w") }
        : Day;

    private static void Assets(Utf8JsonWriter w, RestVenue venue)
    {
        w.WriteStartArray();
        // USDC is the only collateral: deposits and withdrawals are the venue's own (no chain behind them).
        w.WriteStartObject();
        w.WriteString("coingeckoId", "usd-coin");
        w.WriteString("displayName", "USD Coin");
        w.WriteString("symbol", "USDC");
        w.WriteStartArray("tokens");
        w.WriteStartObject();
        w.WriteString("blockchain", "Solana");
        w.WriteNull("contractAddress");
        w.WriteBoolean("depositEnabled", true);
        w.WriteString("displayName", "USD Coin");
        w.WriteNull("maximumWithdrawal");
        w.WriteString("minimumDeposit", "0.000001");
        w.WriteString("minimumWithdrawal", "0.000001");
        w.WriteBoolean("withdrawEnabled", true);
        w.WriteString("withdrawalFee", "0");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        foreach (string symbol in venue.Markets.Select(m => m.Symbol.Split('_')[0]).Distinct())
        {
            w.WriteStartObject();
            w.WriteNull("coingeckoId");
            w.WriteString("displayName", symbol);
            w.WriteString("symbol", symbol);
            w.WriteStartArray("tokens"); // perpetuals only: nothing of these is deposited
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    internal static void Market(Utf8JsonWriter w, MarketDefinition m)
    {
        string[] parts = m.Symbol.Split('_');
        w.WriteStartObject();
        w.WriteString("baseSymbol", parts[0]);
        w.WriteString("createdAt", "2026-01-01T00:00:00.000");
        w.WriteStartObject("filters");
        w.WriteStartObject("price");
        w.WriteNull("maxPrice");
        w.WriteString("minPrice", m.FormatPrice(1));
        w.WriteString("tickSize", Decimal(m.TickSize));
        w.WriteEndObject();
        w.WriteStartObject("quantity");
        w.WriteString("maxQuantity", Decimal(m.MaxQuantity));
        w.WriteString("minQuantity", Decimal(m.MinQuantity));
        w.WriteString("stepSize", Decimal(m.StepSize));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("fundingInterval", (m.FundingIntervalSeconds * 1000L).ToString(CultureInfo.InvariantCulture));
        // Backpack lists the funding rate bounds in basis points.
        w.WriteString("fundingRateLowerBound", Decimal(m.FundingRateLowerBound * 10_000m));
        w.WriteString("fundingRateUpperBound", Decimal(m.FundingRateUpperBound * 10_000m));
        Curve(w, "imfFunction", m.BaseImf, m.ImfFactor);
        w.WriteString("marketType", "PERP");
        Curve(w, "mmfFunction", m.BaseMmf, m.MmfFactor);
        w.WriteNull("openInterestLimit");
        w.WriteString("orderBookState", "Open");
        w.WriteString("quoteSymbol", parts.Length > 1 ? parts[1] : "USDC");
        w.WriteString("symbol", m.Symbol);
        w.WriteBoolean("visible", true);
        w.WriteEndObject();
    }

    private static void Level(Utf8JsonWriter w, MarketDefinition m, long price, long quantity)
    {
        w.WriteStartArray();
        w.WriteStringValue(Price(m, price));
        w.WriteStringValue(Quantity(m, quantity));
        w.WriteEndArray();
    }

    /// <summary>Rolling statistics of the last window, from the history's one-minute candles of the last price.</summary>
    private static void Ticker(Utf8JsonWriter w, RestVenue venue, MarketDefinition m, long window)
    {
        long now = venue.Now;
        var candles = venue.History.Candles(m.Id, CandlePrice.Last, "1m", now - window, now + 1, 100_000);
        long first = 0, last = 0, high = 0, low = 0, volume = 0, quote = 0, trades = 0;
        foreach (var c in candles)
        {
            if (c.Trades == 0) continue;
            if (first == 0) first = c.Open;
            last = c.Close;
            high = Math.Max(high, c.High);
            low = low == 0 ? c.Low : Math.Min(low, c.Low);
            volume += c.Volume;
            quote += c.QuoteVolume;
            trades += c.Trades;
        }
        if (first == 0)
        {
            // No trade in the window: the statistics of a quiet market sit at the mark.
            first = last = high = low = venue.Feed[m.Id].Prices().Mark;
        }
        w.WriteStartObject();
        w.WriteString("firstPrice", Price(m, first));
        w.WriteString("high", Price(m, high));
        w.WriteString("lastPrice", Price(m, last));
        w.WriteString("low", Price(m, low));
        w.WriteString("priceChange", Decimal(m.TicksToPrice(last - first)));
        w.WriteString("priceChangePercent", first == 0 ? "0" : Decimal(Math.Round((decimal)(last - first) / first, 6)));
        w.WriteString("quoteVolume", Quote(m, quote));
        w.WriteString("symbol", m.Symbol);
        w.WriteString("trades", trades.ToString(CultureInfo.InvariantCulture));
        w.WriteString("volume", Quantity(m, volume));
        w.WriteEndObject();
    }

    private static Task Trades(HttpContext context, RestVenue venue, IReadOnlyDictionary<string, string> q, int offset)
    {
        var m = RequireMarket(venue, q);
        var rows = venue.History.Trades(m.Id, Int(q, "limit", 100, 1, 1000), offset);
        return Write(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var t in rows)
            {
                w.WriteStartObject();
                w.WriteNumber("id", t.TradeId);
                // The taker bought: the resting order (the maker) sold, so the buyer was not the maker.
                w.WriteBoolean("isBuyerMaker", t.TakerSide == (int)Side.Sell);
                w.WriteString("price", Price(m, t.Price));
                w.WriteString("quantity", Quantity(m, t.Quantity));
                w.WriteString("quoteQuantity", Quote(m, t.Price * t.Quantity));
                w.WriteNumber("timestamp", Millis(t.Time));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static Task Klines(HttpContext context, RestVenue venue, IReadOnlyDictionary<string, string> q)
    {
        var m = RequireMarket(venue, q);
        if (!q.TryGetValue("interval", out string? intervalName) || CandleInterval.Find(intervalName) is not { } interval)
            throw RestError.BadRequest($"interval must be one of {string.Join(", ", CandleInterval.All.Select(i => i.Name))}");
        if (!q.ContainsKey("startTime")) throw RestError.BadRequest("startTime is required (seconds since the epoch)");
        long start = Long(q, "startTime", 0) * 1_000_000;
        long end = Long(q, "endTime", venue.Now / 1_000_000 + 1) * 1_000_000;
        var type = q.TryGetValue("priceType", out string? priceType)
            ? priceType switch { "Last" => CandlePrice.Last, "Mark" => CandlePrice.Mark, "Index" => CandlePrice.Index, _ => throw RestError.BadRequest("priceType must be Last, Mark or Index") }
            : CandlePrice.Last;
        var rows = venue.History.Candles(m.Id, type, interval.Name, interval.OpenTime(start), end, 10_000);
        return Write(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var c in rows)
            {
                w.WriteStartObject();
                w.WriteString("close", Price(m, c.Close));
                w.WriteString("end", KlineTime(interval.NextOpenTime(c.OpenTime)));
                w.WriteString("high", Price(m, c.High));
                w.WriteString("low", Price(m, c.Low));
                w.WriteString("open", Price(m, c.Open));
                w.WriteString("quoteVolume", Quote(m, c.QuoteVolume));
                w.WriteString("start", KlineTime(c.OpenTime));
                w.WriteString("trades", c.Trades.ToString(CultureInfo.InvariantCulture));
                w.WriteString("volume", Quantity(m, c.Volume));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }
}

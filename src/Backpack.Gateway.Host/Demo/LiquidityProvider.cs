using System.Globalization;
using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Demo;

/// <summary>
/// The demo's market maker. Every <see cref="LiquidityProviderOptions.RequoteInterval"/> it lays a
/// fresh post-only ladder on both sides of each market's index (best quote HalfSpread away, then a
/// level every LevelSpacing, LevelNotional USDC each, times the liquidity of a playing scenario), and only then cancels the rest of the previous
/// ladder, so the book is never empty in between. Old quotes that the new ladder would cross (the
/// index moved more than the spread) are canceled first, or the new ones would meet them and be
/// refused as post-only.
/// </summary>
public sealed class LiquidityProvider(VenueClient client, IndexFeed feed, IReadOnlyList<MarketDefinition> markets, LiquidityProviderOptions options, ILogger log)
{
    public const string Name = "liquidity provider";

    public async Task RunAsync(CancellationToken cancellation)
    {
        // Quotes of an earlier connection (or run: the engine recovers them from its journal) are not
        // this ladder's to track: clear them first.
        await client.RequestAsync("orderCancelAll", new Dictionary<string, object>(), cancellation);
        var resting = new List<Quote>[markets.Count];
        for (int m = 0; m < resting.Length; m++) resting[m] = [];
        while (!cancellation.IsCancellationRequested)
        {
            for (int m = 0; m < markets.Count; m++)
            {
                long index = feed.IndexTicks(markets[m].Id);
                if (index <= 0) continue;
                var ladder = Ladder(markets[m], index, feed.Liquidity).ToList();
                long bestBid = ladder.Where(q => q.Side == "Bid").Max(q => q.Price);
                long bestAsk = ladder.Where(q => q.Side == "Ask").Min(q => q.Price);
                bool Crossed(Quote q) => q.Side == "Bid" ? q.Price >= bestAsk : q.Price <= bestBid;
                string symbol = markets[m].Symbol;
                await Task.WhenAll(resting[m].Where(Crossed).Select(q => CancelAsync(symbol, q.OrderId!, cancellation)));
                var placed = await Task.WhenAll(ladder.Select(q => PlaceAsync(markets[m], q, cancellation)));
                await Task.WhenAll(resting[m].Where(q => !Crossed(q)).Select(q => CancelAsync(symbol, q.OrderId!, cancellation)));
                resting[m] = placed.Where(q => q.OrderId is not null).ToList();
            }
            await Task.Delay(options.RequoteInterval, cancellation);
        }
    }

    /// <summary>
    /// The quotes of one ladder around <paramref name="index"/> (ticks), best first on each side, with
    /// <paramref name="liquidity"/> times LevelNotional at each level (a scenario's thin books).
    /// </summary>
    public IEnumerable<Quote> Ladder(MarketDefinition market, long index, decimal liquidity = 1)
    {
        for (int level = 0; level < options.Levels; level++)
        {
            decimal distance = options.HalfSpread + level * options.LevelSpacing;
            long bid = (long)decimal.Floor(index * (1 - distance));
            long ask = (long)decimal.Ceiling(index * (1 + distance));
            if (bid > 0) yield return new Quote("Bid", bid, Lots(market, bid, liquidity));
            yield return new Quote("Ask", ask, Lots(market, ask, liquidity));
        }
    }

    /// <summary>LevelNotional x liquidity USDC at the price, in whole steps, at least the market's minimum.</summary>
    private decimal Lots(MarketDefinition market, long priceTicks, decimal liquidity) =>
        Math.Max(decimal.Floor(options.LevelNotional * liquidity / (priceTicks * market.TickSize) / market.StepSize) * market.StepSize, market.MinQuantity);

    private async Task<Quote> PlaceAsync(MarketDefinition market, Quote quote, CancellationToken cancellation)
    {
        var order = new Dictionary<string, object>
        {
            ["symbol"] = market.Symbol,
            ["side"] = quote.Side,
            ["orderType"] = "Limit",
            ["price"] = (quote.Price * market.TickSize).ToString(CultureInfo.InvariantCulture),
            ["quantity"] = quote.Quantity.ToString(CultureInfo.InvariantCulture),
            ["postOnly"] = true,
        };
        try
        {
            var result = await client.RequestAsync("orderExecute", order, cancellation);
            return quote with { OrderId = result.GetProperty("id").GetString() };
        }
        catch (VenueRequestException e)
        {
            log.LogDebug("Quote {Side} {Symbol} {Price} refused: {Error}", quote.Side, market.Symbol, order["price"], e.Message);
            return quote;
        }
    }

    private async Task CancelAsync(string symbol, string orderId, CancellationToken cancellation)
    {
        try
        {
            await client.RequestAsync("orderCancel", new Dictionary<string, object> { ["symbol"] = symbol, ["orderId"] = orderId }, cancellation);
        }
        catch (VenueRequestException)
        {
            // Filled meanwhile: nothing left to cancel.
        }
    }
}

/// <summary>One quote of the ladder: side (Bid/Ask), price in ticks, quantity, and the engine's order id once accepted.</summary>
public sealed record Quote(string Side, long Price, decimal Quantity, string? OrderId = null);

using System.Globalization;
using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Demo;

/// <summary>
/// The demo's market maker. Every <see cref="LiquidityProviderOptions.RequoteInterval"/> it lays a
/// fresh post-only ladder on both sides of each market's index (best quote HalfSpread away, then a
/// level every LevelSpacing, LevelNotional USDC each), and only then cancels the previous ladder, so
/// the book is never empty in between. Quotes that would cross (the index jumped) are refused by the
/// engine as post-only and simply left out.
/// </summary>
public sealed class LiquidityProvider(VenueClient client, IndexFeed feed, IReadOnlyList<MarketDefinition> markets, LiquidityProviderOptions options, ILogger log)
{
    public const string Name = "liquidity provider";

    public async Task RunAsync(CancellationToken cancellation)
    {
        var resting = new List<string>[markets.Count];
        for (int m = 0; m < resting.Length; m++) resting[m] = [];
        while (!cancellation.IsCancellationRequested)
        {
            for (int m = 0; m < markets.Count; m++)
            {
                long index = feed.IndexTicks(markets[m].Id);
                if (index <= 0) continue;
                var placed = await Task.WhenAll(Ladder(markets[m], index).Select(order => PlaceAsync(order, cancellation)));
                await Task.WhenAll(resting[m].Select(id => CancelAsync(markets[m].Symbol, id, cancellation)));
                resting[m] = placed.Where(id => id is not null).Select(id => id!).ToList();
            }
            await Task.Delay(options.RequoteInterval, cancellation);
        }
    }

    /// <summary>The orderExecute parameters of one ladder around <paramref name="index"/> (ticks).</summary>
    public IEnumerable<Dictionary<string, object>> Ladder(MarketDefinition market, long index)
    {
        for (int level = 0; level < options.Levels; level++)
        {
            decimal distance = options.HalfSpread + level * options.LevelSpacing;
            long bid = (long)decimal.Floor(index * (1 - distance));
            long ask = (long)decimal.Ceiling(index * (1 + distance));
            if (bid > 0) yield return Order(market, "Bid", bid);
            yield return Order(market, "Ask", ask);
        }
    }

    private Dictionary<string, object> Order(MarketDefinition market, string side, long priceTicks)
    {
        decimal price = priceTicks * market.TickSize;
        decimal lots = decimal.Floor(options.LevelNotional / price / market.StepSize);
        decimal quantity = Math.Max(lots * market.StepSize, market.MinQuantity);
        return new Dictionary<string, object>
        {
            ["symbol"] = market.Symbol,
            ["side"] = side,
            ["orderType"] = "Limit",
            ["price"] = price.ToString(CultureInfo.InvariantCulture),
            ["quantity"] = quantity.ToString(CultureInfo.InvariantCulture),
            ["postOnly"] = true,
        };
    }

    private async Task<string?> PlaceAsync(Dictionary<string, object> order, CancellationToken cancellation)
    {
        try
        {
            var result = await client.RequestAsync("orderExecute", order, cancellation);
            return result.GetProperty("id").GetString();
        }
        catch (VenueRequestException e)
        {
            log.LogDebug("Quote {Side} {Symbol} {Price} refused: {Error}", order["side"], order["symbol"], order["price"], e.Message);
            return null;
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

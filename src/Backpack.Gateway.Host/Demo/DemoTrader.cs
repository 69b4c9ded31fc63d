using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Protocol.Markets;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Demo;

/// <summary>
/// A simulated trader. Now and then (exponentially spaced, <see cref="DemoOptions.TradeInterval"/> on
/// average) it picks a market: with less than half its target position there, it buys or adds with a
/// market order (long seven times in ten when flat, so a crash finds the book long); otherwise it
/// sometimes closes half with a reduce-only market order. The target notional is its deposit times
/// its leverage, shared among the markets; after a margin rejection it aims for half as much, and
/// grows back with each accepted order. It learns its positions from account.positionUpdate. A trader
/// with a <see cref="DemoTraderOptions.StopLoss"/> sends its opening order with a stop-loss that far
/// from the index (Backpack's stopLossTriggerPrice): a crash fires it before the liquidation would.
/// </summary>
public sealed class DemoTrader(IndexFeed feed, IReadOnlyList<MarketDefinition> markets, DemoTraderOptions options, decimal deposit,
    TimeSpan meanInterval, Random random, ILogger log)
{
    private readonly Dictionary<string, decimal> _positions = [];
    private decimal _budget = 1;

    /// <summary>The streams the trader logs on with.</summary>
    public static readonly string[] Streams = ["account.positionUpdate"];

    /// <summary>Stream callback: keeps the net position of each market.</summary>
    public void OnStream(string stream, JsonElement data)
    {
        if (stream != "account.positionUpdate" || !data.TryGetProperty("s", out var symbol) || !data.TryGetProperty("q", out var quantity)) return;
        if (!decimal.TryParse(quantity.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal q)) return;
        lock (_positions) _positions[symbol.GetString()!] = q;
    }

    public async Task RunAsync(VenueClient client, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            double wait = -Math.Log(1 - random.NextDouble()) * meanInterval.TotalMilliseconds;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait, meanInterval.TotalMilliseconds * 10)), cancellation);
            var order = NextOrder(markets[random.Next(markets.Count)]);
            if (order is null) continue;
            try
            {
                await client.RequestAsync("orderExecute", order, cancellation);
                _budget = Math.Min(1, _budget * 1.1m);
            }
            catch (VenueRequestException e)
            {
                if (e.Code is "INSUFFICIENT_MARGIN" or "INSUFFICIENT_FUNDS") _budget = Math.Max(0.02m, _budget / 2);
                log.LogDebug("Demo trader {Account}: {Side} {Quantity} {Symbol} refused: {Error}", options.Account, order["side"], order["quantity"], order["symbol"], e.Message);
            }
        }
    }

    /// <summary>The next order for a market, or null to do nothing this time.</summary>
    public Dictionary<string, object>? NextOrder(MarketDefinition market)
    {
        long index = feed.IndexTicks(market.Id);
        if (index <= 0) return null;
        decimal price = index * market.TickSize;
        decimal position;
        lock (_positions) position = _positions.GetValueOrDefault(market.Symbol);
        decimal target = deposit * options.Leverage * _budget / markets.Count;
        decimal held = Math.Abs(position) * price;
        string side;
        decimal quantity;
        bool reduce = false;
        if (held < target / 2)
        {
            side = position > 0 ? "Bid" : position < 0 ? "Ask" : random.NextDouble() < 0.7 ? "Bid" : "Ask";
            quantity = (target - held) / price;
        }
        else if (random.NextDouble() < 0.25)
        {
            side = position > 0 ? "Ask" : "Bid";
            quantity = Math.Abs(position) / 2;
            reduce = true;
        }
        else
        {
            return null;
        }
        quantity = decimal.Floor(quantity / market.StepSize) * market.StepSize;
        if (quantity < market.MinQuantity) return null;
        var order = new Dictionary<string, object>
        {
            ["symbol"] = market.Symbol,
            ["side"] = side,
            ["orderType"] = "Market",
            ["quantity"] = quantity.ToString(CultureInfo.InvariantCulture),
        };
        if (reduce) order["reduceOnly"] = true;
        if (position == 0 && options.StopLoss > 0)
        {
            // Below the index for a buy, above for a sell; a whole tick away at least.
            decimal distance = Math.Max(market.TickSize, decimal.Round(price * options.StopLoss / market.TickSize) * market.TickSize);
            order["stopLossTriggerPrice"] = (side == "Bid" ? price - distance : price + distance).ToString(CultureInfo.InvariantCulture);
        }
        return order;
    }
}

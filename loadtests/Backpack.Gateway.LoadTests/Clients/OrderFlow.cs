using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Clients;

/// <summary>An order the client believes is resting. <see cref="Key"/> is its current client order id (FIX ClOrdID suffix, WebSocket clientId).</summary>
public sealed class WorkingOrder(MarketInfo market, bool buy, decimal price, decimal quantity, long key)
{
    public MarketInfo Market { get; } = market;
    public bool Buy { get; } = buy;
    public decimal Price { get; set; } = price;
    public decimal Quantity { get; } = quantity;
    public long Key { get; set; } = key;
    /// <summary>A replace or cancel of it is in flight.</summary>
    public bool Busy { get; set; }
}

/// <summary>The next thing a trading client does.</summary>
public readonly record struct TradeAction(RequestKind Kind, WorkingOrder Order, bool Aggressive, decimal NewPrice);

/// <summary>
/// A trader's order flow, the same on both channels: it keeps a few orders resting near the index
/// (0.3% to 2.5% away), replaces and cancels them, and now and then crosses the spread with an IOC
/// order so that trades happen. Pricing from the index (not the mark, which is the median of index,
/// best bid and best ask) lets the book, and so the mark, follow a crash. Thread-safe: actions are chosen on the pacer's task, while fills and
/// cancels arrive on the reading task.
/// </summary>
public sealed class OrderFlow(MarketView markets, int seed, int maxWorking = 4)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<long, WorkingOrder> _working = [];
    private long _nextKey;

    public int Working
    {
        get
        {
            lock (_working) return _working.Count;
        }
    }

    public long NextKey() => Interlocked.Increment(ref _nextKey);

    public TradeAction Next()
    {
        lock (_working)
        {
            if (_working.Count >= maxWorking && _random.NextDouble() < 0.9)
            {
                var candidates = _working.Values.Where(o => !o.Busy).ToList();
                if (candidates.Count > 0)
                {
                    var order = candidates[_random.Next(candidates.Count)];
                    order.Busy = true;
                    if (_random.NextDouble() < 0.5) return new TradeAction(RequestKind.Cancel, order, false, 0);
                    decimal move = 1 + (decimal)(_random.NextDouble() * 0.008 - 0.004);
                    decimal price = order.Market.RoundPrice(PassivePrice(order.Market, order.Buy) * move);
                    return new TradeAction(RequestKind.Replace, order, false, price);
                }
            }
            var market = markets.Markets[_random.Next(markets.Markets.Count)];
            bool buy = _random.Next(2) == 0;
            bool aggressive = _random.NextDouble() < 0.1;
            decimal orderPrice = aggressive ? market.RoundPrice(market.Index * (buy ? 1.005m : 0.995m)) : market.RoundPrice(PassivePrice(market, buy));
            decimal notional = 100 + (decimal)_random.NextDouble() * 900;
            var newOrder = new WorkingOrder(market, buy, orderPrice, market.RoundQuantity(notional / orderPrice), NextKey());
            return new TradeAction(RequestKind.New, newOrder, aggressive, orderPrice);
        }
    }

    private decimal PassivePrice(MarketInfo market, bool buy)
    {
        decimal distance = 0.003m + (decimal)_random.NextDouble() * 0.022m;
        return market.Index * (buy ? 1 - distance : 1 + distance);
    }

    /// <summary>The order rests (acknowledged and not IOC).</summary>
    public void Rests(WorkingOrder order)
    {
        lock (_working) _working[order.Key] = order;
    }

    /// <summary>
    /// A replace took effect: the order now answers to <paramref name="newKey"/>. On WebSocket the
    /// cancel half's orderCancelled may have removed the old key already; the new order rests all the same.
    /// </summary>
    public void Replaced(WorkingOrder order, long newKey, decimal price)
    {
        lock (_working)
        {
            _working.Remove(order.Key);
            order.Key = newKey;
            order.Price = price;
            order.Busy = false;
            _working[newKey] = order;
        }
    }

    /// <summary>A replace or cancel was refused: the order can be picked again (or it is gone, when <paramref name="gone"/>).</summary>
    public void Released(long key, bool gone)
    {
        lock (_working)
        {
            if (!_working.TryGetValue(key, out var order)) return;
            if (gone) _working.Remove(key);
            else order.Busy = false;
        }
    }

    /// <summary>The order left the book (filled, canceled, expired).</summary>
    public void Gone(long key)
    {
        lock (_working) _working.Remove(key);
    }
}

using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// Random order flows (many accounts, two markets, every order type and command, moving prices)
/// checked against the book and money invariants after every command.
/// </summary>
public class InvariantProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(60);

    [Fact]
    public void Random_flows_keep_the_book_uncrossed_and_money_and_quantity_conserved()
    {
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var flow = new RandomFlow(seed, commands: 400);
            flow.Run(checkEveryCommand: true);
            return true;
        }).Check(Config);
    }

    [Fact]
    public void The_same_flow_twice_gives_the_same_events_and_state_hash()
    {
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var a = new RandomFlow(seed, commands: 300);
            var b = new RandomFlow(seed, commands: 300);
            a.Run(checkEveryCommand: false);
            b.Run(checkEveryCommand: false);
            return a.Harness.Engine.ComputeStateHash() == b.Harness.Engine.ComputeStateHash()
                && a.Harness.Log.SequenceEqual(b.Harness.Log);
        }).Check(Config);
    }

    [Fact]
    public void Replaying_the_journal_into_a_fresh_engine_rebuilds_the_same_state()
    {
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var live = new RandomFlow(seed, commands: 300);
            live.Run(checkEveryCommand: false);
            var replay = new EngineHarness(RandomFlow.Markets());
            foreach (byte[] frame in live.Harness.Journal) replay.SendFrame(frame);
            return replay.Engine.ComputeStateHash() == live.Harness.Engine.ComputeStateHash();
        }).Check(Config);
    }
}

/// <summary>A seeded random order flow with an invariant checker.</summary>
internal sealed class RandomFlow
{
    private readonly Random _random;
    private readonly int _commands;
    private readonly List<(int Account, long OrderId, int Market)> _open = [];
    private readonly Dictionary<long, long> _ordered = [];
    private readonly Dictionary<long, long> _filled = [];
    private readonly Dictionary<long, long> _canceled = [];
    private readonly long[] _marks = [0, 1000, 500];
    private readonly MoneyInvariants _money = new();
    private const int Accounts = 6;

    public RandomFlow(int seed, int commands)
    {
        _random = new Random(seed);
        _commands = commands;
        Harness = new EngineHarness(Markets(), new EngineOptions { MaxOpenOrdersPerAccount = 50 });
    }

    public EngineHarness Harness { get; }

    public static Protocol.Markets.MarketDefinition[] Markets() =>
        [TestMarkets.Simple("A_USDC_PERP"), WithRebate(TestMarkets.Simple("B_USDC_PERP"))];

    private static Protocol.Markets.MarketDefinition WithRebate(Protocol.Markets.MarketDefinition m)
    {
        m.MakerFee = -0.0001m;
        m.BaseImf = 0.2m;
        m.ImfFactor = 0.0002m;
        m.MmfFactor = 0.0001m;
        return m;
    }

    public void Run(bool checkEveryCommand)
    {
        Track(Harness.Index(_marks[1], 1));
        Track(Harness.Index(_marks[2], 2));
        for (int a = 1; a <= Accounts; a++) Track(Harness.Deposit(a, _random.Next(5_000, 100_000)));
        for (int i = 0; i < _commands; i++)
        {
            Track(Next());
            if (checkEveryCommand) Check();
        }
        Check();
        CheckQuantityConservation();
    }

    private List<object> Next()
    {
        int market = _random.Next(1, 3);
        int account = _random.Next(1, Accounts + 1);
        long mark = _marks[market];
        int roll = _random.Next(100);
        if (roll < 45)
        {
            long price = mark + _random.Next(-(int)(mark / 30), (int)(mark / 30) + 1);
            var tif = _random.Next(20) switch { < 12 => TimeInForce.Gtc, < 17 => TimeInForce.Ioc, _ => TimeInForce.Fok };
            var flags = _random.Next(10) switch { 0 => OrderFlags.PostOnly, 1 => OrderFlags.ReduceOnly, _ => OrderFlags.None };
            if (tif != TimeInForce.Gtc) flags &= ~OrderFlags.PostOnly;
            return Harness.Limit(account, (Side)_random.Next(2), price, _random.Next(1, 40), market,
                clientOrderId: _random.Next(3) == 0 ? _random.Next(1, 20) : 0, tif: tif, flags: flags,
                stp: (SelfTradePrevention)_random.Next(3));
        }
        if (roll < 55) return Harness.Market(account, (Side)_random.Next(2), _random.Next(1, 20), market,
            flags: _random.Next(4) == 0 ? OrderFlags.ReduceOnly : OrderFlags.None);
        if (roll < 72 && _open.Count > 0)
        {
            var (owner, orderId, m) = _open[_random.Next(_open.Count)];
            return Harness.Cancel(_random.Next(5) == 0 ? account : owner, orderId, m);
        }
        if (roll < 82 && _open.Count > 0)
        {
            var (owner, orderId, m) = _open[_random.Next(_open.Count)];
            long price = _marks[m] + _random.Next(-(int)(_marks[m] / 15), (int)(_marks[m] / 15) + 1);
            return Harness.Replace(owner, orderId, price, _random.Next(1, 40), m);
        }
        if (roll < 86) return Harness.CancelAll(account, _random.Next(3));
        if (roll < 93)
        {
            _marks[market] = Math.Max(10, mark + _random.Next(-(int)(mark / 20), (int)(mark / 20) + 1));
            return Harness.Index(_marks[market], market);
        }
        if (roll < 96) return Harness.Deposit(account, _random.Next(1, 1000));
        return Harness.Withdraw(account, _random.NextInt64(1, 2_000 * EngineHarness.Usdc));
    }

    private void Track(List<object> events)
    {
        foreach (var e in events)
        {
            _money.Observe(e);
            switch (e)
            {
                case OrderAccepted a:
                    _ordered[a.OrderId] = a.Quantity;
                    _open.Add((a.AccountId, a.OrderId, a.MarketId));
                    break;
                case OrderReplaced r:
                    _ordered[r.OrderId] = r.Quantity;
                    break;
                case OrderFilled f when f.OrderId != 0:
                    _filled[f.OrderId] = _filled.GetValueOrDefault(f.OrderId) + f.Quantity;
                    Assert.Equal(_filled[f.OrderId], f.CumulativeQuantity);
                    if (f.LeavesQuantity == 0) _open.RemoveAll(o => o.OrderId == f.OrderId);
                    break;
                case OrderCanceled c:
                    _canceled[c.OrderId] = _canceled.GetValueOrDefault(c.OrderId) + c.CanceledQuantity;
                    _open.RemoveAll(o => o.OrderId == c.OrderId);
                    break;
            }
        }
    }

    /// <summary>Book uncrossed and consistent, open interest balanced, cash conserved.</summary>
    public void Check()
    {
        var engine = Harness.Engine;
        for (int m = 1; m <= 2; m++)
        {
            var bids = engine.GetDepth(m, Side.Buy);
            var asks = engine.GetDepth(m, Side.Sell);
            if (bids.Count > 0 && asks.Count > 0) Assert.True(bids[0].Price < asks[0].Price, $"book {m} crossed: {bids[0].Price} >= {asks[0].Price}");
            Assert.True(bids.Zip(bids.Skip(1)).All(p => p.First.Price > p.Second.Price), "bids not sorted");
            Assert.True(asks.Zip(asks.Skip(1)).All(p => p.First.Price < p.Second.Price), "asks not sorted");
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var orders = engine.GetOrders(m, side);
                var levels = side == Side.Buy ? bids : asks;
                Assert.Equal(levels.Sum(l => l.Quantity), orders.Sum(o => o.Remaining));
                Assert.All(orders, o => Assert.True(o.Remaining > 0 && o.Remaining + o.Filled == o.Quantity));
            }
        }

        _money.Check(engine);
        foreach (int id in engine.AccountIds())
        {
            foreach (var p in engine.GetAccount(id)!.Positions)
            {
                var open = engine.GetOpenOrders(id).Where(o => o.MarketId == p.MarketId).ToList();
                Assert.Equal(open.Where(o => o.Side == Side.Buy).Sum(o => o.Remaining), p.OpenBuyQuantity);
                Assert.Equal(open.Where(o => o.Side == Side.Sell).Sum(o => o.Remaining), p.OpenSellQuantity);
                // Resting reduce-only orders never exceed what they could close.
                long reduceSell = open.Where(o => o.Side == Side.Sell && o.Flags.HasFlag(OrderFlags.ReduceOnly)).Sum(o => o.Remaining);
                long reduceBuy = open.Where(o => o.Side == Side.Buy && o.Flags.HasFlag(OrderFlags.ReduceOnly)).Sum(o => o.Remaining);
                Assert.True(reduceSell <= Math.Max(0, p.Quantity) && reduceBuy <= Math.Max(0, -p.Quantity), "reduce-only orders exceed the position");
            }
        }
    }

    /// <summary>For every order: filled + open + canceled = ordered.</summary>
    private void CheckQuantityConservation()
    {
        var open = new Dictionary<long, long>();
        for (int m = 1; m <= 2; m++)
            foreach (var side in new[] { Side.Buy, Side.Sell })
                foreach (var o in Harness.Engine.GetOrders(m, side)) open[o.OrderId] = o.Remaining;
        foreach (var (orderId, ordered) in _ordered)
        {
            long total = _filled.GetValueOrDefault(orderId) + open.GetValueOrDefault(orderId) + _canceled.GetValueOrDefault(orderId);
            Assert.True(ordered == total, $"order {orderId}: ordered {ordered}, filled + open + canceled = {total}");
        }
    }
}

using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using static Backpack.Gateway.Engine.Tests.EngineHarness;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// The ADL queue in the open: every tick each market side is ranked, each account told its
/// position's exact rank, queue length and notional ahead when they move, the public the depth by
/// score band. Worked example on <see cref="LiquidationTests.Market"/> (0.01 USDC ticks, 1-unit lots,
/// no fees): three longs bought from one short at 100.00, the mark then at 110.00.
/// </summary>
public class AdlQueueTests
{
    private const int Small = 1, Levered = 2, Rich = 3, Short = 9, Maker = 8;
    private readonly EngineHarness _h = new([LiquidationTests.Market()]);

    public AdlQueueTests()
    {
        _h.Index(10_000);
        _h.Deposit(Small, 2_000);
        _h.Deposit(Levered, 500);
        _h.Deposit(Rich, 10_000);
        _h.Deposit(Short, 1_000_000);
        _h.Deposit(Maker, 1_000_000);
        _h.Rest(Short, Side.Sell, 10_000, 25);
        _h.Market(Small, Side.Buy, 10);
        _h.Market(Levered, Side.Buy, 10);
        _h.Market(Rich, Side.Buy, 5);
    }

    private static Dictionary<int, AdlQueuePosition> Places(List<object> events) =>
        events.OfType<AdlQueuePosition>().ToDictionary(e => e.AccountId);

    [Fact]
    public void Each_position_is_told_its_exact_rank_and_the_notional_ahead_and_the_public_the_bands()
    {
        _h.Index(11_000);
        var events = _h.Tick();
        var places = Places(events);
        // Scores at 110: PnL% 10% each; leverage = 110 x lots / (deposit + 10 x lots).
        // Levered: 1,100 / 600 -> 0.1833; Small: 1,100 / 2,100 -> 0.0524; Rich: 550 / 10,050 -> 0.0055.
        Assert.Equal((1, 3, 0L, 1_100 * Usdc, 183_333L), (places[Levered].Rank, places[Levered].QueueLength, places[Levered].NotionalAhead, places[Levered].Notional, places[Levered].Score));
        Assert.Equal((2, 3, 1_100 * Usdc, 1_100 * Usdc), (places[Small].Rank, places[Small].QueueLength, places[Small].NotionalAhead, places[Small].Notional));
        Assert.Equal((3, 3, 2_200 * Usdc, 550 * Usdc), (places[Rich].Rank, places[Rich].QueueLength, places[Rich].NotionalAhead, places[Rich].Notional));
        Assert.Equal((1, 1, 0L), (places[Short].Rank, places[Short].QueueLength, places[Short].NotionalAhead));
        Assert.True(places[Short].Score < 0); // at a loss

        // The order a take-over would walk is the published one.
        Assert.Equal([Levered, Small, Rich], _h.Engine.AdlQueueNow(1, againstLong: false));

        var bands = events.OfType<AdlQueueBand>().ToList();
        Assert.Contains(bands, b => b is { Side: Side.Buy, Band: AdlBand.FromTenth, Positions: 1 } && b.Notional == 1_100 * Usdc); // 0.1 to 0.2
        Assert.Contains(bands, b => b is { Side: Side.Buy, Band: AdlBand.FromZero, Positions: 2 } && b.Notional == 1_650 * Usdc); // 0 to 0.1
        Assert.Contains(bands, b => b is { Side: Side.Sell, Band: AdlBand.Loss, Positions: 1 } && b.Notional == 2_750 * Usdc); // at a loss
        Assert.Equal(3, bands.Count); // only the bands that moved from empty
        Assert.Equal(_h.Engine.AdlQueueBands(1).Where(b => b.Positions > 0).Select(b => (b.Side, b.Band, b.Positions, b.Notional)),
            bands.Select(b => (b.Side, b.Band, b.Positions, b.Notional)));

        // What the account query answers is the same place.
        var snapshot = _h.Send(new QueryAccount(_h.NextHeader(), Small, 1)).OfType<PositionSnapshot>().Single();
        Assert.Equal((2, 3, 1_100 * Usdc, 1_100 * Usdc, places[Small].Score), (snapshot.AdlRank, snapshot.AdlQueueLength, snapshot.AdlNotionalAhead, snapshot.AdlNotional, snapshot.AdlScore));
    }

    [Fact]
    public void Nothing_is_told_while_nothing_moves_and_every_place_when_the_mark_does()
    {
        _h.Index(11_000);
        _h.Tick();
        var quiet = _h.Tick();
        Assert.Empty(quiet.OfType<AdlQueuePosition>());
        Assert.Empty(quiet.OfType<AdlQueueBand>());

        _h.Index(11_100);
        var moved = Places(_h.Tick());
        Assert.Equal(new[] { Small, Levered, Rich, Short }.Order(), moved.Keys.Order());
        Assert.Equal(1_110 * Usdc, moved[Small].NotionalAhead); // behind Levered's 10 x 111
    }

    [Fact]
    public void A_closed_position_leaves_the_queue_and_the_others_move_up()
    {
        _h.Index(11_000);
        _h.Tick();
        _h.Rest(Maker, Side.Buy, 11_000, 10);
        _h.Market(Levered, Side.Sell, 10);
        var places = Places(_h.Tick());
        Assert.Equal((0, 0, 0L), (places[Levered].Rank, places[Levered].QueueLength, places[Levered].NotionalAhead));
        Assert.Equal((1, 3, 0L), (places[Small].Rank, places[Small].QueueLength, places[Small].NotionalAhead));
        Assert.Equal((2, 3, 1_100 * Usdc), (places[Rich].Rank, places[Rich].QueueLength, places[Rich].NotionalAhead));
        // The maker bought Levered's 10 at 110.00: a new long with no profit yet (score 0), last.
        Assert.Equal((3, 3, 1_650 * Usdc), (places[Maker].Rank, places[Maker].QueueLength, places[Maker].NotionalAhead));
        Assert.Equal((0, 0, 0L), _h.Engine.AdlPlace(Levered, 1));
        Assert.Equal((1, 3, 0L), _h.Engine.AdlPlace(Small, 1));
    }

    [Fact]
    public void An_account_under_liquidation_is_out_of_the_queue_as_a_take_over_would_leave_it_out()
    {
        _h.Index(11_000);
        _h.Tick();
        // Levered: E = 500 + 10 x (P - 100), MM = 5% x 10 x P: maintenance at P = 52.6.
        // The book holds no bid: the liquidation's slices find nothing in the band and it stays under way.
        var crash = _h.Index(5_200); // E = 20, MM = 26
        Assert.True(_h.Engine.LiquidatingAccounts().Contains(Levered), string.Join("\n", crash));
        var places = Places(_h.Tick());
        Assert.Equal(0, places[Levered].Rank);
        Assert.DoesNotContain(Levered, _h.Engine.AdlQueueNow(1, againstLong: false));
        Assert.Equal(0, _h.Engine.AdlPlace(Levered, 1).Rank);
    }

    /// <summary>
    /// Over random histories (two markets, crashes, liquidations, ADL): after every tick the
    /// published ranks are exactly the order a take-over would walk, the notional ahead is the sum
    /// of the positions before, and the public bands add up to each side's positions and notional.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Published_ranks_are_the_queue_a_take_over_walks(int seed)
    {
        var random = new Random(seed);
        var second = LiquidationTests.Market();
        second.Symbol = "TWO_USDC_PERP";
        var h = new EngineHarness([LiquidationTests.Market(), second]);
        long[] index = [10_000, 10_000];
        h.Index(index[0], 1);
        h.Index(index[1], 2);
        for (int a = 1; a <= 25; a++) h.Deposit(a, a % 4 == 0 ? 400 : 20_000);
        var told = new Dictionary<(int Account, int Market), AdlQueuePosition>();
        var bands = new Dictionary<(int Market, Side Side, AdlBand Band), AdlQueueBand>();
        int checkedTicks = 0, liquidations = 0;
        for (int i = 0; i < 600; i++)
        {
            h.Time += random.Next(1, 300_000);
            int market = random.Next(1, 3), account = random.Next(1, 26), roll = random.Next(100);
            List<object> events;
            if (roll < 40) events = h.Limit(account, random.Next(2) == 0 ? Side.Buy : Side.Sell, index[market - 1] + random.Next(-200, 201), random.Next(1, 30), market);
            else if (roll < 60) events = h.Market(account, random.Next(2) == 0 ? Side.Buy : Side.Sell, random.Next(1, 30), market);
            else if (roll < 80)
            {
                long move = random.Next(12) == 0 ? -index[market - 1] * random.Next(5, 15) / 100 : random.Next(-100, 101);
                index[market - 1] = Math.Max(2_000, index[market - 1] + move);
                events = h.Index(index[market - 1], market);
            }
            else
            {
                h.Time += 1_000_000;
                events = h.Tick();
            }
            liquidations += events.OfType<LiquidationStarted>().Count();
            foreach (var e in events.OfType<AdlQueuePosition>()) told[(e.AccountId, e.MarketId)] = e;
            foreach (var e in events.OfType<AdlQueueBand>()) bands[(e.MarketId, e.Side, e.Band)] = e;
            if (roll < 80) continue;
            checkedTicks++;
            for (int m = 1; m <= 2; m++)
            {
                foreach (bool longs in new[] { true, false })
                {
                    // A take-over against a liquidated short walks the longs.
                    var queue = h.Engine.AdlQueueNow(m, againstLong: !longs);
                    var published = told.Values.Where(t => t.MarketId == m && t.Rank > 0 && (h.Account(t.AccountId).Positions[m - 1].Quantity > 0) == longs)
                        .OrderBy(t => t.Rank).ToList();
                    Assert.Equal(queue, published.Select(t => t.AccountId).ToList());
                    long ahead = 0;
                    foreach (var t in published)
                    {
                        Assert.Equal((queue.Count, ahead), (t.QueueLength, t.NotionalAhead));
                        ahead += t.Notional;
                    }
                    var side = bands.Values.Where(b => b.MarketId == m && b.Side == (longs ? Side.Buy : Side.Sell)).ToList();
                    Assert.Equal(queue.Count, side.Sum(b => b.Positions));
                    Assert.Equal(ahead, side.Sum(b => b.Notional));
                }
            }
        }
        Assert.True(checkedTicks > 50, $"only {checkedTicks} ticks");
        Assert.True(liquidations > 0, "no liquidation: the accounts under one were never left out");
        Assert.True(told.Values.Count(t => t.Rank > 0) > 10, "too few ranked positions to mean anything");
    }
}

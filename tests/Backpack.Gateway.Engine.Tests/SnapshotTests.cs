using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine.Tests;

public sealed class SnapshotTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MarketDefinition[] Markets()
    {
        var second = LiquidationTests.Market();
        second.Symbol = "TWO_USDC_PERP";
        return [LiquidationTests.Market(), second];
    }

    private static readonly EngineOptions Options = new();

    /// <summary>
    /// A random trading history over two markets: deposits (some thin), limit and market orders,
    /// cancels, replaces, index moves with sudden falls, ticks, a backstop provider and withdrawals,
    /// so that margin calls, liquidations on the book, backstop take-overs and ADL happen.
    /// </summary>
    private static List<byte[]> RandomHistory(int seed, int commands)
    {
        var random = new Random(seed);
        var h = new EngineHarness(Markets());
        var open = new List<(int Account, long OrderId, int Market, long ClientOrderId)>();
        long[] index = [10_000, 10_000];
        h.Index(index[0], 1);
        h.Index(index[1], 2);
        for (int a = 1; a <= 30; a++) h.Deposit(a, a % 5 == 0 ? 500 : 100_000);
        h.Send(new RegisterBackstopProvider(h.NextHeader(), 3, 300 * EngineHarness.Usdc, 800 * EngineHarness.Usdc)); // limits that bind
        while (h.Journal.Count < commands)
        {
            h.Time += random.Next(1, 200_000);
            int market = random.Next(1, 3);
            int account = random.Next(1, 31);
            int roll = random.Next(100);
            List<object> events;
            if (roll < 35)
            {
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                long price = index[market - 1] + (side == Side.Buy ? -1 : 1) * random.Next(0, 300);
                events = h.Limit(account, side, price, random.Next(1, 40), market, clientOrderId: random.Next(3) == 0 ? random.Next(1, 40) : 0); // small range: some are refused as duplicates
            }
            else if (roll < 50)
            {
                events = h.Market(account, random.Next(2) == 0 ? Side.Buy : Side.Sell, random.Next(1, 60), market);
            }
            else if (roll < 62 && open.Count > 0)
            {
                var o = open[random.Next(open.Count)];
                events = o.ClientOrderId != 0 && random.Next(2) == 0 ? h.Cancel(o.Account, 0, o.Market, o.ClientOrderId) : h.Cancel(o.Account, o.OrderId, o.Market);
            }
            else if (roll < 68 && open.Count > 0)
            {
                var o = open[random.Next(open.Count)];
                events = h.Replace(o.Account, o.OrderId, index[o.Market - 1] + random.Next(-300, 300), random.Next(1, 40), o.Market);
            }
            else if (roll < 85)
            {
                // Mostly small moves; now and then a fall of 5 to 12%.
                long move = random.Next(10) == 0 ? -index[market - 1] * random.Next(5, 13) / 100 : random.Next(-80, 81);
                index[market - 1] = Math.Max(1_000, index[market - 1] + move);
                if (random.Next(8) == 0) index[market - 1] = 10_000; // and back
                events = h.Index(index[market - 1], market);
            }
            else if (roll < 97)
            {
                h.Time += 1_000_000;
                events = h.Tick();
            }
            else
            {
                events = random.Next(2) == 0 ? h.Deposit(account, 1_000) : h.Withdraw(account, 100 * EngineHarness.Usdc);
            }
            foreach (var e in events)
            {
                if (e is OrderAccepted accepted) open.Add((accepted.AccountId, accepted.OrderId, accepted.MarketId, accepted.ClientOrderId));
            }
            if (open.Count > 400) open.RemoveRange(0, 200);
        }
        return h.Journal;
    }

    /// <summary>Each command's events, as bytes.</summary>
    private static List<byte[]> Run(MatchingEngine engine, IEnumerable<byte[]> frames)
    {
        var output = new FrameBuffer();
        var events = new List<byte[]>();
        foreach (var frame in frames)
        {
            output.Clear();
            engine.Process(frame, output);
            events.Add(output.WrittenSpan.ToArray());
        }
        return events;
    }

    private static List<object> Decode(byte[] events)
    {
        var list = new List<object>();
        for (int at = 0; at < events.Length;)
        {
            var r = new Backpack.Gateway.Protocol.MessagePack.MessagePackReader(events.AsSpan(at));
            r.Skip();
            list.Add(MessageDecoder.DecodeAny(events.AsSpan(at, r.Position)));
            at += r.Position;
        }
        return list;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void An_engine_loaded_from_a_snapshot_goes_on_exactly_as_the_original(int seed)
    {
        var history = RandomHistory(seed, 4_000);
        var original = new MatchingEngine(Markets(), Options);
        var expected = Run(original, history);
        var l = original.Liquidations;
        Assert.True(l.BookNotional > 0 && l.ProviderNotional > 0 && l.AdlNotional + l.FundNotional > 0,
            $"seed {seed}: every stage should close something (book {l.BookNotional}, provider {l.ProviderNotional}, fund {l.FundNotional}, ADL {l.AdlNotional})");

        // Cut at random, and right after backstop take-overs (when the providers' rolling limits hold state).
        var random = new Random(seed);
        var takeovers = Enumerable.Range(0, expected.Count).Where(i => Decode(expected[i]).OfType<LiquidationFill>().Any(f => f.Stage == LiquidationStage.Backstop)).ToList();
        Assert.True(takeovers.Count >= 1, $"seed {seed}: no backstop take-over");
        foreach (int cut in new[] { 1, history.Count / 2, random.Next(2, history.Count), history.Count - 1, takeovers[0] + 1, takeovers[^1] + 1 })
        {
            var before = new MatchingEngine(Markets(), Options);
            Run(before, history.Take(cut));
            var snapshot = EngineSnapshot.Capture(before);
            string path = snapshot.Write(_folder, Markets());
            var loaded = EngineSnapshot.Load(path, Markets(), Options);

            Assert.Equal((before.LastSequence, before.ComputeStateHash()), (loaded.LastSequence, loaded.ComputeStateHash()));
            var after = Run(loaded, history.Skip(cut));
            for (int i = 0; i < after.Count; i++)
            {
                Assert.True(expected[cut + i].AsSpan().SequenceEqual(after[i]), $"seed {seed}, snapshot at {cut}: command {cut + i + 1} produced other events");
            }
            Assert.Equal(original.ComputeStateHash(), loaded.ComputeStateHash());
            File.Delete(path);
        }
    }

    [Fact]
    public void A_damaged_or_foreign_snapshot_is_passed_over_for_an_older_valid_one()
    {
        var history = RandomHistory(7, 1_500);
        var engine = new MatchingEngine(Markets(), Options);
        Run(engine, history.Take(500));
        string older = EngineSnapshot.Capture(engine).Write(_folder, Markets());
        Run(engine, history.Skip(500).Take(500));
        string newer = EngineSnapshot.Capture(engine).Write(_folder, Markets());
        var bytes = File.ReadAllBytes(newer);
        bytes[^10] ^= 1;
        File.WriteAllBytes(newer, bytes);

        var skipped = new List<string>();
        var latest = EngineSnapshot.LoadLatest(_folder, Markets(), Options, skipped);
        Assert.Equal(older, latest!.Value.Path);
        Assert.Equal(500, latest.Value.Engine.LastSequence);
        Assert.Contains("CRC does not match", Assert.Single(skipped));

        // Snapshots of other markets are not this venue's.
        var other = Markets();
        other[1].StepSize = 10m;
        skipped.Clear();
        Assert.Null(EngineSnapshot.LoadLatest(_folder, other, Options, skipped));
        Assert.Equal(2, skipped.Count); // both were looked at, and the fingerprint is read before the body's CRC
        Assert.All(skipped, s => Assert.Contains("layout fingerprint differs", s));
        Assert.Null(EngineSnapshot.LoadLatest(Path.Combine(_folder, "none"), Markets(), Options, skipped));
    }
}

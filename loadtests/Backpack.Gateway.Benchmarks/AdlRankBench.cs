using System.Diagnostics;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// What ranking the ADL queues at every tick costs: N accounts each hold a position in each of the
/// three default markets (half long, half short), and the index of every market moves before each
/// tick, so every place and band moves and every position is told. References in the same run: the
/// same ticks on an engine that never ranks (AdlRankRefreshTicks past the run), in alternating
/// rounds, and in every round one walk over every account and position after each tick
/// (MatchingEngine.Summarize: equity, margin and open interest, the admin endpoint's figures): the
/// ranking's figure is its ratio to that walk. Medians per tick.
/// </summary>
public static class AdlRankBench
{
    public static void Run(int accounts, int ticks, int rounds)
    {
        Console.WriteLine($"ADL ranking: {accounts:N0} accounts x 3 markets, {ticks} ticks per round, {rounds} rounds each");
        var ranked = new List<double>();
        var bare = new List<double>();
        var ratios = new List<double>();
        long events = 0, allocated = 0;
        for (int round = 0; round < rounds; round++)
        {
            foreach (bool rank in new[] { true, false })
            {
                var (micros, walk, perTick, bytes) = Round(accounts, ticks, rank ? 1 : int.MaxValue);
                (rank ? ranked : bare).Add(micros);
                if (rank)
                {
                    events = perTick;
                    allocated = bytes;
                    ratios.Add(micros / walk);
                }
                Console.WriteLine($"round {round + 1} {(rank ? "ranked every tick" : "never ranked     ")}: {micros,9:F0} us per tick, a walk over every account {walk,7:F0} us, " +
                                  $"{perTick,7} events per tick, {bytes,9} bytes allocated per tick");
            }
        }
        double r = Median(ranked), b = Median(bare);
        Console.WriteLine($"median: ranked {r:F0} us, never ranked {b:F0} us per tick; a ranked tick costs {Median(ratios):F2}x a walk over every account " +
                          $"(median of the rounds' ratios); {events} events per tick, {allocated} bytes allocated per tick");
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static (double Micros, double WalkMicros, long EventsPerTick, long BytesPerTick) Round(int accounts, int ticks, int refreshTicks)
    {
        var markets = MixedFlow.DefaultMarkets();
        var options = MixedFlow.Options(accounts + 1);
        options.Liquidation.AdlRankRefreshTicks = refreshTicks;
        var engine = new MatchingEngine(markets, options);
        var output = new FrameBuffer(1 << 20, 1 << 12);
        long sequence = 0, time = 1_760_000_000_000_000;
        long[] marks = [1_000_000, 350_000, 18_000];
        long[] lots = [100, 100, 10];
        int maker = accounts + 1;
        var random = new Random(7);
        CommandHeader Header() => new(++sequence, time += 1_000, sequence);
        void Run<T>(T command) where T : struct, IProtocolMessage<T>
        {
            output.Clear();
            engine.Process(ProtocolCodec.ToArray(command), output);
        }
        Run(new Deposit(Header(), maker, 1_000_000_000L * 1_000_000));
        for (int m = 0; m < 3; m++) Run(new SetIndexPrice(Header(), m + 1, marks[m]));
        for (int a = 1; a <= accounts; a++) Run(new Deposit(Header(), a, (1_000 + random.Next(100_000)) * 1_000_000L));
        for (int m = 0; m < 3; m++)
        {
            Run(new NewOrder(Header(), maker, m + 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, marks[m] + 1, lots[m] * 10L * accounts, OrderFlags.None, SelfTradePrevention.RejectTaker));
            Run(new NewOrder(Header(), maker, m + 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, marks[m] - 1, lots[m] * 10L * accounts, OrderFlags.None, SelfTradePrevention.RejectTaker));
            for (int a = 1; a <= accounts; a++)
            {
                Run(new NewOrder(Header(), a, m + 1, 0, a % 2 == 0 ? Side.Buy : Side.Sell, OrderType.Market, TimeInForce.Ioc, 0, lots[m] * random.Next(1, 10),
                    OrderFlags.None, SelfTradePrevention.RejectTaker));
            }
        }
        Run(new Tick(Header()));
        long elapsed = 0, walking = 0, count = 0, bytes = 0;
        GC.Collect();
        for (int t = 0; t < ticks; t++)
        {
            for (int m = 0; m < 3; m++) Run(new SetIndexPrice(Header(), m + 1, marks[m] + random.NextInt64(-marks[m] / 50, marks[m] / 50)));
            time += 250_000;
            byte[] frame = ProtocolCodec.ToArray(new Tick(Header()));
            output.Clear();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            engine.Process(frame, output);
            elapsed += Stopwatch.GetTimestamp() - start;
            bytes += GC.GetAllocatedBytesForCurrentThread() - allocated; // the tick command's own
            count += output.Count;
            long walkStart = Stopwatch.GetTimestamp();
            engine.Summarize();
            walking += Stopwatch.GetTimestamp() - walkStart;
        }
        return (elapsed * 1e6 / Stopwatch.Frequency / ticks, walking * 1e6 / Stopwatch.Frequency / ticks, count / ticks, bytes / ticks);
    }
}

using Backpack.Gateway.Engine;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// A recorded command stream for the engine benchmark: about 60% passive limit orders, 30% cancels
/// and 10% crossing IOC orders, over 3 markets and many accounts; optionally a share of stop orders
/// (stop-market triggers 1-5% from the mark, on either side; a fifth of the cancels then go to them). The generator runs each command
/// through a real engine as it goes and follows the events, so every cancel names an order that is
/// really open and every passive order really rests; replaying the stream into a fresh engine
/// repeats exactly the same work (the engine is deterministic).
/// </summary>
public sealed class MixedFlow
{
    private MixedFlow(MarketDefinition[] markets, byte[][] setup, byte[] measured, int[] ends, string mix)
    {
        Markets = markets;
        Setup = setup;
        Measured = measured;
        Ends = ends;
        Mix = mix;
    }

    public MarketDefinition[] Markets { get; }

    /// <summary>Deposits, index prices and the resting book the measured part starts from.</summary>
    public byte[][] Setup { get; }

    /// <summary>The measured commands, back to back; command i ends at Ends[i].</summary>
    public byte[] Measured { get; }
    public int[] Ends { get; }
    public int Count => Ends.Length;

    /// <summary>What the measured part turned out to contain (counts by kind).</summary>
    public string Mix { get; }

    public static MarketDefinition[] DefaultMarkets() =>
    [
        new() { Symbol = "BTC_USDC_PERP", TickSize = 0.1m, StepSize = 0.00001m, MinQuantity = 0.00001m, MaxQuantity = 100m, MakerFee = 0.0002m, TakerFee = 0.0005m },
        new() { Symbol = "ETH_USDC_PERP", TickSize = 0.01m, StepSize = 0.0001m, MinQuantity = 0.0001m, MaxQuantity = 2000m, MakerFee = 0.0002m, TakerFee = 0.0005m },
        new() { Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.01m, MinQuantity = 0.01m, MaxQuantity = 100000m, MakerFee = 0.0002m, TakerFee = 0.0005m, BaseImf = 0.05m, BaseMmf = 0.025m },
    ];

    public static EngineOptions Options(int accounts) => new()
    {
        InitialAccountCapacity = accounts + 16,
        InitialOrderCapacity = 1 << 16,
        InitialLevelCapacity = 1 << 14,
        MaxOpenOrdersPerAccount = 10_000,
        MaxPendingTriggersPerAccount = 10_000,
    };

    /// <param name="marketMakers">
    /// 0: every command's account is drawn uniformly from all accounts (the cache worst case).
    /// N &gt; 0: passive orders and their cancels come from accounts 1..N (market makers quoting and
    /// requoting), crossing orders from all accounts, as on a real venue.
    /// </param>
    /// <param name="stopPercent">share of the measured commands (taken from the passive orders) that place a stop order</param>
    public static MixedFlow Generate(int accounts = 10_000, int restingOrders = 30_000, int measuredCommands = 1_000_000, int seed = 42, int marketMakers = 0,
        int stopPercent = 0)
    {
        var markets = DefaultMarkets();
        var engine = new MatchingEngine(markets, Options(accounts));
        var random = new Random(seed);
        var output = new FrameBuffer();
        long sequence = 0;
        long time = 1_760_000_000_000_000;
        long[] marks = [1_000_000, 350_000, 18_000];     // 100,000.0 / 3,500.00 / 180.00 USDC in ticks
        long[] lotMin = [100, 100, 10];                  // 0.001 BTC, 0.01 ETH, 0.1 SOL
        long[] lotMax = [10_000, 10_000, 1_000];
        var live = new List<long>();                      // open order ids
        var liveIndex = new Dictionary<long, (int Index, int Account, int Market)>();
        var stops = new List<(long OrderId, int Account, int Market)>(); // pending stop orders

        var setup = new List<byte[]>();
        var measured = new MemoryStream(measuredCommands * 40);
        var ends = new List<int>(measuredCommands);
        int passive = 0, cancels = 0, crossing = 0, fills = 0, stopOrders = 0, stopCancels = 0;

        byte[] Run<T>(T command) where T : struct, IProtocolMessage<T>
        {
            byte[] frame = ProtocolCodec.ToArray(command);
            output.Clear();
            engine.Process(frame, output);
            for (int i = 0; i < output.Count; i++)
            {
                var span = output[i];
                if (!ProtocolCodec.TryReadType(span, out var type, out _)) continue;
                switch (type)
                {
                    case MessageType.OrderAccepted:
                        var a = ProtocolCodec.Decode<OrderAccepted>(span);
                        if (a.TimeInForce == TimeInForce.Gtc) Add(a.OrderId, a.AccountId, a.MarketId);
                        break;
                    case MessageType.OrderFilled:
                        var f = ProtocolCodec.Decode<OrderFilled>(span);
                        if (f.LeavesQuantity == 0) Remove(f.OrderId);
                        if (f.Liquidity == Liquidity.Maker) fills++;
                        break;
                    case MessageType.OrderCanceled:
                        Remove(ProtocolCodec.Decode<OrderCanceled>(span).OrderId);
                        break;
                    case MessageType.TriggerPlaced:
                        var t = ProtocolCodec.Decode<TriggerPlaced>(span);
                        stops.Add((t.OrderId, t.AccountId, t.MarketId));
                        break;
                    case MessageType.TriggerFired:
                        long firedId = ProtocolCodec.Decode<TriggerFired>(span).OrderId;
                        stops.RemoveAll(x => x.OrderId == firedId);
                        break;
                    case MessageType.OrderRejected:
                    case MessageType.OrderCancelRejected:
                    case MessageType.CommandRejected:
                        throw new InvalidOperationException("generator made a command the engine refused: " + MessageDecoder.DecodeAny(span));
                }
            }
            return frame;
        }

        void Add(long orderId, int account, int market)
        {
            liveIndex[orderId] = (live.Count, account, market);
            live.Add(orderId);
        }

        void Remove(long orderId)
        {
            if (!liveIndex.Remove(orderId, out var entry)) return;
            long last = live[^1];
            live[entry.Index] = last;
            live.RemoveAt(live.Count - 1);
            if (last != orderId) liveIndex[last] = (entry.Index, liveIndex[last].Account, liveIndex[last].Market);
        }

        CommandHeader Header() => new(++sequence, time += 1, sequence);

        NewOrder Passive(int market)
        {
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            var book = engine.GetDepth(market + 1, side == Side.Buy ? Side.Sell : Side.Buy, 1);
            long touch = book.Count > 0 ? book[0].Price : marks[market];
            // Mostly near the touch: offset 1..~200 ticks, denser close in.
            long offset = 1 + (long)(Math.Pow(random.NextDouble(), 2) * 200);
            long price = side == Side.Buy ? Math.Min(touch, marks[market] + 100) - offset : Math.Max(touch, marks[market] - 100) + offset;
            long lots = random.NextInt64(lotMin[market], lotMax[market]);
            int account = 1 + random.Next(marketMakers > 0 ? marketMakers : accounts);
            return new NewOrder(Header(), account, market + 1, 0, side, OrderType.Limit, TimeInForce.Gtc, price, lots, OrderFlags.None, SelfTradePrevention.RejectTaker);
        }

        for (int a = 1; a <= accounts; a++) setup.Add(Run(new Deposit(Header(), a, 10_000_000L * 1_000_000)));
        for (int m = 0; m < markets.Length; m++) setup.Add(Run(new SetIndexPrice(Header(), m + 1, marks[m])));
        while (live.Count < restingOrders) setup.Add(Run(Passive(random.Next(markets.Length))));

        for (int i = 0; i < measuredCommands; i++)
        {
            int roll = random.Next(100);
            int market = random.Next(markets.Length);
            byte[] frame;
            if (roll < 6 && stopPercent > 0 && stops.Count > 0)
            {
                int k = random.Next(stops.Count);
                var stop = stops[k];
                stops[k] = stops[^1];
                stops.RemoveAt(stops.Count - 1);
                frame = Run(new CancelOrder(Header(), stop.Account, stop.Market, stop.OrderId, 0));
                stopCancels++;
            }
            else if (roll < 30 && live.Count > 0)
            {
                long orderId = live[random.Next(live.Count)];
                var info = liveIndex[orderId];
                frame = Run(new CancelOrder(Header(), info.Account, info.Market, orderId, 0));
                cancels++;
            }
            else if (roll < 40)
            {
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                // Take about two resting orders' worth; sweep deeper when the book is fuller than it
                // started, less when thinner, so the book stays near its starting size.
                int levels = live.Count > restingOrders * 11 / 10 ? 3 : live.Count < restingOrders * 9 / 10 ? 1 : 2;
                var touch = engine.GetDepth(market + 1, side == Side.Buy ? Side.Sell : Side.Buy, levels);
                if (touch.Count == 0) { i--; continue; }
                long price = touch[^1].Price;
                long lots = Math.Max(lotMin[market], Math.Min(touch.Sum(l => l.Quantity), lotMax[market] * 2));
                frame = Run(new NewOrder(Header(), 1 + random.Next(accounts), market + 1, 0, side, OrderType.Limit, TimeInForce.Ioc, price, lots, OrderFlags.None, SelfTradePrevention.RejectMaker));
                crossing++;
            }
            else if (roll < 40 + stopPercent)
            {
                // A stop-market order 1-5% from the mark on either side (a stop-loss or a breakout entry).
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                long mark = engine.GetMarkPrice(market + 1);
                long distance = mark * (10 + random.Next(41)) / 1_000;
                long trigger = random.Next(2) == 0 ? mark + distance : mark - distance;
                long lots = random.NextInt64(lotMin[market], lotMax[market]);
                frame = Run(new NewTriggerOrder(Header(), 1 + random.Next(accounts), market + 1, 0, side, OrderType.Market, TimeInForce.Ioc, 0, lots,
                    OrderFlags.None, SelfTradePrevention.RejectTaker, trigger, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice, 0, 0, TriggerSource.MarkPrice));
                stopOrders++;
            }
            else
            {
                frame = Run(Passive(market));
                passive++;
            }
            measured.Write(frame);
            ends.Add((int)measured.Length);
        }

        string mix = $"{passive} passive limits ({100.0 * passive / measuredCommands:F1}%), {cancels} cancels ({100.0 * cancels / measuredCommands:F1}%), " +
                     $"{crossing} crossing IOC ({100.0 * crossing / measuredCommands:F1}%), " +
                     (stopPercent > 0 ? $"{stopOrders} stop orders ({100.0 * stopOrders / measuredCommands:F1}%), {stopCancels} stop cancels, {stops.Count} stops pending at the end, " : "") +
                     $"{fills} maker fills, {live.Count} orders resting at the end, {accounts} accounts, {markets.Length} markets, " +
                     (marketMakers > 0 ? $"passive flow from {marketMakers} market makers" : "accounts drawn uniformly");
        return new MixedFlow(markets, setup.ToArray(), measured.ToArray(), ends.ToArray(), mix);
    }

    /// <summary>A fresh engine with the setup applied, ready for the measured part.</summary>
    public MatchingEngine PrepareEngine(int accounts = 10_000)
    {
        var engine = new MatchingEngine(DefaultMarkets(), Options(accounts));
        var output = new FrameBuffer();
        foreach (var frame in Setup)
        {
            output.Clear();
            engine.Process(frame, output);
        }
        return engine;
    }

    /// <summary>Processes the measured commands; returns the number of events they produced.</summary>
    public long RunMeasured(MatchingEngine engine, FrameBuffer output)
    {
        long events = 0;
        int start = 0;
        ReadOnlySpan<byte> all = Measured;
        foreach (int end in Ends)
        {
            output.Clear();
            engine.Process(all[start..end], output);
            events += output.Count;
            start = end;
        }
        return events;
    }
}

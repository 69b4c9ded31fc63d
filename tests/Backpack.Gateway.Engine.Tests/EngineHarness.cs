using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine.Tests;

/// <summary>
/// Drives a real <see cref="MatchingEngine"/> with encoded commands (sequenced and time-stamped as
/// the sequencer would) and decodes the events it emits, so tests read like a venue's log.
/// </summary>
public sealed class EngineHarness
{
    public const long Usdc = 1_000_000;
    public const long StartTime = 1_760_000_000_000_000; // microseconds

    private readonly FrameBuffer _output = new();
    private long _sequence;
    private long _requestId;

    public EngineHarness(IEnumerable<MarketDefinition>? markets = null, EngineOptions? options = null)
    {
        Engine = new MatchingEngine(markets ?? [TestMarkets.Simple()], options);
        Time = StartTime;
    }

    public MatchingEngine Engine { get; }

    public long Time { get; set; }

    /// <summary>Every event since the harness was made.</summary>
    public List<object> Log { get; } = [];

    /// <summary>The raw frames of every command sent, in order (a journal).</summary>
    public List<byte[]> Journal { get; } = [];

    public CommandHeader NextHeader() => new(++_sequence, Time, ++_requestId);

    public List<object> Send<T>(T command) where T : struct, IProtocolMessage<T>
    {
        byte[] frame = ProtocolCodec.ToArray(command);
        return SendFrame(frame);
    }

    public List<object> SendFrame(byte[] frame)
    {
        Journal.Add(frame);
        _output.Clear();
        Engine.Process(frame, _output);
        var events = new List<object>(_output.Count);
        for (int i = 0; i < _output.Count; i++) events.Add(MessageDecoder.DecodeAny(_output[i]));
        Log.AddRange(events);
        return events;
    }

    public List<object> Deposit(int account, long usdc) => Send(new Deposit(NextHeader(), account, usdc * Usdc));

    public List<object> Withdraw(int account, long micros) => Send(new Withdraw(NextHeader(), account, micros));

    public List<object> Index(long price, int market = 1) => Send(new SetIndexPrice(NextHeader(), market, price));

    public List<object> Tick() => Send(new Tick(NextHeader()));

    public List<object> Limit(int account, Side side, long price, long quantity, int market = 1, long clientOrderId = 0,
        TimeInForce tif = TimeInForce.Gtc, OrderFlags flags = OrderFlags.None, SelfTradePrevention stp = SelfTradePrevention.RejectTaker) =>
        Send(new NewOrder(NextHeader(), account, market, clientOrderId, side, OrderType.Limit, tif, price, quantity, flags, stp));

    public List<object> Market(int account, Side side, long quantity, int market = 1, OrderFlags flags = OrderFlags.None,
        TimeInForce tif = TimeInForce.Ioc) =>
        Send(new NewOrder(NextHeader(), account, market, 0, side, OrderType.Market, tif, 0, quantity, flags, SelfTradePrevention.RejectTaker));

    public List<object> Cancel(int account, long orderId, int market = 1, long clientOrderId = 0) =>
        Send(new CancelOrder(NextHeader(), account, market, orderId, clientOrderId));

    public List<object> Replace(int account, long orderId, long price, long quantity, int market = 1, long newClientOrderId = 0) =>
        Send(new ReplaceOrder(NextHeader(), account, market, orderId, 0, newClientOrderId, price, quantity));

    public List<object> CancelAll(int account, int market = 0) => Send(new CancelAll(NextHeader(), account, market));

    /// <summary>Places a resting limit order and returns its engine order id.</summary>
    public long Rest(int account, Side side, long price, long quantity, int market = 1, OrderFlags flags = OrderFlags.None, long clientOrderId = 0)
    {
        var events = Limit(account, side, price, quantity, market, clientOrderId, flags: flags);
        var accepted = events.OfType<OrderAccepted>().SingleOrDefault();
        if (accepted == default)
        {
            throw new InvalidOperationException("order was not accepted: " + string.Join(", ", events));
        }
        return accepted.OrderId;
    }

    public AccountView Account(int id) => Engine.GetAccount(id) ?? throw new InvalidOperationException($"no account {id}");
}

public static class TestMarkets
{
    /// <summary>
    /// A market with round numbers: 1 tick = 1 USDC, 1 lot = 1 unit, so a notional is price x quantity
    /// USDC. Fees 2 bp maker / 5 bp taker, IMF 10%, MMF 5%, no square-root growth, band 10%.
    /// </summary>
    public static MarketDefinition Simple(string symbol = "TEST_USDC_PERP") => new()
    {
        Symbol = symbol,
        TickSize = 1m,
        StepSize = 1m,
        MinQuantity = 1m,
        MaxQuantity = 1_000_000m,
        PriceBand = 0.10m,
        MakerFee = 0.0002m,
        TakerFee = 0.0005m,
        BaseImf = 0.10m,
        ImfFactor = 0m,
        BaseMmf = 0.05m,
        MmfFactor = 0m,
    };

    public static MarketDefinition NoFees(string symbol = "FREE_USDC_PERP")
    {
        var m = Simple(symbol);
        m.MakerFee = 0;
        m.TakerFee = 0;
        return m;
    }

    /// <summary>The shipped BTC market's shape: 0.1 tick, 0.00001 step (1 micro-USDC per tick x lot).</summary>
    public static MarketDefinition Btc() => new()
    {
        Symbol = "BTC_USDC_PERP",
        TickSize = 0.1m,
        StepSize = 0.00001m,
        MinQuantity = 0.00001m,
        MaxQuantity = 100m,
        PriceBand = 0.05m,
        MakerFee = 0.0002m,
        TakerFee = 0.0005m,
        BaseImf = 0.02m,
        ImfFactor = 0.00002m,
        BaseMmf = 0.01m,
        MmfFactor = 0.000012m,
    };
}

using BenchmarkDotNet.Attributes;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Benchmarks;

/// <summary>Encoding and decoding the busiest messages of the shared binary protocol.</summary>
[MemoryDiagnoser]
public class CodecBenchmark
{
    private readonly byte[] _buffer = new byte[ProtocolCodec.MaxMessageSize];
    /// <summary>The NewOrder both codec benchmarks encode and decode.</summary>
    internal static readonly NewOrder SampleNewOrder = new(new CommandHeader(123_456, 1_760_000_000_000_000, 77), 4_321, 1, 987_654, Side.Buy,
        OrderType.Limit, TimeInForce.Gtc, 1_000_123, 25_000, OrderFlags.None, SelfTradePrevention.RejectTaker);

    /// <summary>The OrderFilled both codec benchmarks encode and decode.</summary>
    internal static readonly OrderFilled SampleFill = new(new EventHeader(123_456, 1_760_000_000_000_000), 4_321, 1, 5_555_555, 987_654, Side.Sell,
        9_876_543, 1_000_123, 25_000, 0, 25_000, 25_003_075_000, 12_501_538, Liquidity.Taker, OrderOrigin.User, 0, LiquidationStage.None);

    private readonly NewOrder _newOrder = SampleNewOrder;
    private readonly OrderFilled _fill = SampleFill;
    private byte[] _newOrderFrame = [];
    private byte[] _fillFrame = [];

    [GlobalSetup]
    public void Setup()
    {
        _newOrderFrame = ProtocolCodec.ToArray(_newOrder);
        _fillFrame = ProtocolCodec.ToArray(_fill);
    }

    [Benchmark]
    public int EncodeNewOrder() => ProtocolCodec.Encode(_newOrder, _buffer);

    [Benchmark]
    public long DecodeNewOrder() => ProtocolCodec.TryDecode(_newOrderFrame, out NewOrder o, out _) ? o.Quantity : 0;

    [Benchmark]
    public int EncodeOrderFilled() => ProtocolCodec.Encode(_fill, _buffer);

    [Benchmark]
    public long DecodeOrderFilled() => ProtocolCodec.TryDecode(_fillFrame, out OrderFilled f, out _) ? f.Quantity : 0;
}

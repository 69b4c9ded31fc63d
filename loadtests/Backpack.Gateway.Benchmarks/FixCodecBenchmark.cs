using System.Text;
using BenchmarkDotNet.Attributes;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Dictionary;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// The FIX hot path per message: frame + parse + validate against fixspec/FIX44.xml + map a
/// NewOrderSingle to an encoded NewOrder command; and encoding a fill ExecutionReport.
/// </summary>
[MemoryDiagnoser]
public class FixCodecBenchmark
{
    private readonly byte[] _newOrder;
    private readonly FixMessage _message = new();
    private readonly FixValidator _validator;
    private readonly MessageDefinition _definition;
    private readonly MarketDirectory _markets;
    private readonly byte[] _command = new byte[256];
    private readonly byte[] _output = new byte[4096];
    private static readonly byte[] Sender = "BACKPACK"u8.ToArray();
    private static readonly byte[] Target = "CLIENT_A"u8.ToArray();
    private static readonly byte[] Symbol = "SOL_USDC_PERP"u8.ToArray();

    public FixCodecBenchmark()
    {
        var dictionary = FixDictionary.Load(Path.Combine(AppContext.BaseDirectory, "fixspec", "FIX44.xml"));
        _validator = new FixValidator(dictionary);
        _definition = dictionary.Message("D")!;
        _markets = new MarketDirectory([new MarketDefinition { Id = 1, Symbol = "SOL_USDC_PERP", TickSize = 0.01m, StepSize = 0.01m, MinQuantity = 0.01m, MaxQuantity = 100_000m }]);
        var w = new FixWriter(_output, "D"u8);
        w.Field(FixTags.SenderCompID, Target);
        w.Field(FixTags.TargetCompID, Sender);
        w.Field(FixTags.MsgSeqNum, 123_456);
        w.Field(FixTags.SendingTime, "20261122-10:15:30.123"u8);
        w.Field(FixTags.ClOrdID, "ORD-0000012345"u8);
        w.Field(FixTags.Account, 101);
        w.Field(FixTags.Symbol, Symbol);
        w.Field(FixTags.Side, '1');
        w.Field(FixTags.TransactTime, "20261122-10:15:30.120"u8);
        w.Field(FixTags.OrderQty, "12.5"u8);
        w.Field(FixTags.OrdType, '2');
        w.Field(FixTags.Price, "179.42"u8);
        w.Field(FixTags.TimeInForce, '1');
        w.Field(FixTags.ExecInst, "6"u8);
        var (start, length) = w.Finish("FIX.4.4"u8);
        _newOrder = _output.AsSpan(start, length).ToArray();
        Console.WriteLine("// NewOrderSingle: " + Encoding.ASCII.GetString(_newOrder).Replace('\u0001', '|'));
    }

    [Benchmark]
    public int ParseValidateMapNewOrderSingle()
    {
        FixFramer.TryFrame(_newOrder, 65_536, out int consumed);
        _message.Parse(_newOrder, 0, consumed);
        if (_validator.Validate(_message, _definition) is not null) return -1;
        OrderTranslator.TranslateNewOrder(_message, _markets, 101, 7_000_000_001, 9_000_000_001, out var order);
        return ProtocolCodec.Encode(order, _command); // what the gateway then writes into the engine's ring slot
    }

    [Benchmark]
    public int EncodeFillExecutionReport()
    {
        var w = new FixWriter(_output, "8"u8);
        w.Field(FixTags.SenderCompID, Sender);
        w.Field(FixTags.TargetCompID, Target);
        w.Field(FixTags.MsgSeqNum, 123_457);
        w.Timestamp(FixTags.SendingTime, 1_763_806_530_123_000);
        w.Field(FixTags.OrderID, 50_331_649);
        w.Field(FixTags.ClOrdID, "ORD-0000012345"u8);
        w.Field(FixTags.ExecID, "T1234567"u8);
        w.Field(FixTags.ExecType, 'F');
        w.Field(FixTags.OrdStatus, '1');
        w.Field(FixTags.Account, 101);
        w.Field(FixTags.Symbol, Symbol);
        w.Field(FixTags.Side, '1');
        w.Field(FixTags.OrdType, '2');
        w.Scaled(FixTags.Price, 17_942, 2);
        w.Field(FixTags.TimeInForce, '1');
        w.Scaled(FixTags.OrderQty, 1_250, 2);
        w.Scaled(FixTags.LeavesQty, 750, 2);
        w.Scaled(FixTags.CumQty, 500, 2);
        w.Scaled(FixTags.AvgPx, 1_794_200, 4);
        w.Scaled(FixTags.LastQty, 500, 2);
        w.Scaled(FixTags.LastPx, 17_942, 2);
        w.Scaled(FixTags.Commission, 448_550, 6);
        w.Field(FixTags.CommType, '3');
        w.Field(FixTags.LastLiquidityInd, 2);
        w.Timestamp(FixTags.TransactTime, 1_763_806_530_122_000);
        w.Field(FixTags.OrderOrigin, 0);
        var (_, length) = w.Finish("FIX.4.4"u8);
        return length;
    }
}

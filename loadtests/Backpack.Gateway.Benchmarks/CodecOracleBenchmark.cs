using System.Buffers;
using BenchmarkDotNet.Attributes;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using OracleReader = global::MessagePack.MessagePackReader;
using OracleWriter = global::MessagePack.MessagePackWriter;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// Our codec against MessagePack-CSharp 2.5.307's low-level MessagePackWriter/MessagePackReader
/// (its fastest path: no serializer, no resolver, fields written and read by hand) for NewOrder
/// and OrderFilled, in the same run, writing identical bytes (checked in Setup).
/// The figure that matters is the ratio (docs/protocol.md, "MessagePack-CSharp as the oracle").
/// </summary>
[MemoryDiagnoser]
public class CodecOracleBenchmark
{
    private readonly byte[] _buffer = new byte[ProtocolCodec.MaxMessageSize];
    private readonly FixedBufferWriter _oracleBuffer = new(ProtocolCodec.MaxMessageSize);
    private readonly NewOrder _newOrder = CodecBenchmark.SampleNewOrder;
    private readonly OrderFilled _fill = CodecBenchmark.SampleFill;
    private byte[] _newOrderFrame = [];
    private byte[] _fillFrame = [];
    private ReadOnlySequence<byte> _newOrderSequence;
    private ReadOnlySequence<byte> _fillSequence;

    [GlobalSetup]
    public void Setup()
    {
        _newOrderFrame = ProtocolCodec.ToArray(_newOrder);
        _fillFrame = ProtocolCodec.ToArray(_fill);
        _newOrderSequence = new ReadOnlySequence<byte>(_newOrderFrame);
        _fillSequence = new ReadOnlySequence<byte>(_fillFrame);
        OracleEncodeNewOrder();
        if (!_oracleBuffer.Written.SequenceEqual(_newOrderFrame)) throw new InvalidOperationException("NewOrder: the two writers differ");
        OracleEncodeOrderFilled();
        if (!_oracleBuffer.Written.SequenceEqual(_fillFrame)) throw new InvalidOperationException("OrderFilled: the two writers differ");
        if (OracleDecodeNewOrder() != _newOrder.Quantity || OracleDecodeOrderFilled() != _fill.Quantity) throw new InvalidOperationException("the oracle read other values");
    }

    [Benchmark(Baseline = true)]
    public int EncodeNewOrder() => ProtocolCodec.Encode(_newOrder, _buffer);

    [Benchmark]
    public int OracleEncodeNewOrder()
    {
        _oracleBuffer.Reset();
        var w = new OracleWriter(_oracleBuffer);
        var m = _newOrder;
        w.WriteArrayHeader(NewOrder.FieldCount);
        w.Write((byte)NewOrder.Type);
        w.WriteInt64(m.Header.Sequence); // int 64 always, as the sequencer stamps it
        w.WriteInt64(m.Header.Time);
        w.Write(m.Header.RequestId);
        w.Write(m.AccountId);
        w.Write(m.MarketId);
        w.Write(m.ClientOrderId);
        w.Write((byte)m.Side);
        w.Write((byte)m.OrderType);
        w.Write((byte)m.TimeInForce);
        w.Write(m.Price);
        w.Write(m.Quantity);
        w.Write((byte)m.Flags);
        w.Write((byte)m.SelfTradePrevention);
        w.Flush();
        return _oracleBuffer.Count;
    }

    [Benchmark]
    public long DecodeNewOrder() => ProtocolCodec.TryDecode(_newOrderFrame, out NewOrder o, out _) ? o.Quantity : 0;

    [Benchmark]
    public long OracleDecodeNewOrder()
    {
        var r = new OracleReader(_newOrderSequence);
        if (r.ReadArrayHeader() < NewOrder.FieldCount || r.ReadByte() != (byte)NewOrder.Type) return 0;
        var o = new NewOrder(new CommandHeader(r.ReadInt64(), r.ReadInt64(), r.ReadInt64()), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(),
            (Side)r.ReadByte(), (OrderType)r.ReadByte(), (TimeInForce)r.ReadByte(), r.ReadInt64(), r.ReadInt64(), (OrderFlags)r.ReadByte(),
            (SelfTradePrevention)r.ReadByte());
        return o.Quantity;
    }

    [Benchmark]
    public int EncodeOrderFilled() => ProtocolCodec.Encode(_fill, _buffer);

    [Benchmark]
    public int OracleEncodeOrderFilled()
    {
        _oracleBuffer.Reset();
        var w = new OracleWriter(_oracleBuffer);
        var m = _fill;
        w.WriteArrayHeader(OrderFilled.FieldCount);
        w.Write((byte)OrderFilled.Type);
        w.Write(m.Header.Sequence);
        w.Write(m.Header.Time);
        w.Write(m.AccountId);
        w.Write(m.MarketId);
        w.Write(m.OrderId);
        w.Write(m.ClientOrderId);
        w.Write((byte)m.Side);
        w.Write(m.TradeId);
        w.Write(m.Price);
        w.Write(m.Quantity);
        w.Write(m.LeavesQuantity);
        w.Write(m.CumulativeQuantity);
        w.Write(m.CumulativeQuote);
        w.Write(m.Fee);
        w.Write((byte)m.Liquidity);
        w.Write((byte)m.Origin);
        w.Write(m.LiquidationId);
        w.Write((byte)m.Stage);
        w.Flush();
        return _oracleBuffer.Count;
    }

    [Benchmark]
    public long DecodeOrderFilled() => ProtocolCodec.TryDecode(_fillFrame, out OrderFilled f, out _) ? f.Quantity : 0;

    [Benchmark]
    public long OracleDecodeOrderFilled()
    {
        var r = new OracleReader(_fillSequence);
        if (r.ReadArrayHeader() < OrderFilled.FieldCount || r.ReadByte() != (byte)OrderFilled.Type) return 0;
        var f = new OrderFilled(new EventHeader(r.ReadInt64(), r.ReadInt64()), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(),
            (Side)r.ReadByte(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(),
            (Liquidity)r.ReadByte(), (OrderOrigin)r.ReadByte(), r.ReadInt64(), (LiquidationStage)r.ReadByte());
        return f.Quantity;
    }

    /// <summary>An IBufferWriter over one reused array, so the oracle's writer allocates nothing either.</summary>
    private sealed class FixedBufferWriter(int size) : IBufferWriter<byte>
    {
        private readonly byte[] _array = new byte[size];

        public int Count { get; private set; }

        public ReadOnlySpan<byte> Written => _array.AsSpan(0, Count);

        public void Reset() => Count = 0;

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => _array.AsMemory(Count);

        public Span<byte> GetSpan(int sizeHint = 0) => _array.AsSpan(Count);
    }
}

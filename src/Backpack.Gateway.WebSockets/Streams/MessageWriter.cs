using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Json;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.MessagePack;
using Backpack.Gateway.Protocol.Text;
using Backpack.Gateway.WebSockets.Connections;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>How a connection wants its messages: JSON text frames or MessagePack binary frames.</summary>
public enum WireFormat
{
    Json,
    MessagePack,
}

/// <summary>
/// Writes one message in JSON, in MessagePack, or in both at once (a public stream message is
/// written once for all its subscribers, whatever format each chose). The MessagePack form is the
/// JSON document as MessagePack maps, arrays and strings with the same field names, so any
/// MessagePack library reads it without our schema. Prices, quantities and money are decimal
/// strings in both (exact, as Backpack sends them); times and ids are integers.
/// One writer per thread; reused message after message without allocating.
/// </summary>
internal sealed class MessageWriter
{
    private const int MaxDepth = 16;
    private readonly Output _json = new();
    private readonly Output _pack = new();
    private readonly Utf8JsonWriter _jsonWriter;
    private readonly int[] _headerAt = new int[MaxDepth];
    private readonly int[] _count = new int[MaxDepth];
    private readonly bool[] _isMap = new bool[MaxDepth];
    private bool _writeJson;
    private bool _writePack;
    private int _depth;

    public MessageWriter()
    {
        _jsonWriter = new Utf8JsonWriter(_json, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Starts a message in the given formats (at least one).</summary>
    public void Begin(bool json, bool messagePack)
    {
        _writeJson = json;
        _writePack = messagePack;
        _json.Clear();
        _pack.Clear();
        _jsonWriter.Reset(_json);
        _depth = 0;
    }

    public void Begin(WireFormat format) => Begin(format == WireFormat.Json, format == WireFormat.MessagePack);

    public void BeginObject() => Open(map: true);

    public void BeginObject(ReadOnlySpan<byte> name)
    {
        Name(name);
        Open(map: true, named: true);
    }

    public void EndObject() => Close(map: true);

    public void BeginArray() => Open(map: false);

    public void BeginArray(ReadOnlySpan<byte> name)
    {
        Name(name);
        Open(map: false, named: true);
    }

    public void EndArray() => Close(map: false);

    public void String(ReadOnlySpan<byte> name, ReadOnlySpan<byte> utf8)
    {
        Name(name);
        StringValue(utf8, named: true);
    }

    public void String(ReadOnlySpan<byte> utf8) => StringValue(utf8, named: false);

    public void String(ReadOnlySpan<byte> name, string value)
    {
        Name(name);
        if (_writeJson) _jsonWriter.WriteStringValue(value);
        if (_writePack)
        {
            var w = new MessagePackWriter(_pack);
            w.WriteString(value);
            w.Flush();
        }
    }

    public void Number(ReadOnlySpan<byte> name, long value)
    {
        Name(name);
        if (_writeJson) _jsonWriter.WriteNumberValue(value);
        if (_writePack)
        {
            var w = new MessagePackWriter(_pack);
            w.WriteInt64(value);
            w.Flush();
        }
    }

    public void Bool(ReadOnlySpan<byte> name, bool value)
    {
        Name(name);
        if (_writeJson) _jsonWriter.WriteBooleanValue(value);
        if (_writePack) _pack.Write(value ? MessagePackCode.True : MessagePackCode.False);
    }

    public void Null(ReadOnlySpan<byte> name)
    {
        Name(name);
        if (_writeJson) _jsonWriter.WriteNullValue();
        if (_writePack) _pack.Write(MessagePackCode.Nil);
    }

    /// <summary>A fixed-point value (units of 10^-scale) as a decimal string: "180.25".</summary>
    public void Decimal(ReadOnlySpan<byte> name, long units, int scale)
    {
        Span<byte> text = stackalloc byte[24];
        String(name, text[..DecimalText.WriteScaled(text, units, scale)]);
    }

    /// <summary>A decimal string as an array element.</summary>
    public void Decimal(long units, int scale)
    {
        Span<byte> text = stackalloc byte[24];
        String(text[..DecimalText.WriteScaled(text, units, scale)]);
    }

    public void Price(ReadOnlySpan<byte> name, long ticks, in MarketUnits market) => Decimal(name, ticks * market.TickUnits, market.PriceScale);

    public void Quantity(ReadOnlySpan<byte> name, long lots, in MarketUnits market) => Decimal(name, lots * market.StepUnits, market.QuantityScale);

    /// <summary>micro-USDC as a USDC decimal string.</summary>
    public void Usdc(ReadOnlySpan<byte> name, long micros) => Decimal(name, micros, 6);

    /// <summary>Parts per million as a decimal fraction ("0.891039").</summary>
    public void Ratio(ReadOnlySpan<byte> name, long ppm) => Decimal(name, ppm, 6);

    /// <summary>An id as a decimal string (Backpack sends order ids as strings).</summary>
    public void IdString(ReadOnlySpan<byte> name, long id)
    {
        Span<byte> text = stackalloc byte[24];
        String(name, text[..DecimalText.WriteLong(text, id)]);
    }

    /// <summary>Ends the message: a frame per format asked for at <see cref="Begin(bool, bool)"/> (null for the others), each holding one reference for the caller.</summary>
    public (OutboundFrame? Json, OutboundFrame? MessagePack) Finish()
    {
        if (_depth != 0) throw new InvalidOperationException("The message has unclosed objects or arrays");
        OutboundFrame? json = null, pack = null;
        if (_writeJson)
        {
            _jsonWriter.Flush();
            json = OutboundFrame.Create(_json.WrittenSpan, WebSocketMessageType.Text);
        }
        if (_writePack) pack = OutboundFrame.Create(_pack.WrittenSpan, WebSocketMessageType.Binary);
        return (json, pack);
    }

    /// <summary>The finished message in the one format it was begun with.</summary>
    public OutboundFrame FinishOne()
    {
        var (json, pack) = Finish();
        return json ?? pack ?? throw new InvalidOperationException("No format was chosen");
    }

    // ------------------------------------------------------------------ structure

    /// <summary>Writes a field name; the next value written (an object, an array, a scalar without a name) is its value.</summary>
    public void Name(ReadOnlySpan<byte> name)
    {
        if (_writeJson) _jsonWriter.WritePropertyName(name);
        if (_writePack)
        {
            _count[_depth - 1]++;
            var w = new MessagePackWriter(_pack);
            w.WriteStringUtf8(name);
            w.Flush();
        }
    }

    /// <summary>Counts an element of the enclosing array (map entries are counted by their name).</summary>
    private void Element(bool named)
    {
        if (!named && _depth > 0 && !_isMap[_depth - 1]) _count[_depth - 1]++;
    }

    private void StringValue(ReadOnlySpan<byte> utf8, bool named)
    {
        if (_writeJson) _jsonWriter.WriteStringValue(utf8);
        if (_writePack)
        {
            Element(named);
            var w = new MessagePackWriter(_pack);
            w.WriteStringUtf8(utf8);
            w.Flush();
        }
    }

    private void Open(bool map, bool named = false)
    {
        if (_depth == MaxDepth) throw new InvalidOperationException("Messages nest at most 16 deep");
        if (_writeJson)
        {
            if (map) _jsonWriter.WriteStartObject();
            else _jsonWriter.WriteStartArray();
        }
        if (_writePack)
        {
            Element(named);
            // map 16 / array 32 with the count patched in at the end (any MessagePack reader takes a wider header).
            _headerAt[_depth] = _pack.Position;
            _pack.Write(map ? MessagePackCode.Map16 : MessagePackCode.Array32);
            _pack.Skip(map ? 2 : 4);
        }
        _isMap[_depth] = map;
        _count[_depth] = 0;
        _depth++;
    }

    private void Close(bool map)
    {
        if (_depth == 0 || _isMap[_depth - 1] != map) throw new InvalidOperationException("Mismatched end of object or array");
        _depth--;
        if (_writeJson)
        {
            if (map) _jsonWriter.WriteEndObject();
            else _jsonWriter.WriteEndArray();
        }
        if (_writePack)
        {
            var header = _pack.Written(_headerAt[_depth] + 1, map ? 2 : 4);
            if (map) BinaryPrimitives.WriteUInt16BigEndian(header, checked((ushort)_count[_depth]));
            else BinaryPrimitives.WriteUInt32BigEndian(header, (uint)_count[_depth]);
        }
    }

    /// <summary>A growable output buffer whose written bytes can be patched.</summary>
    private sealed class Output : IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[4096];
        private int _pos;

        public int Position => _pos;
        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _pos);
        public Span<byte> Written(int at, int length) => _buffer.AsSpan(at, length);
        public void Clear() => _pos = 0;

        public void Write(byte b)
        {
            GetSpan(1)[0] = b;
            _pos++;
        }

        public void Skip(int count)
        {
            GetSpan(count);
            _pos += count;
        }

        public void Advance(int count) => _pos += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsMemory(_pos);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsSpan(_pos);
        }

        private void Ensure(int sizeHint)
        {
            int need = _pos + Math.Max(sizeHint, 256);
            if (need > _buffer.Length) Array.Resize(ref _buffer, Math.Max(need, _buffer.Length * 2));
        }
    }
}

using System.Reflection;
using Backpack.Gateway.Protocol;
using FsCheck;
using FsCheck.Fluent;
using OracleReader = global::MessagePack.MessagePackReader;
using OracleWriter = global::MessagePack.MessagePackWriter;

namespace Backpack.Gateway.TestSupport;

/// <summary>
/// How MessagePack-CSharp (the oracle) reads and writes one message type of ours, field by field:
/// the array header, the type id, the header fields, then the message fields in wire order (the
/// constructor order, which ProtocolDocumentationTests holds against docs/protocol.md). Built by
/// reflection from the struct, so a new message needs nothing here; a field of a CLR type the
/// oracle has no mapping for throws, and the mapping test fails.
/// </summary>
public sealed class OracleSchema
{
    private static readonly Dictionary<Type, OracleSchema> Cache = [];

    private readonly ConstructorInfo _ctor;
    private readonly ConstructorInfo _headerCtor;
    private readonly int _headerFields;
    private readonly MethodInfo _encode;
    private readonly MethodInfo _decode;

    public Type MessageStruct { get; }
    public MessageType Type { get; }
    public int FieldCount { get; }

    /// <summary>Header fields then message fields, in wire order (after the type id).</summary>
    public IReadOnlyList<OracleField> Fields { get; }

    private OracleSchema(Type messageStruct)
    {
        MessageStruct = messageStruct;
        Type = (MessageType)messageStruct.GetProperty("Type", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        FieldCount = (int)messageStruct.GetProperty("FieldCount", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        _ctor = messageStruct.GetConstructors().Single(c => c.GetParameters().Length > 0);
        var parameters = _ctor.GetParameters();
        Type headerType = parameters[0].ParameterType;
        if (headerType != typeof(CommandHeader) && headerType != typeof(EventHeader))
        {
            throw new NotSupportedException($"{messageStruct.Name}: the first field is {headerType.Name}, not a CommandHeader or EventHeader");
        }
        _headerCtor = headerType.GetConstructors().Single(c => c.GetParameters().Length > 0);
        var headerProperty = messageStruct.GetProperty(parameters[0].Name!)!;

        var fields = new List<OracleField>();
        foreach (var p in _headerCtor.GetParameters())
        {
            var property = headerType.GetProperty(p.Name!)!;
            // Commands carry Sequence and Time as 9-byte int 64 so the sequencer can stamp them in place.
            bool fixedInt64 = headerType == typeof(CommandHeader) && p.Name is nameof(CommandHeader.Sequence) or nameof(CommandHeader.Time);
            fields.Add(OracleField.For(headerType.Name + "." + p.Name, p.ParameterType, m => property.GetValue(headerProperty.GetValue(m))!, fixedInt64));
        }
        _headerFields = fields.Count;
        foreach (var p in parameters.Skip(1))
        {
            var property = messageStruct.GetProperty(p.Name!)!;
            fields.Add(OracleField.For(p.Name!, p.ParameterType, m => property.GetValue(m)!, fixedInt64: false));
        }
        Fields = fields;
        _encode = typeof(OracleSchema).GetMethod(nameof(EncodeOurs), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(messageStruct);
        _decode = typeof(OracleSchema).GetMethod(nameof(DecodeOurs), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(messageStruct);
    }

    /// <summary>Every message struct of the protocol (the types implementing IProtocolMessage), by name.</summary>
    public static IReadOnlyList<Type> MessageStructs { get; } =
        typeof(IProtocolMessage<>).Assembly.GetTypes()
            .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IProtocolMessage<>)))
            .OrderBy(t => t.Name)
            .ToArray();

    /// <summary>The schema of the message a type id stands for.</summary>
    public static OracleSchema Of(MessageType type) =>
        MessageStructs.Select(Of).FirstOrDefault(s => s.Type == type) ?? throw new NotSupportedException($"no message struct has type id {type}");

    public static OracleSchema Of(Type messageStruct)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(messageStruct, out var schema))
            {
                Cache[messageStruct] = schema = new OracleSchema(messageStruct);
            }
            return schema;
        }
    }

    /// <summary>Random messages of this type, every field over its whole range.</summary>
    public Gen<object> Messages() =>
        Gen.CollectToArray(Fields.Select(f => f.Values)).Select(Create);

    public object Create(object[] values)
    {
        object header = _headerCtor.Invoke(values[.._headerFields]);
        return _ctor.Invoke([header, .. values[_headerFields..]]);
    }

    /// <summary>Our codec's bytes for a message.</summary>
    public byte[] Encode(object message) => (byte[])_encode.Invoke(null, [message])!;

    /// <summary>Our codec's decode of a whole frame as this type (throws on a decode error).</summary>
    public object Decode(byte[] frame)
    {
        try
        {
            return _decode.Invoke(null, [frame])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>
    /// Reads a frame with MessagePack-CSharp's reader into the field values, checking the array
    /// header and type id on the way and that nothing follows the array.
    /// </summary>
    public object[] ReadWithOracle(byte[] frame)
    {
        var r = new OracleReader(frame);
        int count = r.ReadArrayHeader();
        if (count != FieldCount) throw new InvalidOperationException($"{Type}: array of {count}, expected {FieldCount}");
        int id = r.ReadInt32();
        if (id != (int)Type) throw new InvalidOperationException($"{Type}: type id {id}, expected {(int)Type}");
        var values = new object[Fields.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Fields[i].Read(ref r);
        }
        if (!r.End) throw new InvalidOperationException($"{Type}: {frame.Length - r.Consumed} bytes after the array");
        return values;
    }

    /// <summary>
    /// Writes a message with MessagePack-CSharp's writer. With no <paramref name="widths"/> every
    /// integer takes its smallest format (and the command header's stamped fields int 64), as the
    /// protocol specifies; with one, each integer takes a format drawn from those that hold it.
    /// </summary>
    public byte[] WriteWithOracle(object message, Random? widths = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new OracleWriter(buffer);
        w.WriteArrayHeader(FieldCount);
        w.Write((byte)Type);
        foreach (var field in Fields)
        {
            field.Write(ref w, field.Get(message), widths);
        }
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] EncodeOurs<T>(T message) where T : struct, IProtocolMessage<T> => ProtocolCodec.ToArray(message);

    private static object DecodeOurs<T>(byte[] frame) where T : struct, IProtocolMessage<T> => ProtocolCodec.Decode<T>(frame);
}

/// <summary>One element of a message array: its name, CLR type, the values the protocol allows, and how the oracle reads and writes it.</summary>
public sealed class OracleField
{
    private readonly Kind _kind;

    public string Name { get; }
    public Type Type { get; }
    public Func<object, object> Get { get; }
    public Gen<object> Values { get; }
    public bool FixedInt64 { get; }

    private enum Kind { Int64, Int32, Boolean, ByteEnum }

    private OracleField(string name, Type type, Func<object, object> get, bool fixedInt64, Kind kind, Gen<object> values)
    {
        Name = name;
        Type = type;
        Get = get;
        FixedInt64 = fixedInt64;
        _kind = kind;
        Values = values;
    }

    public static OracleField For(string name, Type type, Func<object, object> get, bool fixedInt64)
    {
        if (type == typeof(long)) return new(name, type, get, fixedInt64, Kind.Int64, WideNumbers.Longs.Select(v => (object)v));
        if (type == typeof(int)) return new(name, type, get, fixedInt64, Kind.Int32, Int32s.Select(v => (object)v));
        if (type == typeof(bool)) return new(name, type, get, fixedInt64, Kind.Boolean, Gen.Elements(true, false).Select(v => (object)v));
        if (type.IsEnum && Enum.GetUnderlyingType(type) == typeof(byte))
        {
            return new(name, type, get, fixedInt64, Kind.ByteEnum, EnumValues(type).Select(v => Enum.ToObject(type, v)));
        }
        throw new NotSupportedException($"field {name}: the oracle has no mapping for {type.Name}");
    }

    /// <summary>
    /// The values our decoder accepts: every defined value; for a [Flags] enum every combination of
    /// its flags; for a MessageType field (the type a reply refers to) any byte.
    /// </summary>
    private static Gen<byte> EnumValues(Type type)
    {
        if (type == typeof(MessageType)) return Gen.Choose(0, byte.MaxValue).Select(v => (byte)v);
        var defined = Enum.GetValues(type).Cast<object>().Select(Convert.ToByte).ToArray();
        if (type.IsDefined(typeof(FlagsAttribute)))
        {
            int all = defined.Aggregate(0, (a, b) => a | b);
            return Gen.Choose(0, all).Select(v => (byte)v);
        }
        return Gen.Elements(defined);
    }

    /// <summary>Every int: the boundaries of every MessagePack int format and random magnitudes of every size.</summary>
    private static readonly Gen<int> Int32s = Gen.Frequency(
        (3, Gen.Elements(WideNumbers.Boundaries.Where(v => v is >= int.MinValue and <= int.MaxValue).Select(v => (int)v).ToArray())),
        (7, from v in Gen.Choose(int.MinValue, int.MaxValue)
            from shift in Gen.Choose(0, 31)
            select v >> shift));

    public object Read(ref OracleReader r) => _kind switch
    {
        Kind.Int64 => r.ReadInt64(),
        Kind.Int32 => r.ReadInt32(),
        Kind.Boolean => r.ReadBoolean(),
        _ => Enum.ToObject(Type, r.ReadByte()),
    };

    public void Write(ref OracleWriter w, object value, Random? widths)
    {
        switch (_kind)
        {
            case Kind.Boolean:
                w.Write((bool)value);
                return;
            case Kind.Int64 when FixedInt64:
                w.WriteInt64((long)value);
                return;
        }
        long v = _kind switch
        {
            Kind.Int64 => (long)value,
            Kind.Int32 => (int)value,
            _ => Convert.ToByte(value),
        };
        if (widths is null)
        {
            w.Write(v);
        }
        else
        {
            WriteInAnyFormatThatHolds(ref w, v, widths);
        }
    }

    /// <summary>Writes an integer in one of the MessagePack formats that can hold it, drawn at random.</summary>
    private static void WriteInAnyFormatThatHolds(ref OracleWriter w, long v, Random random)
    {
        Span<int> formats = stackalloc int[9];
        int n = 0;
        formats[n++] = 0; // smallest
        if (v is >= sbyte.MinValue and <= sbyte.MaxValue) formats[n++] = 1;
        if (v is >= 0 and <= byte.MaxValue) formats[n++] = 2;
        if (v is >= short.MinValue and <= short.MaxValue) formats[n++] = 3;
        if (v is >= 0 and <= ushort.MaxValue) formats[n++] = 4;
        if (v is >= int.MinValue and <= int.MaxValue) formats[n++] = 5;
        if (v is >= 0 and <= uint.MaxValue) formats[n++] = 6;
        formats[n++] = 7;
        if (v >= 0) formats[n++] = 8;
        switch (formats[random.Next(n)])
        {
            case 0: w.Write(v); break;
            case 1: w.WriteInt8((sbyte)v); break;
            case 2: w.WriteUInt8((byte)v); break;
            case 3: w.WriteInt16((short)v); break;
            case 4: w.WriteUInt16((ushort)v); break;
            case 5: w.WriteInt32((int)v); break;
            case 6: w.WriteUInt32((uint)v); break;
            case 7: w.WriteInt64(v); break;
            default: w.WriteUInt64((ulong)v); break;
        }
    }
}

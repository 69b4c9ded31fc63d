using System.Reflection;

namespace Backpack.Gateway.Protocol.Tests;

/// <summary>Every command and event survives encode then decode unchanged, for random field values.</summary>
public class MessageRoundTripTests
{
    public static TheoryData<Type> MessageTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var t in AllMessageStructs()) data.Add(t);
        return data;
    }

    internal static IEnumerable<Type> AllMessageStructs() =>
        typeof(IProtocolMessage<>).Assembly.GetTypes()
            .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IProtocolMessage<>)))
            .OrderBy(t => t.Name);

    [Fact]
    public void Every_message_type_id_has_exactly_one_struct()
    {
        var ids = AllMessageStructs().Select(t => (MessageType)t.GetProperty("Type", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Protocol.MessageTypes.All.OrderBy(x => x), ids.OrderBy(x => x));
        Assert.All(ids, id => Assert.Equal(id.ToString(), AllMessageStructs().Single(t => t.GetProperty("Type", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!.Equals(id)).Name));
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Random_instances_round_trip(Type messageType)
    {
        var random = new Random(messageType.Name.GetHashCode(StringComparison.Ordinal) & 0x7fffffff);
        var ctor = messageType.GetConstructors().Single(c => c.GetParameters().Length > 0);
        int fieldCount = (int)messageType.GetProperty("FieldCount", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        int headerFields = ctor.GetParameters()[0].ParameterType == typeof(CommandHeader) ? CommandHeader.FieldCount : EventHeader.FieldCount;
        Assert.Equal(fieldCount, 1 + headerFields + ctor.GetParameters().Length - 1);

        for (int i = 0; i < 200; i++)
        {
            object message = ctor.Invoke(ctor.GetParameters().Select(p => RandomValue(p.ParameterType, random)).ToArray());
            byte[] frame = Encode(message);
            Assert.True(frame.Length <= ProtocolCodec.MaxMessageSize, $"{messageType.Name} took {frame.Length} bytes");
            object decoded = MessageDecoder.DecodeAny(frame);
            Assert.Equal(message, decoded);
        }
    }

    private static byte[] Encode(object message)
    {
        var method = typeof(ProtocolCodec).GetMethod(nameof(ProtocolCodec.ToArray))!.MakeGenericMethod(message.GetType());
        return (byte[])method.Invoke(null, [message])!;
    }

    private static object RandomValue(Type type, Random random)
    {
        if (type == typeof(long)) return RandomLong(random);
        if (type == typeof(int)) return (int)RandomLong(random);
        if (type == typeof(bool)) return random.Next(2) == 1;
        if (type == typeof(CommandHeader)) return new CommandHeader(RandomLong(random), RandomLong(random), RandomLong(random));
        if (type == typeof(EventHeader)) return new EventHeader(RandomLong(random), RandomLong(random));
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(random.Next(values.Length))!;
        }
        throw new NotSupportedException(type.Name);
    }

    // Values across every integer format: small, byte-, short-, int- and long-sized, both signs.
    private static long RandomLong(Random random)
    {
        long magnitude = random.Next(6) switch
        {
            0 => random.Next(0, 128),
            1 => random.Next(0, 256),
            2 => random.Next(0, 65536),
            3 => random.NextInt64(0, uint.MaxValue),
            4 => random.NextInt64(),
            _ => long.MaxValue,
        };
        return random.Next(3) == 0 ? -magnitude : magnitude;
    }
}

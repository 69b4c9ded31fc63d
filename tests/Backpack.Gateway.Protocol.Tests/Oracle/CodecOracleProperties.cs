using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Gateway.Protocol.Tests.Oracle;

/// <summary>
/// MessagePack-CSharp 2.5.307 (tests only) as the independent oracle for our codec, for every
/// command and event: what we write it reads field by field into the same values, what it writes
/// we decode to the same message, and for the same values both write the same bytes.
/// </summary>
public class CodecOracleProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    public static TheoryData<string> MessageNames()
    {
        var data = new TheoryData<string>();
        foreach (var t in OracleSchema.MessageStructs) data.Add(t.Name);
        return data;
    }

    private static OracleSchema SchemaOf(string name) =>
        OracleSchema.Of(OracleSchema.MessageStructs.Single(t => t.Name == name));

    [Fact]
    public void Every_message_type_has_an_oracle_mapping()
    {
        var mapped = new List<MessageType>();
        foreach (var t in OracleSchema.MessageStructs)
        {
            var schema = OracleSchema.Of(t); // throws for a field type the oracle cannot read or write
            Assert.Equal(schema.FieldCount, 1 + schema.Fields.Count);
            mapped.Add(schema.Type);
        }
        Assert.Equal(MessageTypes.All.Order(), mapped.Order());
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void The_oracle_reads_what_our_codec_writes(string name)
    {
        var schema = SchemaOf(name);
        Prop.ForAll(Arb.From(schema.Messages()), message =>
        {
            object[] read = schema.ReadWithOracle(schema.Encode(message));
            for (int i = 0; i < read.Length; i++)
            {
                object expected = schema.Fields[i].Get(message);
                if (!expected.Equals(read[i]))
                {
                    throw new InvalidOperationException($"{name}.{schema.Fields[i].Name}: we wrote {expected}, the oracle read {read[i]}");
                }
            }
        }).Check(Config);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Our_codec_decodes_what_the_oracle_writes_and_writes_the_same_bytes(string name)
    {
        var schema = SchemaOf(name);
        Prop.ForAll(Arb.From(schema.Messages()), message =>
        {
            byte[] theirs = schema.WriteWithOracle(message);
            Assert.Equal(message, schema.Decode(theirs));
            Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(schema.Encode(message)));
        }).Check(Config);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Our_codec_decodes_every_integer_format_the_oracle_writes(string name)
    {
        var schema = SchemaOf(name);
        Prop.ForAll(Arb.From(schema.Messages()), Arb.From(Gen.Choose(0, int.MaxValue)), (message, seed) =>
        {
            byte[] theirs = schema.WriteWithOracle(message, new Random(seed));
            Assert.Equal(message, schema.Decode(theirs));
        }).Check(Config);
    }
}

using System.Buffers;
using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Tests.MessagePack;

/// <summary>
/// Byte-exact encodings from the MessagePack specification (msgpack.org, spec.md "Formats"), at
/// the boundaries of every format family, written by our writer and read back by our reader.
/// </summary>
public class SpecExamplesTests
{
    private delegate void WriteAction(ref MessagePackWriter w);

    private static string Write(WriteAction action)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        action(ref w);
        w.Flush();
        return Hex.Of(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(1L, "01")]
    [InlineData(127L, "7f")]                      // positive fixint upper bound
    [InlineData(128L, "cc80")]                    // uint 8
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")]                  // uint 16
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")]            // uint 32
    [InlineData(4294967295L, "ceffffffff")]
    [InlineData(4294967296L, "cf0000000100000000")] // uint 64
    [InlineData(long.MaxValue, "cf7fffffffffffffff")]
    [InlineData(-1L, "ff")]                       // negative fixint
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]                    // int 8
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]                 // int 16
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]           // int 32
    [InlineData(-2147483648L, "d280000000")]
    [InlineData(-2147483649L, "d3ffffffff7fffffff")] // int 64
    [InlineData(long.MinValue, "d38000000000000000")]
    public void Integers_take_the_smallest_format_and_read_back(long value, string hex)
    {
        Assert.Equal(hex, Write((ref MessagePackWriter w) => w.WriteInt64(value)));
        var r = new MessagePackReader(Hex.Parse(hex));
        Assert.Equal(value, r.ReadInt64());
        Assert.True(r.End);
        Assert.False(r.HasError);
    }

    [Fact]
    public void Uint64_above_long_max_is_written_and_read_as_unsigned()
    {
        Assert.Equal("cfffffffffffffffff", Write((ref MessagePackWriter w) => w.WriteUInt64(ulong.MaxValue)));
        var r = new MessagePackReader(Hex.Parse("cfffffffffffffffff"));
        Assert.Equal(ulong.MaxValue, r.ReadUInt64());
        var signed = new MessagePackReader(Hex.Parse("cfffffffffffffffff"));
        Assert.Equal(0, signed.ReadInt64());
        Assert.Equal(DecodeErrorKind.OutOfRange, signed.Error.Kind);
    }

    [Theory]
    [InlineData("cc01", 1L)]
    [InlineData("cd0001", 1L)]
    [InlineData("ce00000001", 1L)]
    [InlineData("cf0000000000000001", 1L)]
    [InlineData("d0ff", -1L)]
    [InlineData("d1ffff", -1L)]
    [InlineData("d2ffffffff", -1L)]
    [InlineData("d3ffffffffffffffff", -1L)]
    [InlineData("d001", 1L)]
    public void Wider_than_needed_integers_are_accepted(string hex, long value)
    {
        var r = new MessagePackReader(Hex.Parse(hex));
        Assert.Equal(value, r.ReadInt64());
        Assert.True(r.End);
    }

    [Fact]
    public void Nil_and_booleans()
    {
        Assert.Equal("c0", Write((ref MessagePackWriter w) => w.WriteNil()));
        Assert.Equal("c2", Write((ref MessagePackWriter w) => w.WriteBoolean(false)));
        Assert.Equal("c3", Write((ref MessagePackWriter w) => w.WriteBoolean(true)));
        var r = new MessagePackReader(Hex.Parse("c0c2c3"));
        Assert.True(r.TryReadNil());
        Assert.False(r.ReadBoolean());
        Assert.True(r.ReadBoolean());
        Assert.True(r.End);
    }

    [Theory]
    [InlineData(0, "a0")]       // fixstr
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]    // str 8
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")] // str 16
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")] // str 32
    public void Strings_use_fixstr_str8_str16_str32_at_their_boundaries(int length, string headerHex)
    {
        string s = new('x', length);
        string hex = Write((ref MessagePackWriter w) => w.WriteString(s));
        Assert.StartsWith(headerHex, hex);
        Assert.Equal(headerHex.Length / 2 + length, hex.Length / 2);
        var r = new MessagePackReader(Convert.FromHexString(hex));
        Assert.Equal(s, r.ReadString());
        Assert.True(r.End);
    }

    [Fact]
    public void Utf8_strings_count_bytes_not_chars()
    {
        // "hello" and a two-byte character, from the spec's own examples of str.
        Assert.Equal("a568656c6c6f", Write((ref MessagePackWriter w) => w.WriteString("hello")));
        Assert.Equal("a2c3a9", Write((ref MessagePackWriter w) => w.WriteString("é")));
        var r = new MessagePackReader(Hex.Parse("a2c3a9"));
        Assert.Equal("é", r.ReadString());
    }

    [Theory]
    [InlineData(0, "c400")]       // bin 8
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")]   // bin 16
    [InlineData(65535, "c5ffff")]
    [InlineData(65536, "c600010000")] // bin 32
    public void Binary_uses_bin8_bin16_bin32(int length, string headerHex)
    {
        byte[] data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        string hex = Write((ref MessagePackWriter w) => w.WriteBinary(data));
        Assert.StartsWith(headerHex, hex);
        var r = new MessagePackReader(Convert.FromHexString(hex));
        Assert.Equal(data, r.ReadBinary().ToArray());
        Assert.True(r.End);
    }

    [Theory]
    [InlineData(0, "90")]      // fixarray
    [InlineData(15, "9f")]
    [InlineData(16, "dc0010")] // array 16
    [InlineData(65535, "dcffff")]
    [InlineData(65536, "dd00010000")] // array 32
    public void Array_headers(int count, string hex)
    {
        Assert.Equal(hex, Write((ref MessagePackWriter w) => w.WriteArrayHeader(count)));
        // Give the reader enough elements behind the header for the count to be plausible.
        byte[] frame = Hex.Parse(hex).Concat(new byte[count]).ToArray();
        var r = new MessagePackReader(frame);
        Assert.Equal(count, r.ReadArrayHeader());
    }

    [Theory]
    [InlineData(0, "80")]      // fixmap
    [InlineData(15, "8f")]
    [InlineData(16, "de0010")] // map 16
    [InlineData(65536, "df00010000")] // map 32
    public void Map_headers(int count, string hex)
    {
        Assert.Equal(hex, Write((ref MessagePackWriter w) => w.WriteMapHeader(count)));
        byte[] frame = Hex.Parse(hex).Concat(new byte[count * 2]).ToArray();
        var r = new MessagePackReader(frame);
        Assert.Equal(count, r.ReadMapHeader());
    }

    [Fact]
    public void Nested_array_and_map_from_the_spec()
    {
        // [1, 2, 3] and {"a": 1}
        Assert.Equal("93010203", Write((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.WriteInt64(1); w.WriteInt64(2); w.WriteInt64(3); }));
        Assert.Equal("81a16101", Write((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.WriteString("a"); w.WriteInt64(1); }));
    }

    [Theory]
    [InlineData(1, "d405")]
    [InlineData(2, "d505")]
    [InlineData(4, "d605")]
    [InlineData(8, "d705")]
    [InlineData(16, "d805")]
    [InlineData(3, "c70305")]       // ext 8
    [InlineData(256, "c8010005")]   // ext 16
    [InlineData(65536, "c90001000005")] // ext 32
    public void Extension_headers(int length, string headerHex)
    {
        byte[] data = new byte[length];
        data[0] = 0xab;
        string hex = Write((ref MessagePackWriter w) => { w.WriteExtHeader(5, length); w.WriteRaw(data); });
        Assert.StartsWith(headerHex, hex);
        var r = new MessagePackReader(Convert.FromHexString(hex));
        var read = r.ReadExtension(out sbyte type);
        Assert.Equal(5, type);
        Assert.Equal(data, read.ToArray());
        Assert.True(r.End);
    }

    [Fact]
    public void Timestamps_use_the_32_64_and_96_bit_forms()
    {
        // timestamp 32: seconds only, fits 32 bits.
        Assert.Equal("d6ff00000001", Write((ref MessagePackWriter w) => w.WriteTimestamp(1, 0)));
        // timestamp 64: nanoseconds in the upper 30 bits, seconds in the lower 34.
        Assert.Equal("d7ff0000000400000001", Write((ref MessagePackWriter w) => w.WriteTimestamp(1, 1)));
        // timestamp 96: nanoseconds then signed 64-bit seconds (negative seconds need it).
        Assert.Equal("c70cff00000000ffffffffffffffff", Write((ref MessagePackWriter w) => w.WriteTimestamp(-1, 0)));

        var when = new DateTimeOffset(2025, 10, 10, 21, 15, 30, 123, TimeSpan.Zero);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteTimestamp(when);
        writer.Flush();
        var r = new MessagePackReader(buffer.WrittenSpan);
        Assert.Equal(when, r.ReadTimestamp());
    }

    [Fact]
    public void Floats_are_big_endian_ieee()
    {
        Assert.Equal("cb3ff8000000000000", Write((ref MessagePackWriter w) => w.WriteDouble(1.5)));
        Assert.Equal("ca3fc00000", Write((ref MessagePackWriter w) => w.WriteSingle(1.5f)));
        var r = new MessagePackReader(Hex.Parse("cb3ff8000000000000ca3fc00000"));
        Assert.Equal(1.5, r.ReadDouble());
        Assert.Equal(1.5, r.ReadDouble());
    }

    [Fact]
    public void Skip_passes_over_any_value_with_everything_nested_in_it()
    {
        // [ {"a": [1, "xy", nil]}, bin(2), ext, 3.0 ] followed by 7
        string hex = Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.WriteMapHeader(1); w.WriteString("a");
            w.WriteArrayHeader(3); w.WriteInt64(1); w.WriteString("xy"); w.WriteNil();
            w.WriteBinary([1, 2]);
            w.WriteTimestamp(5, 0);
            w.WriteDouble(3.0);
            w.WriteInt64(7);
        });
        var r = new MessagePackReader(Convert.FromHexString(hex));
        r.Skip();
        Assert.Equal(7, r.ReadInt64());
        Assert.True(r.End);
        Assert.False(r.HasError);
    }

    [Fact]
    public void A_span_writer_that_runs_out_of_room_throws_a_clear_error()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new MessagePackWriter(new byte[2]);
            w.WriteInt64(long.MinValue);
        });
        Assert.Contains("too small", ex.Message);
    }
}

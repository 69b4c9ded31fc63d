using System.Globalization;
using System.Text;
using Backpack.Gateway.Fix.Codec;
using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>The FIX value primitives, the framer and the parser, against plain .NET as the oracle.</summary>
public class CodecTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2_000);

    private static string Write(Func<byte[], int> write)
    {
        var buffer = new byte[64];
        return Encoding.ASCII.GetString(buffer, 0, write(buffer));
    }

    [Fact]
    public void Integers_are_written_as_invariant_decimal_text()
    {
        foreach (long v in new[] { 0L, 1, -1, 9, 10, 99, 100, long.MaxValue, long.MinValue, -1_000_000_007 })
        {
            Assert.Equal(v.ToString(CultureInfo.InvariantCulture), Write(b => FixValues.WriteLong(b, v)));
        }
        var lengths = new HashSet<int>();
        Prop.ForAll(WideNumbers.LongArbitrary, v =>
        {
            string text = Write(b => FixValues.WriteLong(b, v));
            lock (lengths) lengths.Add(v < 0 ? -text.Length : text.Length);
            return text == v.ToString(CultureInfo.InvariantCulture);
        }).Check(Config);
        // Every length of decimal text was written, 1 to 19 digits, with and without the sign.
        Assert.Equal(Enumerable.Range(1, 19).Concat(Enumerable.Range(2, 19).Select(n => -n)).Order(), lengths.Order());
    }

    [Fact]
    public void Scaled_values_round_trip_and_match_decimal_formatting()
    {
        var digits = new HashSet<int>();
        Prop.ForAll(Arb.From(Gen.Choose(0, 8)), WideNumbers.LongArbitrary, (scale, raw) =>
        {
            long units = raw % 1_000_000_000_000_000; // keep whole * 10^scale inside a long
            lock (digits) digits.Add(Math.Abs(units).ToString(CultureInfo.InvariantCulture).Length);
            string text = Write(b => FixValues.WriteScaled(b, units, scale));
            decimal expected = units / (decimal)FixValues.Pow10(scale);
            bool parsed = FixValues.TryParseScaled(Encoding.ASCII.GetBytes(text), scale, out long back);
            return text == expected.ToString("0.#########", CultureInfo.InvariantCulture) && parsed && back == units;
        }).Check(Config);
        Assert.Equal(Enumerable.Range(1, 15), digits.Order()); // every length a scaled value can have here
        Assert.Equal("0.05", Write(b => FixValues.WriteScaled(b, 5, 2)));
        Assert.Equal("-12.3", Write(b => FixValues.WriteScaled(b, -12300, 3)));
        Assert.Equal("7", Write(b => FixValues.WriteScaled(b, 7000, 3)));
    }

    [Theory]
    [InlineData("1.005", 2)] // finer than the scale
    [InlineData("", 2)]
    [InlineData(".", 2)]
    [InlineData("1.2.3", 2)]
    [InlineData("12a", 2)]
    [InlineData("99999999999999999999", 0)] // overflow
    public void Bad_decimals_are_refused(string text, int scale)
    {
        Assert.False(FixValues.TryParseScaled(Encoding.ASCII.GetBytes(text), scale, out _));
    }

    [Fact]
    public void Timestamps_match_DateTime_both_ways()
    {
        long min = (new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) / 10;
        long max = (new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) / 10;
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), Arb.From(Gen.Choose(0, int.MaxValue)), (hi, lo) =>
        {
            long micros = min + (long)(((ulong)hi << 31 | (uint)lo) % (ulong)(max - min));
            var time = new DateTime(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);
            var millis = new DateTime(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
            string text = Write(b => FixValues.WriteTimestamp(b, micros));
            bool parsed = FixValues.TryParseTimestamp(Encoding.ASCII.GetBytes(text), out long back);
            return text == time.ToString("yyyyMMdd-HH:mm:ss.fff", CultureInfo.InvariantCulture)
                && parsed && back == (millis.Ticks - DateTime.UnixEpoch.Ticks) / 10
                && Write(b => FixValues.WriteDate(b, micros)) == time.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        }).Check(Config);
    }

    [Theory]
    [InlineData("20261122-10:15:30", true)]
    [InlineData("20261122-10:15:30.123", true)]
    [InlineData("20261122-10:15:30.123456", true)]
    [InlineData("20261122-10:15:30.123456789", true)]
    [InlineData("20240229-00:00:00", true)] // leap day
    [InlineData("20261231-23:59:60", true)] // leap second
    [InlineData("20250229-00:00:00", false)] // not a leap year
    [InlineData("21000229-00:00:00", false)] // century, not a leap year
    [InlineData("20261131-00:00:00", false)]
    [InlineData("20261122-24:00:00", false)]
    [InlineData("20261122-10:60:00", false)]
    [InlineData("20261122-10:15:30.12", false)]
    [InlineData("20261122 10:15:30", false)]
    [InlineData("00001122-10:15:30", false)]
    public void Timestamp_syntax_follows_UTCTimestamp(string text, bool valid)
    {
        Assert.Equal(valid, FixValues.TryParseTimestamp(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Checksum_is_the_byte_sum_modulo_256_at_every_length()
    {
        var random = new Random(7);
        for (int length = 0; length < 300; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            int expected = 0;
            foreach (byte b in bytes) expected += b;
            Assert.Equal(expected % 256, FixValues.CheckSum(bytes));
        }
    }

    private static byte[] Message(params (int Tag, string Value)[] fields)
    {
        var buffer = new byte[4096];
        var w = new FixWriter(buffer, "D"u8);
        foreach (var (tag, value) in fields) w.Field(tag, value);
        var (start, length) = w.Finish("FIX.4.4"u8);
        return buffer.AsSpan(start, length).ToArray();
    }

    [Fact]
    public void Written_messages_frame_and_parse_back_field_by_field()
    {
        byte[] bytes = Message((49, "A"), (56, "B"), (34, "12"), (11, "X=1"), (58, "text with = sign"));
        Assert.Equal(FrameStatus.Message, FixFramer.TryFrame(bytes, 65_536, out int consumed));
        Assert.Equal(bytes.Length, consumed);
        var m = new FixMessage();
        m.Parse(bytes, 0, consumed);
        Assert.Equal(-1, m.BadTagField);
        Assert.Equal([8, 9, 35, 49, 56, 34, 11, 58, 10], Enumerable.Range(0, m.FieldCount).Select(i => m.Field(i).Tag));
        Assert.Equal("X=1", m.GetString(11));
        Assert.Equal("text with = sign", m.GetString(58));
        Assert.True(m.TryGetInt(34, out int seq) && seq == 12);
    }

    [Fact]
    public void A_message_whose_third_field_is_not_msg_type_is_garbled_and_skipped_whole()
    {
        string body = "49=A\u000135=0\u000156=B\u0001";
        string head = $"8=FIX.4.4\u00019={body.Length}\u0001";
        byte[] framed = Encoding.ASCII.GetBytes(head + body);
        byte[] bytes = [.. framed, .. Encoding.ASCII.GetBytes($"10={FixValues.CheckSum(framed):000}\u0001"), .. Message((49, "A"))];
        Assert.Equal(FrameStatus.Garbled, FixFramer.TryFrame(bytes, 65_536, out int consumed));
        Assert.Equal(framed.Length + 7, consumed); // up to the next message, which frames
        Assert.Equal(FrameStatus.Message, FixFramer.TryFrame(bytes.AsSpan(consumed), 65_536, out _));
    }

    [Fact]
    public void A_data_field_may_hold_SOH_and_equals_signs()
    {
        string raw = "a\u0001b=c\u0001";
        byte[] bytes = Message((49, "A"), (95, raw.Length.ToString(CultureInfo.InvariantCulture)), (96, raw), (58, "after"));
        var m = new FixMessage();
        m.Parse(bytes, 0, bytes.Length);
        Assert.Equal(-1, m.BadTagField);
        Assert.Equal(raw, m.GetString(96));
        Assert.Equal("after", m.GetString(58));
    }

    [Theory]
    [InlineData("abc=1", 0)]
    [InlineData("=1", 0)]
    [InlineData("-5=1", -5)]
    [InlineData("0=1", 0)]
    [InlineData("12345678901=1", 0)]
    [InlineData("58", 0)]
    public void A_field_without_a_positive_numeric_tag_is_kept_with_the_number_written_or_0(string field, int tag)
    {
        byte[] bytes = Encoding.ASCII.GetBytes("8=FIX.4.4\u00019=5\u000135=0\u0001" + field + "\u000134=1\u0001");
        var m = new FixMessage();
        m.Parse(bytes, 0, bytes.Length);
        Assert.Equal(3, m.BadTagField);
        Assert.Equal(tag, m.Field(3).Tag); // the Reject's RefTagID
        Assert.Equal("1", m.GetString(34));
    }
}

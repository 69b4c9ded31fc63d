using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Tests.MessagePack;

/// <summary>Bad frames give a clear decode error with an offset: never an exception, never a half-read message.</summary>
public class BadInputTests
{
    private static readonly NewOrder Sample = new(new CommandHeader(7, 1_700_000_000_000_000, 42), 3, 1, 99, Side.Sell,
        OrderType.Limit, TimeInForce.Gtc, 1_000_000, 250, OrderFlags.PostOnly, SelfTradePrevention.RejectBoth);

    [Fact]
    public void Every_truncation_of_a_valid_frame_is_reported_as_truncated()
    {
        byte[] frame = ProtocolCodec.ToArray(Sample);
        for (int length = 0; length < frame.Length; length++)
        {
            Assert.False(ProtocolCodec.TryDecode(frame.AsSpan(0, length), out NewOrder message, out DecodeError error));
            Assert.Equal(default, message);
            Assert.True(error.Kind is DecodeErrorKind.Truncated or DecodeErrorKind.MissingFields, $"length {length}: {error}");
            Assert.Contains("offset", error.ToString());
        }
        Assert.True(ProtocolCodec.TryDecode(frame, out NewOrder whole, out _));
        Assert.Equal(Sample, whole);
    }

    [Fact]
    public void A_wrong_type_byte_names_what_was_expected_and_where()
    {
        byte[] frame = ProtocolCodec.ToArray(Sample);
        // The account id (after array header, type, 9+9 header bytes and the request id) becomes a string.
        int accountOffset = 1 + 1 + 9 + 9 + 1;
        frame[accountOffset] = 0xa1; // fixstr of length 1
        Assert.False(ProtocolCodec.TryDecode(frame, out NewOrder _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.UnexpectedType, error.Kind);
        Assert.Equal(accountOffset, error.Offset);
        Assert.Contains("expected integer, found fixstr", error.ToString());
    }

    [Fact]
    public void An_unknown_message_id_is_reported_with_its_value()
    {
        byte[] frame = ProtocolCodec.ToArray(Sample);
        frame[1] = 60; // not a defined command
        Assert.False(ProtocolCodec.TryReadType(frame, out _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.UnknownMessageType, error.Kind);
        Assert.Equal(60, error.Value);
        Assert.False(MessageDecoder.TryDecodeAny(frame, out var any, out _));
        Assert.Null(any);
    }

    [Fact]
    public void A_frame_of_another_message_type_is_not_decoded_as_this_one()
    {
        byte[] frame = ProtocolCodec.ToArray(new Tick(new CommandHeader(1, 2, 3)));
        Assert.False(ProtocolCodec.TryDecode(frame, out NewOrder _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.UnexpectedType, error.Kind);
    }

    [Theory]
    [InlineData("d90a616263")]        // str 8 announcing 10 bytes, 3 present
    [InlineData("c5ffff00")]          // bin 16 announcing 65535 bytes
    [InlineData("dbffffffff41")]      // str 32 announcing 4 GiB
    [InlineData("c70aff0102")]        // ext 8 announcing 10 bytes
    [InlineData("ddffffffff01")]      // array 32 announcing 4 billion elements
    [InlineData("df7fffffff01")]      // map 32 announcing 2 billion entries
    public void A_length_that_points_past_the_end_is_truncation_not_a_crash(string hex)
    {
        var r = new MessagePackReader(Hex.Parse(hex));
        r.Skip();
        Assert.True(r.HasError);
        Assert.Equal(DecodeErrorKind.Truncated, r.Error.Kind);
        Assert.Equal(0, r.Error.Offset);
    }

    [Fact]
    public void An_enum_value_out_of_range_is_rejected()
    {
        var bad = Sample with { Side = (Side)7 };
        byte[] frame = ProtocolCodec.ToArray(bad);
        Assert.False(ProtocolCodec.TryDecode(frame, out NewOrder _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.OutOfRange, error.Kind);
        Assert.Equal(7, error.Value);
        Assert.Contains("Side", error.ToString());
    }

    [Fact]
    public void An_int32_field_holding_a_larger_value_is_out_of_range()
    {
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(w);
        writer.WriteArrayHeader(Deposit.FieldCount);
        writer.WriteByte((byte)MessageType.Deposit);
        new CommandHeader(1, 1, 1).Encode(ref writer);
        writer.WriteInt64(1L << 40); // account id does not fit an int
        writer.WriteInt64(5);
        writer.Flush();
        Assert.False(ProtocolCodec.TryDecode(w.WrittenSpan, out Deposit _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.OutOfRange, error.Kind);
    }

    [Fact]
    public void Trailing_bytes_after_the_message_are_an_error()
    {
        byte[] frame = [.. ProtocolCodec.ToArray(Sample), 0x01];
        Assert.False(ProtocolCodec.TryDecode(frame, out NewOrder _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.TrailingBytes, error.Kind);
        Assert.Equal(frame.Length - 1, error.Offset);
    }

    [Fact]
    public void A_message_with_too_few_fields_is_missing_fields()
    {
        byte[] frame = ProtocolCodec.ToArray(Sample);
        frame[0] = 0x93; // claim 3 elements
        Assert.False(ProtocolCodec.TryDecode(frame, out NewOrder _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.MissingFields, error.Kind);
    }

    [Fact]
    public void Extra_trailing_fields_from_a_newer_sender_are_skipped()
    {
        byte[] frame = ProtocolCodec.ToArray(Sample);
        frame[0] = (byte)(0x90 | (NewOrder.FieldCount + 1)); // 15 elements: still a fixarray
        byte[] extended = [.. frame, 0x92, 0xa1, (byte)'x', 0xc0];
        Assert.True(ProtocolCodec.TryDecode(extended, out NewOrder message, out _));
        Assert.Equal(Sample, message);
    }

    [Fact]
    public void The_never_used_byte_is_a_type_error()
    {
        var r = new MessagePackReader([0xc1]);
        r.Skip();
        Assert.Equal(DecodeErrorKind.UnexpectedType, r.Error.Kind);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_reported()
    {
        var r = new MessagePackReader(Hex.Parse("a2c328"));
        Assert.Null(r.ReadString());
        Assert.Equal(DecodeErrorKind.InvalidUtf8, r.Error.Kind);
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        byte[] frame = Enumerable.Repeat((byte)0x91, 100_000).Append((byte)0x01).ToArray();
        var r = new MessagePackReader(frame);
        r.Skip();
        Assert.Equal(DecodeErrorKind.TooDeep, r.Error.Kind);
    }

    [Fact]
    public void The_first_error_is_kept_and_later_reads_return_defaults()
    {
        var r = new MessagePackReader(Hex.Parse("c301"));
        Assert.Equal(0, r.ReadInt64()); // bool where an integer was expected
        DecodeError first = r.Error;
        Assert.Equal(0, r.ReadInt64());
        Assert.Equal(first, r.Error);
        Assert.Equal(0, first.Offset);
    }
}

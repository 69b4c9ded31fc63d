using Backpack.Gateway.Protocol.MessagePack;
using Backpack.Gateway.TestSupport;
using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Gateway.Protocol.Tests.MessagePack;

public class RoundTripProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2000);

    [Fact]
    public void Every_long_reads_back_and_takes_the_minimal_size()
    {
        var formats = new HashSet<byte>();
        Prop.ForAll(WideNumbers.LongArbitrary, value =>
        {
            var buffer = new byte[9];
            var w = new MessagePackWriter(buffer);
            w.WriteInt64(value);
            int size = w.Position;
            lock (formats) formats.Add(Format(buffer[0]));
            var r = new MessagePackReader(buffer.AsSpan(0, size));
            return r.ReadInt64() == value && r.End && size == ExpectedSize(value);
        }).Check(Config);
        // The generator reached every integer format: positive and negative fixint, uint 8-64, int 8-64.
        Assert.Equal(new byte[] { 0x00, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xe0 }, formats.Order());
    }

    /// <summary>The format byte of an integer, with the fixints folded to 0x00 (positive) and 0xe0 (negative).</summary>
    private static byte Format(byte first) => first switch
    {
        <= 0x7f => 0x00,
        >= 0xe0 => 0xe0,
        _ => first,
    };

    [Fact]
    public void Random_bytes_never_throw_from_the_decoder()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            MessageDecoder.TryDecodeAny(bytes, out _, out _);
            var r = new MessagePackReader(bytes);
            while (!r.End && !r.HasError) r.Skip();
            return true;
        }).Check(Config);
    }

    [Fact]
    public void Mutated_valid_frames_either_decode_whole_or_fail_cleanly()
    {
        byte[] frame = ProtocolCodec.ToArray(new Commands.ReplaceOrder(new CommandHeader(9, 10, 11), 1, 2, 3, 4, 5, 6, 7));
        Prop.ForAll<int, byte>((position, value) =>
        {
            byte[] copy = (byte[])frame.Clone();
            copy[(int)((uint)position % (uint)copy.Length)] = value;
            bool ok = MessageDecoder.TryDecodeAny(copy, out var message, out var error);
            return ok ? message is not null && !error.IsError : message is null && error.IsError;
        }).Check(Config);
    }

    private static int ExpectedSize(long v) => v switch
    {
        >= 0 and <= 127 => 1,
        >= -32 and < 0 => 1,
        >= 0 and <= byte.MaxValue => 2,
        >= sbyte.MinValue and < 0 => 2,
        >= 0 and <= ushort.MaxValue => 3,
        >= short.MinValue and < 0 => 3,
        >= 0 and <= uint.MaxValue => 5,
        >= int.MinValue and < 0 => 5,
        _ => 9,
    };
}

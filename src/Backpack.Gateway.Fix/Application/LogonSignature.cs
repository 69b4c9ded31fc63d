using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The bytes a client signs for its Logon, either recipe (docs/fix.md): ours, the Logon's own
/// SendingTime(52), MsgType(35), MsgSeqNum(34), SenderCompID(49), TargetCompID(56) and
/// Username(553) values in that order; or Binance's FIX API recipe, MsgType(35), SenderCompID(49),
/// TargetCompID(56), MsgSeqNum(34), SendingTime(52) (the key still in Username). Values joined
/// with SOH (0x01); the base64 Ed25519 signature goes in RawData(96), its length in RawDataLength(95).
/// </summary>
public static class LogonSignature
{
    private static readonly int[] Fields = [FixTags.SendingTime, FixTags.MsgType, FixTags.MsgSeqNum, FixTags.SenderCompID, FixTags.TargetCompID, FixTags.Username];
    private static readonly int[] BinanceFields = [FixTags.MsgType, FixTags.SenderCompID, FixTags.TargetCompID, FixTags.MsgSeqNum, FixTags.SendingTime];

    public static byte[] PreHash(FixMessage logon) => Join(logon, Fields);

    /// <summary>The pre-hash of Binance's FIX API Logon, so clients written for it sign unchanged.</summary>
    public static byte[] BinancePreHash(FixMessage logon) => Join(logon, BinanceFields);

    private static byte[] Join(FixMessage logon, int[] fields)
    {
        var bytes = new List<byte>(128);
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) bytes.Add(FixValues.Soh);
            if (logon.TryGet(fields[i], out var value)) bytes.AddRange(value.ToArray());
        }
        return bytes.ToArray();
    }

    /// <summary>The pre-hash from the values (for clients building a Logon).</summary>
    public static byte[] PreHash(string sendingTime, int msgSeqNum, string senderCompId, string targetCompId, string username) =>
        System.Text.Encoding.ASCII.GetBytes(string.Join('\u0001', sendingTime, "A", msgSeqNum.ToString(System.Globalization.CultureInfo.InvariantCulture), senderCompId, targetCompId, username));
}

using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The bytes a client signs for its Logon: the Logon's own SendingTime(52), MsgType(35),
/// MsgSeqNum(34), SenderCompID(49), TargetCompID(56) and Username(553) values, in that order,
/// joined with SOH (0x01). The base64 Ed25519 signature goes in RawData(96), its length in
/// RawDataLength(95).
/// </summary>
public static class LogonSignature
{
    private static readonly int[] Fields = [FixTags.SendingTime, FixTags.MsgType, FixTags.MsgSeqNum, FixTags.SenderCompID, FixTags.TargetCompID, FixTags.Username];

    public static byte[] PreHash(FixMessage logon)
    {
        var bytes = new List<byte>(128);
        for (int i = 0; i < Fields.Length; i++)
        {
            if (i > 0) bytes.Add(FixValues.Soh);
            if (logon.TryGet(Fields[i], out var value)) bytes.AddRange(value.ToArray());
        }
        return bytes.ToArray();
    }

    /// <summary>The pre-hash from the values (for clients building a Logon).</summary>
    public static byte[] PreHash(string sendingTime, int msgSeqNum, string senderCompId, string targetCompId, string username) =>
        System.Text.Encoding.ASCII.GetBytes(string.Join('\u0001', sendingTime, "A", msgSeqNum.ToString(System.Globalization.CultureInfo.InvariantCulture), senderCompId, targetCompId, username));
}

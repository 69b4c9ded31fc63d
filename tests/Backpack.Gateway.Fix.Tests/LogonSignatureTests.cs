using System.Text;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>The Logon signature recipe, checked against the worked example of docs/fix.md (section 2).</summary>
public class LogonSignatureTests
{
    // The demo key of ALICE (config/gateway.json).
    private const string AliceKey = "y8J43uNQFloZX4DBuabNFZCGx7jH9ooGjR547FYTK4c=";
    private const string AliceSecret = "970ek0idPH77yzT28JNn+o8BCUZNP70tk50rAaM9pEc=";

    /// <summary>The "pre-hash:" and "signature:" lines of the example in docs/fix.md.</summary>
    private static (string PreHash, string Signature) DocumentedExample()
    {
        string doc = File.ReadAllText(RepositoryFiles.PathOf("docs/fix.md"));
        string Line(string label) => doc.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();
        return (Line("pre-hash:"), Line("signature:"));
    }

    [Fact]
    public void The_documented_example_signs_and_verifies()
    {
        var (documentedPreHash, documentedSignature) = DocumentedExample();
        byte[] preHash = LogonSignature.PreHash("20250101-12:00:00.000", 1, "ALICE", "BACKPACK", AliceKey);
        Assert.Equal(documentedPreHash, Encoding.ASCII.GetString(preHash).Replace('\u0001', '|'));
        Assert.Equal(documentedSignature, Convert.ToBase64String(Ed25519.Sign(Convert.FromBase64String(AliceSecret), preHash)));
        Assert.True(Ed25519.VerifyWithApiKey(AliceKey, preHash, Convert.FromBase64String(documentedSignature)));
    }

    [Fact]
    public void The_pre_hash_of_a_received_logon_is_built_from_its_own_fields()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(("8=FIX.4.4|9=221|35=A|49=ALICE|56=BACKPACK|34=1|52=20250101-12:00:00.000|98=0|108=30|141=Y|" +
            $"553={AliceKey}|95=88|96={DocumentedExample().Signature}|10=000|").Replace('|', '\u0001'));
        var logon = new FixMessage();
        logon.Parse(bytes, 0, bytes.Length);
        Assert.Equal(LogonSignature.PreHash("20250101-12:00:00.000", 1, "ALICE", "BACKPACK", AliceKey), LogonSignature.PreHash(logon));
    }
}

using System.Text;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>The Logon signature recipe, checked against the worked example of docs/fix.md (section 2).</summary>
public class LogonSignatureTests
{
    private const string AliceKey = "y8J43uNQFloZX4DBuabNFZCGx7jH9ooGjR547FYTK4c=";
    private const string AliceSecret = "970ek0idPH77yzT28JNn+o8BCUZNP70tk50rAaM9pEc=";
    private const string ExampleSignature = "4Ujfw+0TtLYWaM2pu70UShQ1UfVANOkYn0ukZnVihPdscBhlRbz0UcHTrBYX2adW46BaRG/bYh3PPEJliTTHDw==";

    [Fact]
    public void The_documented_example_signs_and_verifies()
    {
        byte[] preHash = LogonSignature.PreHash("20250101-12:00:00.000", 1, "ALICE", "BACKPACK", AliceKey);
        Assert.Equal("20250101-12:00:00.000|A|1|ALICE|BACKPACK|" + AliceKey, Encoding.ASCII.GetString(preHash).Replace('\u0001', '|'));
        Assert.Equal(ExampleSignature, Convert.ToBase64String(Ed25519.Sign(Convert.FromBase64String(AliceSecret), preHash)));
        Assert.True(Ed25519.VerifyWithApiKey(AliceKey, preHash, Convert.FromBase64String(ExampleSignature)));
    }

    [Fact]
    public void The_pre_hash_of_a_received_logon_is_built_from_its_own_fields()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(("8=FIX.4.4|9=221|35=A|49=ALICE|56=BACKPACK|34=1|52=20250101-12:00:00.000|98=0|108=30|141=Y|" +
            $"553={AliceKey}|95=88|96={ExampleSignature}|10=000|").Replace('|', '\u0001'));
        var logon = new FixMessage();
        logon.Parse(bytes, 0, bytes.Length);
        Assert.Equal(LogonSignature.PreHash("20250101-12:00:00.000", 1, "ALICE", "BACKPACK", AliceKey), LogonSignature.PreHash(logon));
    }
}

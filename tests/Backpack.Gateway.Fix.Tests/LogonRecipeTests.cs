using System.Text;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// A Logon signed with Binance's FIX API recipe (Ed25519 over MsgType, SenderCompID, TargetCompID,
/// MsgSeqNum, SendingTime joined by SOH; the key in Username; Binance's MessageHandling and
/// ResponseMode fields present) logs on unchanged, over a real loopback socket.
/// </summary>
public class LogonRecipeTests : IAsyncLifetime
{
    private FixTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new FixTestHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static byte[] BinanceLogon(FixTestClient client, byte[] signWith, string? signedSendingTime = null)
    {
        string sendingTime = FixTestClient.Now();
        string user = Convert.ToBase64String(Ed25519.PublicKeyOf(FixTestHost.PrivateKeyA));
        byte[] preHash = Encoding.ASCII.GetBytes(string.Join('\u0001', "A", client.CompId, client.TargetCompId, "1", signedSendingTime ?? sendingTime));
        string raw = Convert.ToBase64String(Ed25519.Sign(signWith, preHash));
        return client.Build("A",
            [(FixTags.EncryptMethod, "0"), (FixTags.HeartBtInt, "30"), (FixTags.ResetSeqNumFlag, "Y"), (FixTags.RawDataLength, raw.Length.ToString()),
             (FixTags.RawData, raw), (FixTags.Username, user), (25035, "2"), (25036, "1")],
            seq: 1, sendingTime: sendingTime);
    }

    [Fact]
    public void A_logon_signed_with_binances_recipe_is_accepted_and_the_session_trades()
    {
        using var client = _host.Client();
        client.SendRaw(BinanceLogon(client, FixTestHost.PrivateKeyA));
        var reply = client.Receive(TimeSpan.FromSeconds(5));
        Assert.True(reply.IsMsgType("A"), reply.ToString());
        client.Send("1", (FixTags.TestReqID, "binance"));
        Assert.Equal("binance", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_binance_recipe_logon_signed_by_another_key_or_over_other_values_is_refused()
    {
        using (var client = _host.Client())
        {
            client.SendRaw(BinanceLogon(client, FixTestHost.PrivateKeyB));
            var reply = client.Receive(TimeSpan.FromSeconds(5));
            Assert.True(reply.IsMsgType("5"), reply.ToString());
            Assert.Equal("Invalid signature", reply.GetString(FixTags.Text));
        }
        using (var client = _host.Client())
        {
            client.SendRaw(BinanceLogon(client, FixTestHost.PrivateKeyA, signedSendingTime: "20260101-00:00:00.000"));
            var reply = client.Receive(TimeSpan.FromSeconds(5));
            Assert.True(reply.IsMsgType("5"), reply.ToString());
            Assert.Equal("Invalid signature", reply.GetString(FixTags.Text));
        }
    }
}

using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Tests;

public class SmokeTests
{
    [Fact]
    public async Task Logon_then_an_order_is_acknowledged()
    {
        await using var host = new FixTestHost();
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 100_000);
        using var client = host.Client();
        var logon = client.Logon();
        Assert.True(logon.IsMsgType("A"), logon.ToString());
        client.Send("D", (FixTags.ClOrdID, "o1"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.OrderQty, "1.5"), (FixTags.OrdType, "2"), (FixTags.Price, "179.5"));
        var report = client.Expect("8");
        Assert.Equal("0", report.GetString(FixTags.ExecType));
        Assert.Equal("o1", report.GetString(FixTags.ClOrdID));
        Assert.Equal("1.5", report.GetString(FixTags.OrderQty));
        Assert.Equal("179.5", report.GetString(FixTags.Price));
    }
}

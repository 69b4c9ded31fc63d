using System.Text.Json;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// Margin calls, liquidations and ADL reach the accounts' private streams and the public
/// liquidation stream. Account A buys 100 SOL at 180 on 1,000 USDC (18x, MMF 2.5%) and pays a
/// 9 USDC taker fee; B holds the short. At 175 A's equity is 491 against 437.5 of maintenance
/// margin (a margin call); at 170 it is -9 (liquidating, and with no provider and an empty fund the
/// next tick deleverages the whole position against B at the bankruptcy price 170.09).
/// </summary>
public class LiquidationStreamTests
{
    private static string Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString()! : e.GetProperty(name).GetRawText();

    private static readonly string[] PrivateStreams = ["account.orderUpdate", "account.positionUpdate", "account.liquidation", "account.adl"];

    private static async Task OpenPositions(WsTestHost host, WsTestClient a, WsTestClient b)
    {
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 1_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        await a.LogOnAsync(WsTestHost.KeyA, PrivateStreams);
        await b.LogOnAsync(WsTestHost.KeyB, PrivateStreams);
        await b.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Ask", orderType = "Limit", price = "180", quantity = "100" });
        await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180", quantity = "100" });
        await a.StreamAsync("account.positionUpdate", "positionOpened");
        await b.StreamAsync("account.positionUpdate", "positionOpened");
        a.Clear();
        b.Clear();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Margin_call_liquidation_and_adl_reach_both_accounts_and_the_public_stream(bool messagePack)
    {
        await using var host = new WsTestHost();
        await using var a = await host.ConnectAsync(messagePack);
        await using var b = await host.ConnectAsync(messagePack);
        await using var watcher = await host.ConnectAsync(!messagePack); // the public side in the other format
        await watcher.SubscribeAsync("liquidation", "insuranceFund");
        await OpenPositions(host, a, b);

        host.Index(17_500);
        var call = await a.StreamAsync("account.liquidation", "marginCall");
        Assert.Equal(("0.891039", "491", "437.5"), (Str(call, "marginRatio"), Str(call, "equity"), Str(call, "maintenanceMargin")));

        host.Index(17_000);
        var started = await a.StreamAsync("account.liquidation", "liquidationStarted");
        long liquidationId = started.GetProperty("liquidationId").GetInt64();
        Assert.Equal("-9", Str(started, "equity"));

        host.Tick();
        var forced = await a.StreamAsync("account.orderUpdate", "orderFill");
        Assert.Equal(("ADL_AUTOCLOSE", "Ask", "170.09", "100", "Filled", liquidationId), (Str(forced, "O"), Str(forced, "S"), Str(forced, "L"), Str(forced, "l"), Str(forced, "X"),
            forced.GetProperty("liquidationId").GetInt64()));
        Assert.Equal("Adl", Str(forced, "stage"));
        var step = await a.StreamAsync("account.liquidation", "liquidationFill");
        Assert.Equal(("Adl", "170.09", "100"), (Str(step, "stage"), Str(step, "p"), Str(step, "q")));
        var notice = await a.StreamAsync("account.adl", "adl");
        Assert.Equal(("Liquidated", "Ask", "170.09", "100", liquidationId), (Str(notice, "role"), Str(notice, "S"), Str(notice, "p"), Str(notice, "q"), notice.GetProperty("liquidationId").GetInt64()));
        var closed = await a.StreamAsync("account.positionUpdate", "positionClosed");
        Assert.Equal(("0", liquidationId), (Str(closed, "q"), closed.GetProperty("liquidationId").GetInt64()));
        var ended = await a.StreamAsync("account.liquidation", "liquidationEnded");
        Assert.Equal(("Bankrupt", liquidationId), (Str(ended, "outcome"), ended.GetProperty("liquidationId").GetInt64()));

        // The counterparty: its own ADL fill and notice, and its position closed.
        var counterFill = await b.StreamAsync("account.orderUpdate", "orderFill");
        Assert.Equal(("ADL_AUTOCLOSE", "Bid", "170.09", "Adl"), (Str(counterFill, "O"), Str(counterFill, "S"), Str(counterFill, "L"), Str(counterFill, "stage")));
        var counterNotice = await b.StreamAsync("account.adl", "adl");
        Assert.Equal(("Counterparty", "Bid"), (Str(counterNotice, "role"), Str(counterNotice, "S")));
        var counterClosed = await b.StreamAsync("account.positionUpdate", "positionClosed");
        Assert.Equal(liquidationId, counterClosed.GetProperty("liquidationId").GetInt64());
        Assert.DoesNotContain(b.Pending(), m => m.TryGetProperty("stream", out var s) && s.GetString() == "account.liquidation");

        // Everyone subscribed sees the forced close, without the account.
        var publicEvent = await watcher.StreamAsync("liquidation", "liquidation");
        Assert.Equal(("Adl", "Ask", "170.09", "100", "SOL_USDC_PERP"), (Str(publicEvent, "stage"), Str(publicEvent, "S"), Str(publicEvent, "p"), Str(publicEvent, "q"), Str(publicEvent, "s")));
        Assert.False(publicEvent.TryGetProperty("liquidationId", out _));
        Assert.Equal(0, a.WrongFrameType + b.WrongFrameType + watcher.WrongFrameType);
    }

    [Fact]
    public async Task A_book_liquidation_slice_shows_as_liquidation_order_fill_trade_and_insurance_fund_fee()
    {
        await using var host = new WsTestHost();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await using var maker = await host.ConnectAsync(messagePack: true);
        await using var watcher = await host.ConnectAsync(messagePack: true);
        await watcher.SubscribeAsync("liquidation", "insuranceFund", "trade.SOL_USDC_PERP");
        await OpenPositions(host, a, b);
        host.Fund(WsTestHost.AccountC, 100_000);
        await maker.LogOnAsync(WsTestHost.KeyC, "account.orderUpdate", "account.positionUpdate");
        await maker.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "174.35", quantity = "50" });

        // At 174.40: equity 431 against 436 of maintenance (just over), well above the fraction that
        // would skip to the backstop, so the liquidation's first step, in the same command, sells a slice on the book.
        host.Index(17_440);
        long liquidationId = (await a.StreamAsync("account.liquidation", "liquidationStarted")).GetProperty("liquidationId").GetInt64();

        // One slice: urgency (436 - 431) / (436 - 218) = 2.29% makes it 10% + 90% x 2.29% = 12.06% of the position
        // (12.065 SOL), sold into the maker's bid at 174.35, inside the band (the least ABR, 10%: 174.40 x (1 - 0.375%) = 173.75).
        var sliceAccepted = await a.StreamAsync("account.orderUpdate", "orderAccepted", o => Str(o, "O") == "LIQUIDATION_AUTOCLOSE");
        Assert.Equal(("Ask", "IOC", "true"), (Str(sliceAccepted, "S"), Str(sliceAccepted, "f"), Str(sliceAccepted, "r")));
        var sliceFill = await a.StreamAsync("account.orderUpdate", "orderFill");
        Assert.Equal(("LIQUIDATION_AUTOCLOSE", "174.35", "12.065", "Book"), (Str(sliceFill, "O"), Str(sliceFill, "L"), Str(sliceFill, "l"), Str(sliceFill, "stage")));
        var step = await a.StreamAsync("account.liquidation", "liquidationFill");
        Assert.Equal(("Book", "174.35", "12.065"), (Str(step, "stage"), Str(step, "p"), Str(step, "q")));
        Assert.True(decimal.Parse(Str(step, "fee")) > 0);

        var liquidation = await watcher.StreamAsync("liquidation", "liquidation");
        Assert.Equal(("Book", "174.35", "12.065"), (Str(liquidation, "stage"), Str(liquidation, "p"), Str(liquidation, "q")));
        var trade = await watcher.StreamAsync("trade.SOL_USDC_PERP", "trade", t => Str(t, "p") == "174.35");
        Assert.Equal(("LIQUIDATION_AUTOCLOSE", "12.065"), (Str(trade, "O"), Str(trade, "q")));
        var fund = await watcher.StreamAsync("insuranceFund", "insuranceFund");
        Assert.Equal(("LiquidationFee", Str(step, "fee")), (Str(fund, "reason"), Str(fund, "change")));

        // The position update after the slice carries the ADL quintile and a liquidation price estimate below the mark.
        var position = await a.StreamAsync("account.positionUpdate", "positionAdjusted", p => Str(p, "q") == "87.935");
        Assert.True(position.GetProperty("adlQuintile").GetInt32() is >= 0 and <= 5);
        Assert.True(decimal.Parse(Str(position, "estLiquidationPrice")) is > 160m and < 174.4m, position.GetRawText());
        Assert.Equal(liquidationId, position.GetProperty("liquidationId").GetInt64());

        // The maker's side of the slice is an ordinary fill: no liquidation named on it or on its position.
        var makerFill = await maker.StreamAsync("account.orderUpdate", "orderFill");
        Assert.False(makerFill.TryGetProperty("liquidationId", out _) || makerFill.TryGetProperty("stage", out _), makerFill.GetRawText());
        var makerPosition = await maker.StreamAsync("account.positionUpdate", "positionOpened");
        Assert.False(makerPosition.TryGetProperty("liquidationId", out _), makerPosition.GetRawText());
    }

    [Fact]
    public async Task A_deposit_that_pays_off_unsettled_equity_is_told_with_the_amount_and_the_liquidation()
    {
        await using var host = new WsTestHost();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await using var maker = await host.ConnectAsync();
        // A: 5 SOL bought at 180 on 50 USDC (fee 0.45), so E = 49.55 + 5 x (P - 180) and MM = 2.5% x 5 x P.
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 50);
        host.Fund(WsTestHost.AccountB, 100_000);
        host.Fund(WsTestHost.AccountC, 100_000);
        await a.LogOnAsync(WsTestHost.KeyA, PrivateStreams);
        await b.LogOnAsync(WsTestHost.KeyB, PrivateStreams);
        await maker.LogOnAsync(WsTestHost.KeyC, "account.orderUpdate");
        await b.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Ask", orderType = "Limit", price = "180", quantity = "5" });
        await a.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "180", quantity = "5" });
        await a.StreamAsync("account.positionUpdate", "positionOpened");
        host.Index(17_500);
        await maker.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "169.6", quantity = "200" });

        // At 172.46: equity 11.85 against 21.56 of maintenance (MF 1.37%, above the auto-close 1.25%). The position is
        // under the 1,000 USDC least slice, so the first step sells all of it into the 169.60 bid, inside the band
        // (169.55) but under the bankruptcy price 170.09: a shortfall of 2.45 that the empty fund cannot pay.
        host.Index(17_246);
        long liquidationId = (await a.StreamAsync("account.liquidation", "liquidationStarted")).GetProperty("liquidationId").GetInt64();
        // The audit trail to the account: the trigger's figures, then the slice with its band and the depth inside it.
        var trigger = await a.StreamAsync("account.liquidation", "liquidationStep", m => Str(m, "action") == "Triggered");
        Assert.Equal(("SOL_USDC_PERP", "172.46", "172.46", "11.85", "21.5575", "170.09"), (Str(trigger, "s"), Str(trigger, "markPrice"), Str(trigger, "indexPrice"),
            Str(trigger, "equity"), Str(trigger, "maintenanceMargin"), Str(trigger, "bankruptcyPrice")));
        Assert.InRange(decimal.Parse(Str(trigger, "urgency"), System.Globalization.CultureInfo.InvariantCulture), 0.90m, 0.91m); // (21.5575 - 11.85) / (21.5575 - 10.77875)
        var slice = await a.StreamAsync("account.liquidation", "liquidationStep", m => Str(m, "action") == "Slice");
        Assert.Equal(("169.55", "200", "5"), (Str(slice, "limit"), Str(slice, "bandDepth"), Str(slice, "q")));
        var fill = await a.StreamAsync("account.liquidation", "liquidationFill");
        Assert.Equal(("Book", "169.6", "5", "170.09"), (Str(fill, "stage"), Str(fill, "p"), Str(fill, "q"), Str(fill, "bankruptcyPrice")));
        host.Tick();
        Assert.Equal("Bankrupt", Str(await a.StreamAsync("account.liquidation", "liquidationEnded"), "outcome"));

        host.Fund(WsTestHost.AccountA, 1);
        var first = await a.StreamAsync("account.liquidation", "unsettledEquityCovered");
        decimal remaining = decimal.Parse(Str(first, "remaining"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(("1", liquidationId), (Str(first, "covered"), first.GetProperty("liquidationId").GetInt64()));
        Assert.Equal(1.45m, remaining);

        host.Fund(WsTestHost.AccountA, 1_000);
        var second = await a.StreamAsync("account.liquidation", "unsettledEquityCovered");
        Assert.Equal((remaining, "0", liquidationId),
            (decimal.Parse(Str(second, "covered"), System.Globalization.CultureInfo.InvariantCulture), Str(second, "remaining"), second.GetProperty("liquidationId").GetInt64()));
        Assert.DoesNotContain(b.Pending(), m => m.TryGetProperty("stream", out var st) && st.GetString() == "account.liquidation");
    }
}

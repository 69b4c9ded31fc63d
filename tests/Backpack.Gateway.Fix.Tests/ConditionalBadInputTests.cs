using Backpack.Gateway.Fix.Codec;
using static Backpack.Gateway.Fix.Tests.ConditionalFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Bad stop and stop-loss / take-profit input: each gets its exact reject and changes nothing. The
/// gateway's own rejects never reach the engine (its sequence does not move); the engine's leave
/// no order, pending order or leg plan behind. Index (and mark) 180.00.
/// </summary>
public class ConditionalBadInputTests : IAsyncLifetime
{
    private FixTestHost _host = null!;
    private FixTestClient _a = null!;

    public Task InitializeAsync()
    {
        _host = new FixTestHost();
        _host.Index(18_000);
        _host.Fund(FixTestHost.AccountA, 100_000);
        _a = _host.Client();
        _a.Logon();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        await _host.DisposeAsync();
    }

    public static TheoryData<string, string, string, string, string> GatewayRejects => new()
    {
        // name, OrdType, extra fields (tag=value;...), OrdRejReason, Text | RejectCode
        { "stop without StopPx", "3", "", "99", "StopPx(99) missing or not a multiple of the tick size|INVALID_TRIGGER_PRICE" },
        { "StopPx off the tick", "3", "99=176.005", "99", "StopPx(99) missing or not a multiple of the tick size|INVALID_TRIGGER_PRICE" },
        { "StopPx zero", "3", "99=0", "99", "StopPx(99) missing or not a multiple of the tick size|INVALID_TRIGGER_PRICE" },
        { "stop limit without Price", "4", "99=176", "99", "Price missing or not a multiple of the tick size|INVALID_PRICE" },
        { "StopPx on a limit order", "2", "44=180;99=176", "11", "StopPx(99) is allowed only with OrdType 3 (stop) or 4 (stop limit)|INVALID_ORDER" },
        { "StopPx on a market order", "1", "99=176", "11", "StopPx(99) is allowed only with OrdType 3 (stop) or 4 (stop limit)|INVALID_ORDER" },
        { "trigger source on a limit order", "2", "44=180;5019=1", "11", "TriggerPriceSource(5019) is allowed only with OrdType 3 (stop) or 4 (stop limit)|INVALID_ORDER" },
        { "stop-loss limit without its trigger", "2", "44=180;5021=170", "11",
            "StopLossLimitPrice(5021) and StopLossTriggerSource(5022) need StopLossTriggerPrice(5020)|INVALID_ORDER" },
        { "take-profit source without its trigger", "2", "44=180;5025=2", "11",
            "TakeProfitLimitPrice(5024) and TakeProfitTriggerSource(5025) need TakeProfitTriggerPrice(5023)|INVALID_ORDER" },
        { "take-profit trigger off the tick", "2", "44=180;5023=190.001", "99", "TakeProfitTriggerPrice(5023) not a multiple of the tick size|INVALID_TRIGGER_PRICE" },
        { "stop-loss limit off the tick", "2", "44=180;5020=170;5021=169.999", "99", "StopLossLimitPrice(5021) not a multiple of the tick size|INVALID_PRICE" },
    };

    private static (int, string)[] Extra(string extra) =>
        extra.Length == 0 ? [] : extra.Split(';').Select(f => (int.Parse(f[..f.IndexOf('=')]), f[(f.IndexOf('=') + 1)..])).ToArray();

    [Theory]
    [MemberData(nameof(GatewayRejects))]
    public async Task Refused_by_the_gateway_with_its_reason_and_nothing_reaches_the_engine(string name, string ordType, string extra, string ordRejReason, string textAndCode)
    {
        long before = _host.Engine.LastSequence;
        _a.Send("D", Order("bad", '2', "1", ordType, extra: Extra(extra)));
        var reject = _a.Expect("8");
        string[] expected = textAndCode.Split('|');
        Assert.True(new[] { "8", "8", "bad", "NONE", ordRejReason, expected[0], expected[1] }
            .SequenceEqual(reject.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.OrderID, FixTags.OrdRejReason, FixTags.Text, FixTags.RejectCode)),
            $"{name}: {reject}");
        Assert.Equal(before, _host.Engine.LastSequence);
        Assert.Empty(await _host.Runner.InspectAsync(e => e.GetPendingOrders(FixTestHost.AccountA)));
    }

    [Theory]
    [InlineData(FixTags.TriggerPriceSource, "3", "99=176", "5", "Value is incorrect (out of range) for this tag")]
    [InlineData(FixTags.TriggerPriceSource, "M", "99=176", "6", "Incorrect data format for value")]
    [InlineData(FixTags.StopLossTriggerSource, "7", "5020=170", "5", "Value is incorrect (out of range) for this tag")]
    [InlineData(FixTags.TakeProfitTriggerSource, "3", "5023=190", "5", "Value is incorrect (out of range) for this tag")]
    public void An_unknown_trigger_source_is_a_session_reject_naming_the_tag(int tag, string value, string extra, string reason, string text)
    {
        long before = _host.Engine.LastSequence;
        var fields = Extra(extra).Append((tag, value)).ToArray();
        _a.Send("D", tag == FixTags.TriggerPriceSource ? Order("src", '2', "1", "3", extra: fields) : Order("src", '1', "1", "2", "180", fields));
        var reject = _a.Expect("3");
        Assert.Equal([tag.ToString(), reason, "D", text],
            reject.Fields(FixTags.RefTagID, FixTags.SessionRejectReason, FixTags.RefMsgType, FixTags.Text));
        Assert.Equal(before, _host.Engine.LastSequence);
    }

    [Fact]
    public async Task A_stop_at_the_current_price_is_refused_by_the_engine_and_leaves_nothing()
    {
        _a.Send("D", Stop("at", '2', "1", "180", extra: [(FixTags.TriggerPriceSource, "2")]));
        var reject = _a.Expect("8");
        Assert.Equal(["8", "8", "at", "99", "Invalid trigger price (not positive, at the current price, or on the wrong side)", "INVALID_TRIGGER_PRICE"],
            reject.Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.ClOrdID, FixTags.OrdRejReason, FixTags.Text, FixTags.RejectCode));
        Assert.Empty(await _host.Runner.InspectAsync(e => e.GetPendingOrders(FixTestHost.AccountA)));

        // The ClOrdID is spent: the same id again is a duplicate.
        _a.Send("D", Stop("at", '2', "1", "179"));
        Assert.Equal("DUPLICATE_CLIENT_ORDER_ID", _a.Expect("8").GetString(FixTags.RejectCode));
    }

    [Theory]
    [InlineData("1", "181", "190")] // a buy's stop-loss above its price
    [InlineData("1", "170", "179")] // a buy's take-profit below its price
    [InlineData("2", "179", "170")] // a sell's stop-loss below its price
    public async Task A_stop_loss_or_take_profit_on_the_wrong_side_of_the_order_is_refused_by_the_engine_and_places_nothing(string side, string stopLoss, string takeProfit)
    {
        _a.Send("D", Limit("wrong", side[0], "1", "180", (FixTags.StopLossTriggerPrice, stopLoss), (FixTags.TakeProfitTriggerPrice, takeProfit)));
        Assert.Equal(["8", "8", "99", "INVALID_TRIGGER_PRICE"], _a.Expect("8").Fields(FixTags.ExecType, FixTags.OrdStatus, FixTags.OrdRejReason, FixTags.RejectCode));
        var (open, pending, plans) = await _host.Runner.InspectAsync(e => (e.GetOpenOrders(FixTestHost.AccountA).Count, e.GetPendingOrders(FixTestHost.AccountA).Count, e.PendingExitPlans));
        Assert.Equal((0, 0, 0), (open, pending, plans));
    }
}

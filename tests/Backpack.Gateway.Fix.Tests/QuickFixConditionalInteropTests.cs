using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Interop of the conditional orders and funding with QuickFIX C++ (see <see cref="QuickFixInteropTests"/>):
/// the client loads our fixspec/FIX44.xml with validation on, places a stop and a stop limit (OrdType
/// 3 / 4, StopPx, TriggerPriceSource 5019), cancels one, has a replace refused, buys with a
/// stop-loss and a take-profit (5020-5024) and receives the legs, a funding payment (U5), the
/// stop-loss firing (ExecType L), its fill and the take-profit's cancel. QuickFIX must reject
/// nothing we send, and we nothing it sends.
/// </summary>
public class QuickFixConditionalInteropTests
{
    /// <summary>The line holds every field, or the test fails showing the whole line.</summary>
    private static void Has(string line, params string[] fields)
    {
        foreach (string field in fields) Assert.True(line.Contains(field, StringComparison.Ordinal), $"{field} not in {line}");
    }

    [Fact]
    public async Task QuickFix_cpp_places_stops_and_legs_and_accepts_triggered_reports_and_funding_payments()
    {
        var clock = FundingOverFixTests.EngineClock(out _);
        await using var host = new FixTestHost(markets: [FundingOverFixTests.FundedEveryMinute()], engineClock: clock);
        using var b = host.FundTradersAndLogOnB(100_000, 100_000);
        using var quickfix = QuickFixClient.LogOn(host);

        quickfix.Send("stop s1 2 1 170 0 2");
        string stop = quickfix.Expect("RECV 8");
        Has(stop, "|150=0|", "|39=0|", "|40=3|", "|99=170|", "|5019=2|", "|636=N|", "|5026=0|");
        quickfix.Send("stop s2 1 1 190 190.5 0");
        string stopLimit = quickfix.Expect("RECV 8");
        Has(stopLimit, "|150=0|", "|40=4|", "|44=190.5|", "|99=190|", "|5019=0|");
        quickfix.Send("cancel s1 s1x 2");
        Has(quickfix.Expect("RECV 8"), "|150=4|");
        quickfix.Send("replace s2 s3 1 1 191"); // OrdType 2 for a stop limit: refused
        Has(quickfix.Expect("RECV 9"), "|434=2|");

        b.Send("D", (FixTags.ClOrdID, "b-ask"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "2"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.OrderQty, "10"), (FixTags.OrdType, "2"), (FixTags.Price, "180"));
        b.Expect("8");
        quickfix.Send("exits e1 1 10 180 175 185 185");
        Has(quickfix.Expect("RECV 8"), "|150=0|");
        Has(quickfix.Expect("RECV 8"), "|150=F|");
        string stopLoss = quickfix.Expect("RECV 8");
        Has(stopLoss, "|11=e1-SL|", "|583=e1|", "|5026=1|", "|40=3|", "|99=175|", "|5019=2|");
        string takeProfit = quickfix.Expect("RECV 8");
        Has(takeProfit, "|11=e1-TP|", "|5026=2|", "|40=4|", "|44=185|");
        Assert.Equal("F", b.Expect("8").GetString(FixTags.ExecType)); // B's side of the fill

        clock.Advance(TimeSpan.FromSeconds(60));
        host.Index(18_000);
        string funding = quickfix.Expect("RECV U5");
        Has(funding, "|5029=0.00000625|", "|5030=10|", "|5031=180|", "|5032=-0.01125|", "|15=USDC|");
        Assert.Equal("0.01125", b.Expect("U5").GetString(FixTags.FundingAmount)); // the short receives

        b.Send("D", (FixTags.ClOrdID, "b-bid"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.OrderQty, "10"), (FixTags.OrdType, "2"), (FixTags.Price, "174"));
        Assert.Equal(("0", "b-bid"), (b.Expect("8").GetString(FixTags.ExecType), b.Received[^1].GetString(FixTags.ClOrdID)));
        host.Index(17_500);
        string fired = quickfix.Expect("RECV 8");
        Has(fired, "|150=L|", "|11=e1-SL|", "|5028=175|", "|636=Y|");
        Has(quickfix.Expect("RECV 8"), "|150=F|");
        string oco = quickfix.Expect("RECV 8");
        Has(oco, "|150=4|", "|11=e1-TP|");

        quickfix.LogOutAndAssertNoneRefused("j");
    }
}

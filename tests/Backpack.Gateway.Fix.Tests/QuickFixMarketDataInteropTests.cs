using Backpack.Gateway.Fix.Codec;
using static Backpack.Gateway.Fix.Tests.MarketDataFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Market data with a third-party peer: QuickFIX C++ (with our fixspec/FIX44.xml, validation on)
/// subscribes to SOL_USDC_PERP's book and rebuilds it from the snapshot and the incrementals with
/// its own group parsing; after every change made by orders (rests, cancels, a replace, its own
/// fill) the book it prints equals the engine's. It must reject nothing and report no entry that
/// did not apply and no RptSeq gap.
/// </summary>
public class QuickFixMarketDataInteropTests
{
    private static int _barriers;

    /// <summary>Waits until QuickFIX has every incremental of the changes so far (a snapshot asked after them arrives after them), then reads its book.</summary>
    private static string BookOf(QuickFixClient quickfix)
    {
        string id = "barrier" + Interlocked.Increment(ref _barriers);
        quickfix.Send($"snapshot {id} 0");
        while (!quickfix.Expect("RECV W").Contains($"|262={id}|", StringComparison.Ordinal))
        {
        }
        quickfix.Send("book");
        string line = quickfix.Expect("BOOK");
        var sides = line["BOOK".Length..].Split('|');
        return RebuiltBook.Format(Levels(sides[0]), Levels(sides[1]));
    }

    private static IEnumerable<KeyValuePair<decimal, decimal>> Levels(string side) =>
        side.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(level => level.Split(':'))
            .Select(p => KeyValuePair.Create(decimal.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)));

    private static void Rest(FixTestClient b, string id, char side, string qty, string price)
    {
        b.Send("D", FixTestClient.LimitOrder(id, side, qty, price));
        Assert.Equal("0", b.Expect("8").GetString(FixTags.ExecType));
    }

    [Fact]
    public async Task QuickFix_cpp_rebuilds_a_book_equal_to_the_engines_as_orders_change_it()
    {
        await using var host = new FixTestHost();
        using var b = host.FundTradersAndLogOnB(100_000, 100_000);
        using var quickfix = QuickFixClient.LogOn(host);
        Assert.Equal("bids  | asks ", BookOf(quickfix)); // an empty book's snapshot: 268=0
        Rest(b, "b1", '1', "1", "179");
        Rest(b, "b2", '2', "2", "181");

        quickfix.Send("subscribe md 0");
        Assert.Contains("|262=md|", quickfix.Expect("RECV W"));
        Assert.Equal("bids 179x1 | asks 181x2", BookOf(quickfix));

        Rest(b, "b3", '1', "2.5", "178.5");
        Rest(b, "b4", '1', "1", "179");
        Rest(b, "b5", '2', "0.75", "180.25");
        Assert.Equal(await EngineBook(host), BookOf(quickfix));
        Assert.Equal("bids 179x2 178.5x2.5 | asks 180.25x0.75 181x2", BookOf(quickfix));

        b.Send("F", (FixTags.OrigClOrdID, "b1"), (FixTags.ClOrdID, "b1c"), (FixTags.Symbol, Sol), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()));
        Assert.Equal("4", b.Expect("8").GetString(FixTags.ExecType));
        b.Send("G", (FixTags.OrigClOrdID, "b5"), (FixTags.ClOrdID, "b5r"), (FixTags.Symbol, Sol), (FixTags.Side, "2"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.OrderQty, "0.75"), (FixTags.OrdType, "2"), (FixTags.Price, "180.5"));
        Assert.Equal("5", b.Expect("8").GetString(FixTags.ExecType));
        Assert.Equal(await EngineBook(host), BookOf(quickfix));

        // QuickFIX's own order takes the best ask and part of the next level.
        quickfix.Send("order q1 1 1.25 181");
        Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));
        Assert.Equal(await EngineBook(host), BookOf(quickfix));
        Assert.Equal("bids 179x1 178.5x2.5 | asks 181x1.5", BookOf(quickfix));

        quickfix.Send("logout");
        quickfix.Expect("LOGOUT");
        quickfix.Send("quit");
        var lines = quickfix.LinesAfterExit();
        Assert.Contains(lines, line => line.StartsWith("RECV X ", StringComparison.Ordinal) && line.Contains("|269=2|", StringComparison.Ordinal)); // the trades
        Assert.DoesNotContain(lines, line => line.StartsWith("MDERROR", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.StartsWith("SENT 3 ", StringComparison.Ordinal) || line.StartsWith("SENT j ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.StartsWith("RECV 3 ", StringComparison.Ordinal) || line.StartsWith("RECV Y ", StringComparison.Ordinal));
    }
}

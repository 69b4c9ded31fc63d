using System.Text;
using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>Message builders and a round-trip probe shared by the stop, stop-loss / take-profit and funding tests.</summary>
internal static class ConditionalFix
{
    public const string Symbol = "SOL_USDC_PERP";

    /// <summary>A NewOrderSingle: OrdType, then Price when given, then the extra fields (StopPx, 5019-5025, ExecInst ...).</summary>
    public static (int, string)[] Order(string clOrdId, char side, string qty, string ordType, string? price = null, params (int, string)[] extra)
    {
        var fields = new List<(int, string)> { (FixTags.ClOrdID, clOrdId), (FixTags.Symbol, Symbol), (FixTags.Side, side.ToString()),
            (FixTags.TransactTime, FixTestClient.Now()), (FixTags.OrderQty, qty), (FixTags.OrdType, ordType) };
        if (price is not null) fields.Add((FixTags.Price, price));
        fields.AddRange(extra);
        return fields.ToArray();
    }

    public static (int, string)[] Limit(string clOrdId, char side, string qty, string price, params (int, string)[] extra) => Order(clOrdId, side, qty, "2", price, extra);

    /// <summary>A stop (OrdType 3) or, with a limit price, a stop limit (OrdType 4).</summary>
    public static (int, string)[] Stop(string clOrdId, char side, string qty, string stopPx, string? limit = null, params (int, string)[] extra) =>
        Order(clOrdId, side, qty, limit is null ? "3" : "4", limit, [(FixTags.StopPx, stopPx), .. extra]);

    public static (int, string)[] Cancel(string origClOrdId, string clOrdId, char side) =>
        [(FixTags.OrigClOrdID, origClOrdId), (FixTags.ClOrdID, clOrdId), (FixTags.Symbol, Symbol), (FixTags.Side, side.ToString()), (FixTags.TransactTime, FixTestClient.Now())];

    /// <summary>
    /// A round trip through the engine (RequestForPositions): the gateway reports engine events in
    /// order, so if the next message is the AO, nothing the engine did before the request produced
    /// a message for this session. Reads the PositionReports that follow the AO too.
    /// </summary>
    public static void Probe(FixTestClient client, int account, string id)
    {
        client.Send("AN", (FixTags.PosReqID, id), (FixTags.PosReqType, "0"), (FixTags.Account, account.ToString()), (FixTags.AccountType, "1"),
            (FixTags.ClearingBusinessDate, DateTime.UtcNow.ToString("yyyyMMdd")), (FixTags.TransactTime, FixTestClient.Now()));
        var ack = client.Expect("AO"); // throws if anything else (an ExecutionReport) comes first
        Assert.Equal(id, ack.GetString(FixTags.PosReqID));
        for (int i = int.Parse(ack.GetString(FixTags.TotalNumPosReports)!); i > 0; i--) client.Expect("AP");
    }

    /// <summary>A UTCTimestamp as the gateway writes it (milliseconds).</summary>
    public static string Timestamp(long unixMicros)
    {
        Span<byte> text = stackalloc byte[32];
        return Encoding.ASCII.GetString(text[..FixValues.WriteTimestamp(text, unixMicros)]);
    }

    /// <summary>Several fields of a message at once, for one Assert.Equal.</summary>
    public static string[] Fields(this FixMessage m, params int[] tags) => tags.Select(t => m.GetString(t) ?? "<none>").ToArray();
}

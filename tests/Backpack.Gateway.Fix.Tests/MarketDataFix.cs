using System.Globalization;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>A book as a FIX market data client rebuilds it from snapshots (W) and incrementals (X) of one MDReqID.</summary>
internal sealed class RebuiltBook(string mdReqId)
{
    public SortedDictionary<decimal, decimal> Bids { get; } = [];
    public SortedDictionary<decimal, decimal> Asks { get; } = [];
    public List<(decimal Price, decimal Size, string TradeId)> Trades { get; } = [];
    public long RptSeq { get; private set; }
    public int Incrementals { get; private set; }

    /// <summary>Applies a W or X of this MDReqID (true), checking that RptSeq goes up by one; ignores other messages (false).</summary>
    public bool Apply(FixMessage m)
    {
        if (m.GetString(FixTags.MDReqID) != mdReqId) return false;
        if (m.IsMsgType("W"))
        {
            Bids.Clear();
            Asks.Clear();
            Assert.Equal(RptSeq + 1, long.Parse(m.GetString(FixTags.RptSeq)!, CultureInfo.InvariantCulture));
            RptSeq++;
            foreach (var e in Entries(m, FixTags.MDEntryType))
            {
                if (e.Type == '2') Trades.Add((e.Price, e.Size, ""));
                else (e.Type == '0' ? Bids : Asks)[e.Price] = e.Size;
            }
            return true;
        }
        if (!m.IsMsgType("X")) return false;
        Incrementals++;
        RptSeq++;
        foreach (var e in Entries(m, FixTags.MDUpdateAction))
        {
            Assert.Equal(RptSeq, e.RptSeq);
            if (e.Type == '2')
            {
                Assert.Equal('0', e.Action);
                Trades.Add((e.Price, e.Size, e.EntryId));
                continue;
            }
            var side = e.Type == '0' ? Bids : Asks;
            switch (e.Action)
            {
                case '0':
                    Assert.False(side.ContainsKey(e.Price), $"new level {e.Price} is already in the book");
                    side[e.Price] = e.Size;
                    break;
                case '1':
                    Assert.True(side.ContainsKey(e.Price), $"changed level {e.Price} is not in the book");
                    side[e.Price] = e.Size;
                    break;
                case '2':
                    Assert.True(side.Remove(e.Price), $"deleted level {e.Price} is not in the book");
                    break;
                default:
                    Assert.Fail("MDUpdateAction " + e.Action);
                    break;
            }
        }
        return true;
    }

    /// <summary>"bids 180.5x2 180x1 | asks 181x3", best first.</summary>
    public string Text() => Format(Bids.Reverse(), Asks);

    public static string Format(IEnumerable<KeyValuePair<decimal, decimal>> bids, IEnumerable<KeyValuePair<decimal, decimal>> asks) =>
        "bids " + string.Join(" ", bids.Select(l => $"{Normal(l.Key)}x{Normal(l.Value)}")) + " | asks " + string.Join(" ", asks.Select(l => $"{Normal(l.Key)}x{Normal(l.Value)}"));

    /// <summary>A decimal without trailing zeros (180.50 -> 180.5).</summary>
    public static string Normal(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private readonly record struct Entry(char Action, char Type, decimal Price, decimal Size, long RptSeq, string EntryId);

    /// <summary>The entries of the NoMDEntries group, each starting at <paramref name="delimiter"/>.</summary>
    private static List<Entry> Entries(FixMessage m, int delimiter)
    {
        var entries = new List<Entry>();
        Entry? current = null;
        for (int i = 0; i < m.FieldCount; i++)
        {
            int tag = m.Field(i).Tag;
            string value = System.Text.Encoding.ASCII.GetString(m.Value(i));
            if (tag == delimiter)
            {
                if (current is { } done) entries.Add(done);
                current = new Entry('\0', '\0', 0, 0, 0, "");
            }
            if (current is not { } e) continue;
            current = tag switch
            {
                FixTags.MDUpdateAction => e with { Action = value[0] },
                FixTags.MDEntryType => e with { Type = value[0] },
                FixTags.MDEntryPx => e with { Price = decimal.Parse(value, CultureInfo.InvariantCulture) },
                FixTags.MDEntrySize => e with { Size = decimal.Parse(value, CultureInfo.InvariantCulture) },
                FixTags.RptSeq => e with { RptSeq = long.Parse(value, CultureInfo.InvariantCulture) },
                FixTags.MDEntryID => e with { EntryId = value },
                _ => e,
            };
        }
        if (current is { } last) entries.Add(last);
        Assert.Equal(int.Parse(m.GetString(FixTags.NoMDEntries)!, CultureInfo.InvariantCulture), entries.Count);
        return entries;
    }
}

/// <summary>Market data requests and the engine's book as the tests compare them.</summary>
internal static class MarketDataFix
{
    public const string Sol = "SOL_USDC_PERP";

    /// <summary>The fields of a MarketDataRequest (V).</summary>
    public static (int, string)[] Request(string mdReqId, char type = '1', int depth = 0, string entryTypes = "012", params string[] symbols)
    {
        var fields = new List<(int, string)> { (FixTags.MDReqID, mdReqId), (FixTags.SubscriptionRequestType, type.ToString()), (FixTags.MarketDepth, depth.ToString(CultureInfo.InvariantCulture)) };
        fields.Add((FixTags.NoMDEntryTypes, entryTypes.Length.ToString(CultureInfo.InvariantCulture)));
        foreach (char t in entryTypes) fields.Add((FixTags.MDEntryType, t.ToString()));
        if (symbols.Length == 0) symbols = [Sol];
        fields.Add((FixTags.NoRelatedSym, symbols.Length.ToString(CultureInfo.InvariantCulture)));
        foreach (string s in symbols) fields.Add((FixTags.Symbol, s));
        return [.. fields];
    }

    /// <summary>The next market data message (W, X or Y), skipping execution reports, heartbeats and the like.</summary>
    public static FixMessage NextMarketData(FixTestClient client, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var m = client.Receive(deadline - DateTime.UtcNow);
            if (m.IsMsgType("W") || m.IsMsgType("X") || m.IsMsgType("Y")) return m;
            if (m.IsMsgType("1")) client.Send("0", (FixTags.TestReqID, m.GetString(FixTags.TestReqID)!));
        }
    }

    private static int _barriers;

    /// <summary>
    /// Asks for a snapshot under a fresh MDReqID and applies what comes before it to <paramref name="book"/>:
    /// the gateway serves requests after the event batches before them, so every incremental of
    /// an earlier book change has arrived once the snapshot has. Returns the snapshot's book.
    /// </summary>
    public static RebuiltBook Barrier(FixTestClient client, RebuiltBook book, int depth = 0)
    {
        string id = "barrier-" + Interlocked.Increment(ref _barriers);
        client.Send("V", Request(id, '0', depth, "01"));
        var snapshot = new RebuiltBook(id);
        while (true)
        {
            var m = NextMarketData(client);
            if (snapshot.Apply(m)) return snapshot;
            book.Apply(m);
        }
    }

    /// <summary>The engine's book, best <paramref name="depth"/> levels a side (0 = all), in the text of <see cref="RebuiltBook.Text"/>.</summary>
    public static async Task<string> EngineBook(FixTestHost host, int depth = 0, int marketId = 1)
    {
        int levels = depth == 0 ? int.MaxValue : depth;
        var (bids, asks) = await host.Runner.InspectAsync(e => (e.GetDepth(marketId, Side.Buy, levels), e.GetDepth(marketId, Side.Sell, levels)));
        var market = host.Markets[marketId - 1];
        return RebuiltBook.Format(bids.Select(l => KeyValuePair.Create(market.TicksToPrice(l.Price), market.LotsToQuantity(l.Quantity))),
            asks.Select(l => KeyValuePair.Create(market.TicksToPrice(l.Price), market.LotsToQuantity(l.Quantity))));
    }
}

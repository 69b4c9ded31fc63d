using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// A MarketDataRequest (V) as read on its session's thread, checked on the gateway's dispatcher
/// (which owns the subscriptions). Cold path: one per request.
/// </summary>
internal sealed class MarketDataRequest
{
    public required string MdReqId { get; init; }

    /// <summary>SubscriptionRequestType(263): '0' snapshot, '1' snapshot + updates, '2' unsubscribe.</summary>
    public char SubscriptionType { get; init; }

    /// <summary>MarketDepth(264): 0 = the full book, N = the best N levels a side; -1 when it is not a number of levels.</summary>
    public int Depth { get; init; }

    /// <summary>MDUpdateType(265), -1 when absent.</summary>
    public int UpdateType { get; init; } = -1;

    /// <summary>AggregatedBook(266), '\0' when absent.</summary>
    public char AggregatedBook { get; init; }

    /// <summary>MDEntryType(269) of each NoMDEntryTypes entry.</summary>
    public List<char> EntryTypes { get; } = [];

    /// <summary>Symbol(55) of each NoRelatedSym entry, as sent.</summary>
    public List<string> Symbols { get; } = [];

    /// <summary>The market of each symbol (0 = unknown), set by <see cref="Check"/>.</summary>
    public List<int> MarketIds { get; } = [];

    public bool Bids => EntryTypes.Contains('0');
    public bool Offers => EntryTypes.Contains('1');
    public bool Trades => EntryTypes.Contains('2');

    public static MarketDataRequest Read(FixMessage m)
    {
        var request = new MarketDataRequest
        {
            MdReqId = m.GetString(FixTags.MDReqID) ?? "",
            SubscriptionType = m.GetChar(FixTags.SubscriptionRequestType),
            Depth = m.TryGetInt(FixTags.MarketDepth, out int depth) && depth >= 0 ? depth : -1,
            UpdateType = m.TryGetInt(FixTags.MDUpdateType, out int updateType) ? updateType : -1,
            AggregatedBook = m.GetChar(FixTags.AggregatedBook),
        };
        // Symbol and MDEntryType appear in V only inside their groups.
        for (int i = 0; i < m.FieldCount; i++)
        {
            int tag = m.Field(i).Tag;
            var value = m.Value(i);
            if (tag == FixTags.MDEntryType) request.EntryTypes.Add(value.Length == 1 ? (char)value[0] : '?');
            else if (tag == FixTags.Symbol) request.Symbols.Add(System.Text.Encoding.ASCII.GetString(value));
        }
        return request;
    }

    /// <summary>
    /// What is wrong with a subscribe or snapshot request: MDReqRejReason and text, or null when it
    /// can be served (docs/fix.md section 11 lists the reasons in the order they are checked).
    /// Unsubscribes and duplicate MDReqIDs are the caller's (they need the session's subscriptions).
    /// </summary>
    public (char Reason, string Text)? Check(MarketDirectory markets)
    {
        if (SubscriptionType is not ('0' or '1' or '2')) return ('4', "SubscriptionRequestType must be 0 (snapshot), 1 (snapshot + updates) or 2 (unsubscribe)");
        if (Depth < 0) return ('5', "MarketDepth must be 0 (full book) or a number of levels");
        if (SubscriptionType == '1' && UpdateType is not (-1 or 1)) return ('6', "Only incremental updates (MDUpdateType 1) are sent");
        if (AggregatedBook is not ('\0' or 'Y')) return ('7', "Only the aggregated book (AggregatedBook Y) is served");
        if (EntryTypes.Count == 0) return ('8', "No MDEntryType");
        foreach (char type in EntryTypes)
        {
            if (type is not ('0' or '1' or '2')) return ('8', "MDEntryType must be 0 (bid), 1 (offer) or 2 (trade)");
        }
        if (Symbols.Count == 0) return ('0', "No Symbol");
        MarketIds.Clear();
        foreach (string symbol in Symbols)
        {
            int marketId = markets.Find(System.Text.Encoding.ASCII.GetBytes(symbol));
            if (marketId == 0) return ('0', "Unknown symbol " + symbol);
            if (!MarketIds.Contains(marketId)) MarketIds.Add(marketId); // a symbol named twice is served once
        }
        return null;
    }
}

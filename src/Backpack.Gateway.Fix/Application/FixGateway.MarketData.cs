using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Books;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// Market data over FIX (docs/fix.md section 11; the SecurityList is in FixGateway.SecurityList.cs).
/// MarketDataRequests (V) go to the dispatcher thread, which keeps a
/// <see cref="BookReplica"/> per market from the engine's BookDelta events (never reading the
/// engine), so that a snapshot (W) and the incrementals (X) after it come from the same stream of
/// events: a subscription is served between two event batches, and after each batch every
/// subscription whose view changed gets one X. A full-book subscription gets every level that
/// changed (new, change, delete, from the level's quantity before and after the batch); a depth-N
/// subscription gets what changed in the best N levels of each side, a level that leaves them
/// deleted and one that enters them new, so the client holds exactly the best N. Trades are new
/// entries of type 2. RptSeq numbers each subscription's messages per symbol from 1 (the snapshot).
/// </summary>
public sealed partial class FixGateway
{
    // Owned by the dispatcher thread (index = market id).
    private MarketFeed[] _feeds = null!;
    private readonly Dictionary<FixSessionState, Dictionary<string, MdSubscription[]>> _mdRequests = [];
    private readonly List<LevelChange> _levelChanges = [];
    private readonly List<MdEntry> _mdEntries = [];
    private readonly List<(long Price, long Quantity)> _topScratch = [];

    private void CreateMarketFeeds()
    {
        _feeds = new MarketFeed[_markets.Count + 1];
        for (int m = 1; m <= _markets.Count; m++) _feeds[m] = new MarketFeed();
    }

    /// <summary>
    /// Gives the book replica of a market the engine's book as it stands (levels and book sequence
    /// number), for an engine recovered from its journal. Call before <see cref="Start"/>: the replica
    /// then follows the BookDelta events after that sequence (earlier ones, from a catch-up, are ignored).
    /// </summary>
    public void SeedBook(int marketId, IEnumerable<(Side Side, long Price, long Quantity)> levels, long bookSequence)
    {
        if (_dispatcher is not null) throw new InvalidOperationException("seed the books before Start");
        _feeds[marketId].Book.Seed(levels, bookSequence);
    }

    /// <summary>Market data subscriptions open now (one per MDReqID and symbol); read on the dispatcher or for tests and metrics.</summary>
    public int MarketDataSubscriptions { get; private set; }

    // ------------------------------------------------------------------ MarketDataRequest (session thread -> dispatcher)

    private void MarketDataRequest(FixSessionState state, FixMessage m) => PostMarketData(new MarketDataWork(state, Application.MarketDataRequest.Read(m)));

    /// <summary>A session logged out: its subscriptions end (on the dispatcher, after what it asked before).</summary>
    private void EndMarketData(FixSession session)
    {
        if (_bySession.TryGetValue(session, out var state)) PostMarketData(new MarketDataWork(state, null));
    }

    /// <summary>A request or a logout for the dispatcher; the session's next message waits for nothing.</summary>
    private sealed record MarketDataWork(FixSessionState State, MarketDataRequest? Request);

    // ------------------------------------------------------------------ on the dispatcher

    private void ServeMarketData(MarketDataWork work)
    {
        var state = work.State;
        if (work.Request is not { } request)
        {
            if (_mdRequests.Remove(state, out var all))
            {
                foreach (var subscriptions in all.Values) Unsubscribe(subscriptions);
            }
            return;
        }
        lock (Touch(state))
        {
            if (request.Check(_markets) is { } problem)
            {
                RejectMarketData(state, request.MdReqId, problem.Reason, problem.Text);
                return;
            }
            _mdRequests.TryGetValue(state, out var open);
            if (request.SubscriptionType == '2')
            {
                if (open is not null && open.Remove(request.MdReqId, out var subscriptions)) Unsubscribe(subscriptions);
                else RejectMarketData(state, request.MdReqId, '\0', "Unknown MDReqID: no subscription to end");
                return;
            }
            if (request.SubscriptionType == '1' && open is not null && open.ContainsKey(request.MdReqId))
            {
                RejectMarketData(state, request.MdReqId, '1', "Duplicate MDReqID: a subscription with this MDReqID is open");
                return;
            }
            var created = new MdSubscription[request.MarketIds.Count];
            for (int i = 0; i < created.Length; i++)
            {
                int marketId = request.MarketIds[i];
                var subscription = new MdSubscription(state, request.MdReqId, marketId, request.Bids, request.Offers, request.Trades);
                var view = _feeds[marketId].View(request.Depth, request.SubscriptionType == '1');
                SendSnapshot(subscription, view);
                if (request.SubscriptionType != '1') continue;
                view!.Members.Add(subscription);
                subscription.View = view;
                created[i] = subscription;
                MarketDataSubscriptions++;
            }
            if (request.SubscriptionType == '1')
            {
                if (open is null) _mdRequests[state] = open = [];
                open[request.MdReqId] = created;
            }
        }
    }

    private void Unsubscribe(MdSubscription[] subscriptions)
    {
        foreach (var subscription in subscriptions)
        {
            var view = subscription.View!;
            view.Members.Remove(subscription);
            if (view.Members.Count == 0) _feeds[subscription.MarketId].Views.Remove(view);
            MarketDataSubscriptions--;
        }
    }

    private void RejectMarketData(FixSessionState state, string mdReqId, char reason, string text)
    {
        var w = state.Session.Begin("Y"u8);
        w.Field(FixTags.MDReqID, mdReqId);
        if (reason != '\0') w.Field(FixTags.MDReqRejReason, reason);
        w.Field(FixTags.Text, text);
        state.Session.Send(ref w);
    }

    /// <summary>MarketDataSnapshotFullRefresh (W): the view's levels (bids then offers, best first) and the last trade.</summary>
    private void SendSnapshot(MdSubscription subscription, DepthView? view)
    {
        var feed = _feeds[subscription.MarketId];
        int depth = view?.Depth ?? 0;
        List<(long Price, long Quantity)> bids = subscription.Bids ? Levels(feed, view, Side.Buy, depth) : [];
        List<(long Price, long Quantity)> offers = subscription.Offers ? Levels(feed, view, Side.Sell, depth) : [];
        bool trade = subscription.Trades && feed.LastTradeQuantity > 0;
        ref readonly var units = ref _markets.Units(subscription.MarketId);
        var session = subscription.State.Session;
        var w = session.Begin("W"u8);
        w.Field(FixTags.MDReqID, subscription.MdReqId);
        w.Field(FixTags.RptSeq, ++subscription.RptSeq);
        w.Field(FixTags.Symbol, _markets.SymbolOf(subscription.MarketId));
        w.Field(FixTags.NoMDEntries, bids.Count + offers.Count + (trade ? 1 : 0));
        foreach (var (price, quantity) in bids) FullEntry(ref w, '0', price, quantity, units);
        foreach (var (price, quantity) in offers) FullEntry(ref w, '1', price, quantity, units);
        if (trade) FullEntry(ref w, '2', feed.LastTradePrice, feed.LastTradeQuantity, units);
        session.Send(ref w);
    }

    /// <summary>A side's levels as a subscriber of <paramref name="depth"/> sees them (the view's when it keeps them).</summary>
    private static List<(long Price, long Quantity)> Levels(MarketFeed feed, DepthView? view, Side side, int depth)
    {
        if (view is { Depth: > 0 }) return side == Side.Buy ? view.Bids : view.Asks;
        return feed.Book.Top(side, depth == 0 ? int.MaxValue : depth);
    }

    private static void FullEntry(ref FixWriter w, char type, long price, long quantity, in Protocol.Markets.MarketUnits units)
    {
        w.Field(FixTags.MDEntryType, type);
        w.Scaled(FixTags.MDEntryPx, price * units.TickUnits, units.PriceScale);
        w.Scaled(FixTags.MDEntrySize, quantity * units.StepUnits, units.QuantityScale);
    }

    // ------------------------------------------------------------------ from the events (dispatcher)

    private void RouteMarketData(MessageType type, ReadOnlySpan<byte> frame)
    {
        if (type == MessageType.BookDelta)
        {
            if (Read(frame, out BookDelta e) && _markets.Contains(e.MarketId)) _feeds[e.MarketId].Book.Apply(e.Side, e.Price, e.Quantity, e.BookSequence);
        }
        else if (Read(frame, out Trade e) && _markets.Contains(e.MarketId))
        {
            var feed = _feeds[e.MarketId];
            feed.LastTradePrice = e.Price;
            feed.LastTradeQuantity = e.Quantity;
            if (feed.Views.Count != 0) feed.Trades.Add(new MdEntry('0', Side.Buy, e.Price, e.Quantity, e.TradeId));
        }
    }

    /// <summary>After each event batch: one MarketDataIncrementalRefresh (X) per subscription whose view changed or that has trades to report.</summary>
    private void PublishMarketData()
    {
        for (int m = 1; m <= _markets.Count; m++)
        {
            var feed = _feeds[m];
            if (!feed.Book.HasChanges && feed.Trades.Count == 0) continue;
            feed.Book.TakeChanges(_levelChanges);
            foreach (var view in feed.Views)
            {
                ViewEntries(feed, view);
                foreach (var subscription in view.Members) SendIncremental(subscription, feed.Trades);
            }
            feed.Trades.Clear();
        }
    }

    /// <summary>The level entries of one view for this batch, into <see cref="_mdEntries"/>; a depth-N view moves to the best N levels now.</summary>
    private void ViewEntries(MarketFeed feed, DepthView view)
    {
        _mdEntries.Clear();
        if (view.Depth == 0)
        {
            foreach (var c in _levelChanges)
            {
                if (c.Before == c.Quantity) continue; // back where it was, or came and went within the batch
                char action = c.Before == 0 ? '0' : c.Quantity == 0 ? '2' : '1';
                _mdEntries.Add(new MdEntry(action, c.Side, c.Price, c.Quantity, 0));
            }
            return;
        }
        if (_levelChanges.Count == 0) return;
        foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
        {
            var sent = side == Side.Buy ? view.Bids : view.Asks;
            feed.Book.Top(side, view.Depth, _topScratch);
            DiffLevels(side, sent, _topScratch);
            sent.Clear();
            sent.AddRange(_topScratch);
        }
    }

    /// <summary>Entries that turn the levels sent into the levels now (both best first).</summary>
    private void DiffLevels(Side side, List<(long Price, long Quantity)> sent, List<(long Price, long Quantity)> now)
    {
        int i = 0, j = 0;
        while (i < sent.Count || j < now.Count)
        {
            int order = i == sent.Count ? 1 : j == now.Count ? -1 : Better(side, sent[i].Price, now[j].Price);
            if (order < 0)
            {
                _mdEntries.Add(new MdEntry('2', side, sent[i].Price, 0, 0));
                i++;
            }
            else if (order > 0)
            {
                _mdEntries.Add(new MdEntry('0', side, now[j].Price, now[j].Quantity, 0));
                j++;
            }
            else
            {
                if (sent[i].Quantity != now[j].Quantity) _mdEntries.Add(new MdEntry('1', side, now[j].Price, now[j].Quantity, 0));
                i++;
                j++;
            }
        }
    }

    /// <summary>-1 when price a comes first on the side (a better bid is higher, a better offer lower), 1 when b does, 0 when equal.</summary>
    private static int Better(Side side, long a, long b) => a == b ? 0 : (side == Side.Buy ? a > b : a < b) ? -1 : 1;

    private void SendIncremental(MdSubscription subscription, List<MdEntry> trades)
    {
        int count = 0;
        foreach (var e in _mdEntries)
        {
            if (subscription.Wants(e.Side)) count++;
        }
        if (subscription.Trades) count += trades.Count;
        if (count == 0) return;
        ref readonly var units = ref _markets.Units(subscription.MarketId);
        var symbol = _markets.SymbolOf(subscription.MarketId);
        long rptSeq = ++subscription.RptSeq;
        lock (Touch(subscription.State))
        {
            var session = subscription.State.Session;
            var w = session.Begin("X"u8);
            w.Field(FixTags.MDReqID, subscription.MdReqId);
            w.Field(FixTags.NoMDEntries, count);
            foreach (var e in _mdEntries)
            {
                if (!subscription.Wants(e.Side)) continue;
                w.Field(FixTags.MDUpdateAction, e.Action);
                w.Field(FixTags.MDEntryType, e.Side == Side.Buy ? '0' : '1');
                w.Field(FixTags.Symbol, symbol);
                w.Scaled(FixTags.MDEntryPx, e.Price * units.TickUnits, units.PriceScale);
                if (e.Action != '2') w.Scaled(FixTags.MDEntrySize, e.Quantity * units.StepUnits, units.QuantityScale);
                w.Field(FixTags.RptSeq, rptSeq);
            }
            if (subscription.Trades)
            {
                foreach (var e in trades)
                {
                    w.Field(FixTags.MDUpdateAction, '0');
                    w.Field(FixTags.MDEntryType, '2');
                    w.Field(FixTags.MDEntryID, e.TradeId);
                    w.Field(FixTags.Symbol, symbol);
                    w.Scaled(FixTags.MDEntryPx, e.Price * units.TickUnits, units.PriceScale);
                    w.Scaled(FixTags.MDEntrySize, e.Quantity * units.StepUnits, units.QuantityScale);
                    w.Field(FixTags.RptSeq, rptSeq);
                }
            }
            session.Send(ref w);
        }
    }

    // ------------------------------------------------------------------ state

    /// <summary>One entry of an incremental: a level's action, side, price and quantity now, or a trade (with its id).</summary>
    private readonly record struct MdEntry(char Action, Side Side, long Price, long Quantity, long TradeId);

    /// <summary>A market's book replica, its last trade, the trades of the batch under way and the views subscribed to.</summary>
    private sealed class MarketFeed
    {
        public BookReplica Book { get; } = new();
        public List<DepthView> Views { get; } = [];
        public List<MdEntry> Trades { get; } = [];
        public long LastTradePrice { get; set; }
        public long LastTradeQuantity { get; set; }

        /// <summary>The view of <paramref name="depth"/> levels (made when <paramref name="create"/> and missing; null for a snapshot with no view).</summary>
        public DepthView? View(int depth, bool create)
        {
            foreach (var view in Views)
            {
                if (view.Depth == depth) return view;
            }
            if (!create) return null;
            var made = new DepthView(depth);
            if (depth > 0)
            {
                Book.Top(Side.Buy, depth, made.Bids);
                Book.Top(Side.Sell, depth, made.Asks);
            }
            Views.Add(made);
            return made;
        }
    }

    /// <summary>The subscriptions of one market with one MarketDepth; a depth-N view keeps the best N levels it last sent.</summary>
    private sealed class DepthView(int depth)
    {
        public int Depth { get; } = depth;
        public List<(long Price, long Quantity)> Bids { get; } = [];
        public List<(long Price, long Quantity)> Asks { get; } = [];
        public List<MdSubscription> Members { get; } = [];
    }

    /// <summary>One symbol of a session's MarketDataRequest.</summary>
    private sealed class MdSubscription(FixSessionState state, string mdReqId, int marketId, bool bids, bool offers, bool trades)
    {
        public FixSessionState State { get; } = state;
        public string MdReqId { get; } = mdReqId;
        public int MarketId { get; } = marketId;
        public bool Bids { get; } = bids;
        public bool Offers { get; } = offers;
        public bool Trades { get; } = trades;
        public DepthView? View { get; set; }
        public long RptSeq { get; set; }

        public bool Wants(Side side) => side == Side.Buy ? Bids : Offers;
    }
}

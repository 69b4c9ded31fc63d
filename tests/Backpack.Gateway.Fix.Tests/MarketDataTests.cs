using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol.Markets;
using static Backpack.Gateway.Fix.Tests.MarketDataFix;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Market data over FIX (docs/fix.md section 11): snapshots and incrementals from the gateway's
/// book replica, rebuilt by the client and compared with the engine's book after every change;
/// depth N, unsubscribe, trades, and every MarketDataRequestReject reason. B subscribes; A and B trade.
/// </summary>
public class MarketDataTests : TwoTradersTest
{
    /// <summary>Places a limit order and returns its first report, applying market data that arrives meanwhile to <paramref name="book"/>.</summary>
    private static FixMessage Order(FixTestClient client, string clOrdId, char side, string qty, string price, RebuiltBook? book = null, string tif = "1")
    {
        client.Send("D", [.. FixTestClient.LimitOrder(clOrdId, side, qty, price), (FixTags.TimeInForce, tif)]);
        return Report(client, book);
    }

    private static FixMessage Cancel(FixTestClient client, string orig, string clOrdId, char side, RebuiltBook? book = null)
    {
        client.Send("F", (FixTags.OrigClOrdID, orig), (FixTags.ClOrdID, clOrdId), (FixTags.Symbol, Sol), (FixTags.Side, side.ToString()), (FixTags.TransactTime, FixTestClient.Now()));
        return Report(client, book);
    }

    /// <summary>The next ExecutionReport, applying market data messages before it to <paramref name="book"/>.</summary>
    private static FixMessage Report(FixTestClient client, RebuiltBook? book)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var m = client.Receive(deadline - DateTime.UtcNow);
            if (m.IsMsgType("8")) return m;
            if (m.IsMsgType("W") || m.IsMsgType("X")) Assert.True(book?.Apply(m) ?? false, "market data nobody asked for: " + m);
        }
    }

    private RebuiltBook Subscribe(string mdReqId, int depth = 0, string types = "012")
    {
        _b.Send("V", Request(mdReqId, '1', depth, types));
        var book = new RebuiltBook(mdReqId);
        Assert.True(book.Apply(NextMarketData(_b)), "the first answer is the snapshot");
        return book;
    }

    /// <summary>After every incremental so far, the rebuilt book equals the engine's and the gateway's snapshot of the moment.</summary>
    private async Task AssertInStep(RebuiltBook book, int depth = 0)
    {
        var snapshot = Barrier(_b, book, depth);
        string engine = await EngineBook(_host, depth);
        Assert.Equal(engine, book.Text());
        Assert.Equal(engine, snapshot.Text());
    }

    [Fact]
    public async Task A_snapshot_gives_every_level_of_the_engine_book_best_first()
    {
        Order(_a, "a1", '1', "2", "179");
        Order(_a, "a2", '1', "1.5", "178.5");
        Order(_a, "a3", '1', "1", "179");
        Order(_a, "a4", '2', "2", "181");
        Order(_a, "a5", '2', "0.25", "182.01");
        _b.Send("V", Request("snap", '0', 0, "01"));
        var w = NextMarketData(_b);
        Assert.Equal(("W", "SOL_USDC_PERP", "4"), (w.GetString(FixTags.MsgType), w.GetString(FixTags.Symbol), w.GetString(FixTags.NoMDEntries)));
        var book = new RebuiltBook("snap");
        book.Apply(w);
        Assert.Equal("bids 179x3 178.5x1.5 | asks 181x2 182.01x0.25", book.Text());
        Assert.Equal(await EngineBook(_host), book.Text());
    }

    [Fact]
    public async Task Incrementals_rebuild_the_engine_book_through_orders_replaces_cancels_and_trades()
    {
        Order(_a, "a1", '2', "2", "181");
        var book = Subscribe("md");
        Assert.Equal("bids  | asks 181x2", book.Text());

        Order(_a, "a2", '2', "1", "181", book);        // a level grows (change)
        Order(_a, "a3", '1', "3", "179", book);        // a new bid level
        Order(_a, "a4", '2', "0.5", "180.5", book);    // a new best ask
        await AssertInStep(book);

        _a.Send("G", (FixTags.OrigClOrdID, "a3"), (FixTags.ClOrdID, "a3r"), (FixTags.Symbol, Sol), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.OrderQty, "3"), (FixTags.OrdType, "2"), (FixTags.Price, "179.5"));
        Report(_a, null);                                 // the bid moves: one level goes, one comes
        Cancel(_a, "a4", "a4c", '2');                     // the best ask goes
        await AssertInStep(book);

        // B takes 2.5 of the 3 at 181: a trade with each resting order in time priority, and the level shrinks.
        Order(_b, "b1", '1', "2.5", "181", book, tif: "3");
        await AssertInStep(book);
        Assert.Equal([(181m, 2m), (181m, 0.5m)], book.Trades.Select(t => (t.Price, t.Size)));
        Assert.Equal(2, book.Trades.Select(t => t.TradeId).Distinct().Count(id => id.Length > 0));

        // B sweeps the rest of the ask side and its IOC rest expires: the side empties.
        Order(_b, "b2", '1', "5", "181", book, tif: "3");
        await AssertInStep(book);
        Assert.Equal("bids 179.5x3 | asks ", book.Text());
        Assert.True(book.Incrementals >= 6, $"{book.Incrementals} incrementals");
    }

    [Fact]
    public async Task Depth_n_keeps_exactly_the_best_n_levels_of_each_side()
    {
        Order(_a, "a1", '1', "1", "179");
        Order(_a, "a2", '1', "2", "178");
        Order(_a, "a3", '1', "3", "177");
        var book = Subscribe("top2", depth: 2, types: "01");
        Assert.Equal("bids 179x1 178x2 | asks ", book.Text());

        Order(_a, "a4", '1', "4", "179.5", book);   // enters at the top: 178 leaves the view
        await AssertInStep(book, depth: 2);
        Assert.Equal("bids 179.5x4 179x1 | asks ", book.Text());

        Order(_a, "a5", '1', "5", "176", book);     // deep: nothing for this view
        int before = book.Incrementals;
        await AssertInStep(book, depth: 2);
        Assert.Equal(before, book.Incrementals);

        Cancel(_a, "a4", "a4c", '1', book);         // the best goes: 178 comes back into view
        Cancel(_a, "a1", "a1c", '1', book);         // and 177 after it
        await AssertInStep(book, depth: 2);
        Assert.Equal("bids 178x2 177x3 | asks ", book.Text());
    }

    [Fact]
    public async Task Unsubscribing_stops_the_updates()
    {
        var book = Subscribe("md");
        Order(_a, "a1", '1', "1", "179", book);
        await AssertInStep(book);
        Assert.Equal(1, book.Incrementals);

        _b.Send("V", Request("md", '2'));
        // The unsubscribe has no answer, and A's orders travel another session's path: they could
        // reach the dispatcher before it. Wait until it has taken effect (a CI run saw the race).
        Assert.True(SpinWait.SpinUntil(() => _host.Gateway.MarketDataSubscriptions == 0, TimeSpan.FromSeconds(5)));
        Order(_a, "a2", '1', "1", "178");
        Order(_a, "a3", '2', "1", "181");
        Barrier(_b, book);
        Assert.Equal(1, book.Incrementals);
        Assert.Equal("bids 179x1 | asks ", book.Text());
    }

    [Fact]
    public void A_trades_only_subscription_gets_each_trade_and_no_levels()
    {
        Order(_a, "a1", '2', "2", "181");
        _b.Send("V", Request("trades", '1', 0, "2"));
        var w = NextMarketData(_b);
        Assert.Equal(("W", "0"), (w.GetString(FixTags.MsgType), w.GetString(FixTags.NoMDEntries)));
        Order(_b, "b1", '1', "0.5", "181", new RebuiltBook("unused"));
        var x = NextMarketData(_b);
        Assert.Equal(("X", "trades", "1", "0", "2", "181", "0.5", "2"), (x.GetString(FixTags.MsgType), x.GetString(FixTags.MDReqID), x.GetString(FixTags.NoMDEntries),
            x.GetString(FixTags.MDUpdateAction), x.GetString(FixTags.MDEntryType), x.GetString(FixTags.MDEntryPx), x.GetString(FixTags.MDEntrySize), x.GetString(FixTags.RptSeq)));
    }

    private static readonly (string What, string? Reason, (int, string)[] Request)[] RejectCases =
    [
        ("unknown symbol", "0", Request("r", '1', 0, "01", "DOGE_USDC_PERP")),
        ("one of two symbols unknown", "0", Request("r", '1', 0, "01", Sol, "NOPE")),
        ("SubscriptionRequestType 5", "4", Request("r", '5')),
        ("negative MarketDepth", "5", Request("r", '1', -1)),
        ("full refresh updates", "6", [.. Request("r"), (FixTags.MDUpdateType, "0")]),
        ("book not aggregated", "7", [.. Request("r"), (FixTags.AggregatedBook, "N")]),
        ("MDEntryType index value", "8", Request("r", '1', 0, "03")),
        ("unsubscribe of an unknown MDReqID", null, Request("r", '2')),
    ];

    public static TheoryData<string, string?, (int, string)[]> Rejects()
    {
        var data = new TheoryData<string, string?, (int, string)[]>();
        foreach (var (what, reason, request) in RejectCases) data.Add(what, reason, request);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rejects))]
    public void A_request_the_gateway_cannot_serve_gets_a_market_data_request_reject(string what, string? reason, (int, string)[] request)
    {
        _b.Send("V", request);
        var y = NextMarketData(_b);
        Assert.True(y.IsMsgType("Y"), what + ": " + y);
        Assert.Equal(("r", reason), (y.GetString(FixTags.MDReqID), y.GetString(FixTags.MDReqRejReason)));
        Assert.False(string.IsNullOrEmpty(y.GetString(FixTags.Text)));
        Assert.Equal(0, _host.Gateway.MarketDataSubscriptions);
    }

    [Fact]
    public void A_second_subscription_with_an_open_md_req_id_is_rejected_as_duplicate_and_the_first_goes_on()
    {
        var book = Subscribe("dup");
        _b.Send("V", Request("dup", '1', 5));
        var y = NextMarketData(_b);
        Assert.Equal(("Y", "1"), (y.GetString(FixTags.MsgType), y.GetString(FixTags.MDReqRejReason)));
        Order(_a, "a1", '1', "1", "179");
        Barrier(_b, book);
        Assert.Equal(("bids 179x1 | asks ", 1), (book.Text(), book.Incrementals));
    }

    [Fact]
    public async Task Bad_requests_of_one_session_leave_the_others_and_its_own_orders_working()
    {
        var book = Subscribe("md");
        foreach (var (_, _, request) in RejectCases) _a.Send("V", request);
        foreach (var (what, reason, _) in RejectCases)
        {
            var y = NextMarketData(_a);
            Assert.Equal(("Y", reason), (y.GetString(FixTags.MsgType), y.GetString(FixTags.MDReqRejReason)));
        }
        _a.Send("V", (FixTags.SubscriptionRequestType, "1"), (FixTags.MarketDepth, "0")); // no MDReqID, no groups: a session Reject
        Assert.Equal("3", _a.Expect("3").GetString(FixTags.MsgType));
        _a.Send("x", (FixTags.SecurityReqID, "bad"), (FixTags.SecurityListRequestType, "3"));
        Assert.Equal("1", _a.Expect("y").GetString(FixTags.SecurityRequestResult));

        Assert.Equal("0", Order(_a, "a1", '1', "1", "179").GetString(FixTags.ExecType));
        await AssertInStep(book);
        Assert.Equal(("bids 179x1 | asks ", 1), (book.Text(), book.Incrementals));
    }
}

/// <summary>SecurityListRequest (x) and the SecurityList (y) it gets.</summary>
public class SecurityListTests
{
    private static MarketDefinition[] TwoMarkets()
    {
        var sol = FixTestHost.Market();
        sol.Id = 1;
        var btc = FixTestHost.Market();
        btc.Id = 2;
        btc.Symbol = "BTC_USDC_PERP";
        btc.TickSize = 0.1m;
        btc.StepSize = 0.0001m;
        btc.MinQuantity = 0.0002m;
        btc.MaxQuantity = 250m;
        btc.BaseImf = 0.02m;
        btc.BaseMmf = 0.01m;
        btc.ReferencePrice = 90_000m;
        return [sol, btc];
    }

    /// <summary>The NoRelatedSym entries as tag=value lists, each starting at Symbol.</summary>
    private static List<Dictionary<int, string>> Entries(FixMessage m)
    {
        var entries = new List<Dictionary<int, string>>();
        for (int i = 0; i < m.FieldCount; i++)
        {
            int tag = m.Field(i).Tag;
            if (tag == FixTags.Symbol) entries.Add([]);
            if (entries.Count > 0 && tag != FixTags.CheckSum) entries[^1][tag] = System.Text.Encoding.ASCII.GetString(m.Value(i));
        }
        return entries;
    }

    [Fact]
    public async Task Every_market_comes_with_its_tick_step_order_sizes_and_contract_and_one_symbol_or_an_unknown_one_can_be_asked_for()
    {
        await using var host = new FixTestHost(markets: TwoMarkets());
        using var a = host.Client();
        a.Logon();

        a.Send("x", (FixTags.SecurityReqID, "all"), (FixTags.SecurityListRequestType, "4"));
        var list = a.Expect("y");
        Assert.Equal(("all", "0", "2", "Y", "2"), (list.GetString(FixTags.SecurityReqID), list.GetString(FixTags.SecurityRequestResult),
            list.GetString(FixTags.TotNoRelatedSym), list.GetString(FixTags.LastFragment), list.GetString(FixTags.NoRelatedSym)));
        Assert.False(string.IsNullOrEmpty(list.GetString(FixTags.SecurityResponseID)));
        var entries = Entries(list);
        Assert.Equal(2, entries.Count);
        var expected = new[]
        {
            ("SOL_USDC_PERP", "0.01", "0.001", "0.001", "100000", "0.05"),
            ("BTC_USDC_PERP", "0.1", "0.0001", "0.0002", "250", "0.02"),
        };
        for (int i = 0; i < 2; i++)
        {
            var e = entries[i];
            Assert.Equal(expected[i], (e[FixTags.Symbol], e[FixTags.MinPriceIncrement], e[FixTags.RoundLot], e[FixTags.MinTradeVol], e[FixTags.MaxTradeVol], e[FixTags.MarginRatio]));
            Assert.Equal(("FUT", "PERPETUAL", "1", "USDC"), (e[FixTags.SecurityType], e[FixTags.SecuritySubType], e[FixTags.ContractMultiplier], e[FixTags.Currency]));
        }

        a.Send("x", (FixTags.SecurityReqID, "one"), (FixTags.SecurityListRequestType, "0"), (FixTags.Symbol, "BTC_USDC_PERP"));
        var one = a.Expect("y");
        Assert.Equal(("0", "1", "BTC_USDC_PERP"), (one.GetString(FixTags.SecurityRequestResult), one.GetString(FixTags.NoRelatedSym), one.GetString(FixTags.Symbol)));

        a.Send("x", (FixTags.SecurityReqID, "none"), (FixTags.SecurityListRequestType, "0"), (FixTags.Symbol, "DOGE_USDC_PERP"));
        var none = a.Expect("y");
        Assert.Equal(("none", "2", null), (none.GetString(FixTags.SecurityReqID), none.GetString(FixTags.SecurityRequestResult), none.GetString(FixTags.NoRelatedSym)));

        a.Send("x", (FixTags.SecurityReqID, "product"), (FixTags.SecurityListRequestType, "2"));
        Assert.Equal("1", a.Expect("y").GetString(FixTags.SecurityRequestResult));
    }
}

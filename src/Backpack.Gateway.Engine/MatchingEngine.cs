using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Liquidation;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Matching;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine;

/// <summary>
/// The single-threaded, deterministic engine: it consumes encoded commands in sequence order and
/// appends the events each produces to an output buffer. It reads no clock and does no I/O: time is
/// the command header's time (never allowed to run backwards), so the same command sequence always
/// yields the same events and the same <see cref="ComputeStateHash"/>. Every command gets at least
/// one reply event; a rejected command changes nothing.
/// </summary>
public sealed class MatchingEngine
{
    private readonly EngineOptions _options;
    private readonly Market[] _markets;
    private readonly EventEmitter _events = new();
    private readonly OrderStore _orders;
    private readonly AccountStore _accounts;
    private readonly OpenOrders _open;
    private readonly Clearing _clearing;
    private readonly AccountMargin _risk;
    private readonly Matcher _matcher;
    private readonly OrderEntry _entry;
    private readonly MarginMonitor _monitor;
    private readonly LiquidationEngine _liquidation;

    public MatchingEngine(IEnumerable<MarketDefinition> markets, EngineOptions? options = null)
    {
        _options = options ?? new EngineOptions();
        _options.Validate();
        var definitions = markets.ToList();
        if (definitions.Count == 0) throw new ArgumentException("at least one market is required", nameof(markets));
        _orders = new OrderStore(_options.InitialOrderCapacity);
        _markets = new Market[definitions.Count];
        for (int i = 0; i < definitions.Count; i++)
        {
            var d = definitions[i];
            if (d.Id != 0 && d.Id != i + 1) throw new ArgumentException($"market {d.Symbol}: Id must be {i + 1} (ids follow the list order)");
            d.Id = i + 1;
            _markets[i] = new Market(i, MarketRules.From(d), new OrderBook(i + 1, _orders, _events, _options.InitialLevelCapacity));
        }
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            if (!symbols.Add(d.Symbol)) throw new ArgumentException($"market symbol {d.Symbol} appears twice");
        }
        _accounts = new AccountStore(_markets.Length, _options.InitialAccountCapacity);
        _open = new OpenOrders(_orders, _accounts, _markets, _events);
        _clearing = new Clearing(_accounts, _markets, _events);
        _risk = new AccountMargin(_accounts, _markets);
        _matcher = new Matcher(_orders, _accounts, _markets, _open, _clearing, _events);
        _entry = new OrderEntry(_orders, _accounts, _markets, _open, _matcher, _risk, _events, _options);
        var fund = new InsuranceFund(_accounts, _events, _options.Liquidation.InsuranceFundAccountId);
        var adl = new AdlRanking(_accounts, _markets, _risk) { ExemptAccount = fund.Account };
        var limits = new LiquidationLimits(_options.Liquidation);
        _monitor = new MarginMonitor(_accounts, _markets, _risk, _events, limits) { ExemptAccount = fund.Account };
        _liquidation = new LiquidationEngine(_accounts, _markets, _risk, _events, limits, _entry, _clearing, _matcher,
            _monitor, fund, new BackstopProviders(), adl);
        _monitor.Liquidations = _liquidation;
        _matcher.ForcedFills = _liquidation;
        _clearing.UseAdlRanking(adl);
        Markets = _markets.Select(m => m.Rules).ToArray();
    }

    /// <summary>Sequence number of the last command processed (0 before the first).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Engine time in microseconds since the Unix epoch (the latest command time seen).</summary>
    public long Time { get; private set; }

    public IReadOnlyList<MarketRules> Markets { get; }

    /// <summary>Fees the venue collected, micro-USDC.</summary>
    public long FeeIncome => _clearing.FeeIncome;

    public long TotalDeposits { get; private set; }
    public long TotalWithdrawals { get; private set; }

    /// <summary>
    /// Processes one encoded command (its sequence must be <see cref="LastSequence"/> + 1) and
    /// appends its events to <paramref name="output"/>. A frame whose header cannot be read, or that
    /// is out of sequence, is answered with CommandRejected and does not advance the sequence; a
    /// command with a good header but a body that does not decode takes its sequence number and is
    /// answered with CommandRejected (MalformedCommand).
    /// </summary>
    public void Process(ReadOnlySpan<byte> command, FrameBuffer output)
    {
        if (!CommandStamp.TryRead(command, out MessageType type, out long sequence, out long time) || !MessageTypes.IsDefined((long)type))
        {
            _events.Begin(output, LastSequence, Time);
            _events.Reject(0, type, 0, RejectReason.MalformedCommand);
            return;
        }
        if (sequence != LastSequence + 1)
        {
            _events.Begin(output, LastSequence, Time);
            _events.Reject(0, type, 0, RejectReason.OutOfSequence);
            return;
        }
        LastSequence = sequence;
        if (time > Time) Time = time;
        _events.Begin(output, sequence, Time);

        switch (type)
        {
            case MessageType.NewOrder:
                if (TryDecode(command, out NewOrder newOrder)) _entry.Place(newOrder);
                break;
            case MessageType.CancelOrder:
                if (TryDecode(command, out CancelOrder cancel)) _entry.Cancel(cancel);
                break;
            case MessageType.ReplaceOrder:
                if (TryDecode(command, out ReplaceOrder replace)) _entry.Replace(replace);
                break;
            case MessageType.CancelAll:
                if (TryDecode(command, out CancelAll cancelAll)) _entry.CancelAll(cancelAll);
                break;
            case MessageType.Deposit:
                if (TryDecode(command, out Deposit deposit)) OnDeposit(deposit);
                break;
            case MessageType.Withdraw:
                if (TryDecode(command, out Withdraw withdraw)) OnWithdraw(withdraw);
                break;
            case MessageType.SetIndexPrice:
                if (TryDecode(command, out SetIndexPrice index)) OnSetIndexPrice(index);
                break;
            case MessageType.Tick:
                if (TryDecode(command, out Tick tick)) OnTick(tick);
                break;
            case MessageType.QueryAccount:
                if (TryDecode(command, out QueryAccount query)) OnQueryAccount(query);
                break;
            case MessageType.RegisterBackstopProvider:
                if (TryDecode(command, out RegisterBackstopProvider provider)) OnRegisterBackstopProvider(provider);
                break;
            default:
                _events.Reject(0, type, 0, RejectReason.UnsupportedCommand);
                break;
        }
        EndCommand();
    }

    /// <summary>
    /// After every command: trim reduce-only orders of changed positions; re-derive marks of books
    /// that moved; evaluate the accounts the command touched and those whose triggers a mark move
    /// crossed (which may start liquidations, whose cancels may move a mark again, so this repeats
    /// a few times); then publish one PositionChanged per changed position.
    /// </summary>
    private void EndCommand()
    {
        for (int i = 0; i < _clearing.ChangedCount; i++)
        {
            var (account, market) = _clearing.Changed(i);
            _open.TrimReduceOnly(account, market);
            _monitor.Queue(account);
        }
        for (int round = 0; round < 4; round++)
        {
            for (int m = 0; m < _markets.Length; m++)
            {
                Market market = _markets[m];
                if (!market.Book.Changed) continue;
                market.Book.Changed = false;
                if (market.UpdateMark())
                {
                    _events.Emit(new MarkPrice(_events.Header, m + 1, market.MarkPrice, market.IndexPrice));
                    _monitor.OnMarkChanged(m);
                }
            }
            if (!_monitor.HasQueued) break;
            _monitor.Run();
        }
        _clearing.PublishChanges();
    }

    private bool TryDecode<T>(ReadOnlySpan<byte> frame, out T command) where T : struct, IProtocolMessage<T>
    {
        if (ProtocolCodec.TryDecode(frame, out command, out _)) return true;
        _events.Reject(0, T.Type, 0, RejectReason.MalformedCommand);
        return false;
    }

    private void OnDeposit(in Deposit cmd)
    {
        if (cmd.AccountId <= 0 || cmd.AccountId > AccountStore.MaxAccountId)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.Deposit, cmd.AccountId, RejectReason.UnknownAccount);
            return;
        }
        if (cmd.Amount <= 0)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.Deposit, cmd.AccountId, RejectReason.InvalidAmount);
            return;
        }
        int account = _accounts.GetOrOpen(cmd.AccountId);
        ref Account a = ref _accounts[account];
        a.Collateral += cmd.Amount;
        TotalDeposits += cmd.Amount;
        _events.Emit(new BalanceChanged(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.Amount, a.Collateral, BalanceChangeReason.Deposit));
        if (account == _liquidation.Fund.Account) _liquidation.Fund.Record(cmd.Amount, InsuranceFundReason.Injection, 0);
        _monitor.Queue(account);
    }

    private void OnWithdraw(in Withdraw cmd)
    {
        RejectReason reason = RejectReason.None;
        if (!_accounts.TryGetIndex(cmd.AccountId, out int account)) reason = RejectReason.UnknownAccount;
        else if (cmd.Amount <= 0) reason = RejectReason.InvalidAmount;
        else if (_accounts[account].Collateral < 0) reason = RejectReason.UnsettledEquity;
        else if (_accounts[account].Liquidating) reason = RejectReason.AccountLiquidating;
        else if (cmd.Amount > _risk.Withdrawable(account)) reason = RejectReason.InsufficientFunds;
        if (reason != RejectReason.None)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.Withdraw, cmd.AccountId, reason);
            return;
        }
        ref Account a = ref _accounts[account];
        a.Collateral -= cmd.Amount;
        TotalWithdrawals += cmd.Amount;
        _events.Emit(new BalanceChanged(_events.Header, cmd.Header.RequestId, cmd.AccountId, -cmd.Amount, a.Collateral, BalanceChangeReason.Withdrawal));
        if (account == _liquidation.Fund.Account) _liquidation.Fund.Record(-cmd.Amount, InsuranceFundReason.Injection, 0);
        _monitor.Queue(account);
    }

    private void OnSetIndexPrice(in SetIndexPrice cmd)
    {
        if ((uint)(cmd.MarketId - 1) >= (uint)_markets.Length)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.SetIndexPrice, 0, RejectReason.UnknownMarket);
            return;
        }
        if (cmd.Price <= 0)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.SetIndexPrice, 0, RejectReason.InvalidPrice);
            return;
        }
        Market market = _markets[cmd.MarketId - 1];
        market.SetIndex(cmd.Price, Time);
        bool moved = market.UpdateMark();
        market.Book.Changed = false;
        _events.Emit(new MarkPrice(_events.Header, cmd.MarketId, market.MarkPrice, market.IndexPrice));
        _events.Emit(new CommandAccepted(_events.Header, cmd.Header.RequestId, MessageType.SetIndexPrice, 0, 0));
        if (moved) _monitor.OnMarkChanged(cmd.MarketId - 1);
    }

    private void OnTick(in Tick cmd)
    {
        _events.Emit(new CommandAccepted(_events.Header, cmd.Header.RequestId, MessageType.Tick, 0, 0));
        _liquidation.OnTick();
    }

    private void OnRegisterBackstopProvider(in RegisterBackstopProvider cmd)
    {
        RejectReason reason = RejectReason.None;
        if (!_accounts.TryGetIndex(cmd.AccountId, out int account)) reason = RejectReason.UnknownAccount;
        else if (account == _liquidation.Fund.Account || cmd.NotionalPerMinute < 0 || cmd.NotionalPerHour < 0) reason = RejectReason.InvalidAmount;
        if (reason != RejectReason.None)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.RegisterBackstopProvider, cmd.AccountId, reason);
            return;
        }
        _liquidation.Providers.Register(cmd.AccountId, cmd.NotionalPerMinute, cmd.NotionalPerHour);
        _events.Emit(new CommandAccepted(_events.Header, cmd.Header.RequestId, MessageType.RegisterBackstopProvider, cmd.AccountId, 0));
    }

    /// <summary>Answers with one OrderSnapshot per open order, one PositionSnapshot per position, then an AccountSnapshot.</summary>
    private void OnQueryAccount(in QueryAccount cmd)
    {
        if (!_accounts.TryGetIndex(cmd.AccountId, out int account))
        {
            _events.Reject(cmd.Header.RequestId, MessageType.QueryAccount, cmd.AccountId, RejectReason.UnknownAccount);
            return;
        }
        if (cmd.MarketId != 0 && (uint)(cmd.MarketId - 1) >= (uint)_markets.Length)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.QueryAccount, cmd.AccountId, RejectReason.UnknownMarket);
            return;
        }
        var h = _events.Header;
        long requestId = cmd.Header.RequestId;
        int orders = 0;
        for (int slot = _accounts[account].OrderTail; slot != OrderStore.None; slot = _orders[slot].AccountPrev)
        {
            ref Order o = ref _orders[slot];
            if (cmd.MarketId != 0 && o.Market != cmd.MarketId - 1) continue;
            _events.Emit(new OrderSnapshot(h, requestId, cmd.AccountId, o.Market + 1, o.OrderId, o.ClientOrderId, o.Side, o.Type,
                o.TimeInForce, o.Price, o.Quantity, o.Remaining, o.Filled, o.FilledQuote, o.Flags, o.Origin));
            orders++;
        }
        int positions = 0;
        for (int m = 0; m < _markets.Length; m++)
        {
            ref Position p = ref _accounts.PositionOf(account, m);
            if ((cmd.MarketId != 0 && m != cmd.MarketId - 1) || (p.Quantity == 0 && p.RealizedPnl == 0)) continue;
            _events.Emit(new PositionSnapshot(h, requestId, cmd.AccountId, m + 1, p.Quantity, Math.Abs(p.Cost), p.RealizedPnl,
                _markets[m].MarkPrice, _liquidation.Adl.Quintile(account, m)));
            positions++;
        }
        var (equity, im) = _risk.EquityAndInitialMargin(account);
        ref Account a = ref _accounts[account];
        _events.Emit(new AccountSnapshot(h, requestId, cmd.AccountId, a.Collateral, equity, im, _risk.MaintenanceMargin(account),
            a.Liquidating, orders, positions));
    }


    // ---- Read-only inspection (cold path: allocates) ----

    /// <summary>A copy of an account's state, or null if it has never deposited.</summary>
    public AccountView? GetAccount(int accountId)
    {
        if (!_accounts.TryGetIndex(accountId, out int index)) return null;
        ref Account a = ref _accounts[index];
        var positions = new PositionView[_markets.Length];
        for (int m = 0; m < _markets.Length; m++)
        {
            ref Position p = ref _accounts.PositionOf(index, m);
            positions[m] = new PositionView(m + 1, p.Quantity, p.Cost, p.RealizedPnl, p.OpenBuyQuantity, p.OpenSellQuantity);
        }
        return new AccountView(a.AccountId, a.Collateral, a.FeesPaid, _risk.Equity(index), _risk.InitialMargin(index),
            _risk.MaintenanceMargin(index), a.Liquidating, a.OpenOrders, positions);
    }

    /// <summary>Every account id, in the order the accounts opened.</summary>
    public IReadOnlyList<int> AccountIds()
    {
        var ids = new int[_accounts.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = _accounts[i].AccountId;
        return ids;
    }

    /// <summary>
    /// An account's open orders as the protocol's OrderSnapshot events describe them (oldest first,
    /// request id 0), for a front end that rebuilds its view after a recovery. Cold path.
    /// </summary>
    public IReadOnlyList<OrderSnapshot> SnapshotOrders(int accountId)
    {
        var list = new List<OrderSnapshot>();
        if (!_accounts.TryGetIndex(accountId, out int account)) return list;
        var h = new EventHeader(LastSequence, Time);
        for (int slot = _accounts[account].OrderTail; slot != OrderStore.None; slot = _orders[slot].AccountPrev)
        {
            ref Order o = ref _orders[slot];
            list.Add(new OrderSnapshot(h, 0, accountId, o.Market + 1, o.OrderId, o.ClientOrderId, o.Side, o.Type,
                o.TimeInForce, o.Price, o.Quantity, o.Remaining, o.Filled, o.FilledQuote, o.Flags, o.Origin));
        }
        return list;
    }

    /// <summary>Resting orders of one side of a book, best price first, in time priority within a level.</summary>
    public IReadOnlyList<OrderView> GetOrders(int marketId, Side side)
    {
        var list = new List<OrderView>();
        BookSide bookSide = _markets[marketId - 1].Book.SideOf(side);
        for (int depth = 0; depth < bookSide.LevelCount; depth++)
        {
            ref PriceLevel level = ref bookSide.Level(bookSide.LevelAtDepth(depth));
            for (int slot = level.Head; slot != OrderStore.None; slot = _orders[slot].Next)
            {
                list.Add(ToView(slot));
            }
        }
        return list;
    }

    /// <summary>An account's resting orders, newest first.</summary>
    public IReadOnlyList<OrderView> GetOpenOrders(int accountId)
    {
        var list = new List<OrderView>();
        if (!_accounts.TryGetIndex(accountId, out int index)) return list;
        for (int slot = _accounts[index].OrderHead; slot != OrderStore.None; slot = _orders[slot].AccountNext)
        {
            list.Add(ToView(slot));
        }
        return list;
    }

    /// <summary>Aggregated levels of one side of a book, best first.</summary>
    public IReadOnlyList<BookLevelView> GetDepth(int marketId, Side side, int maxLevels = int.MaxValue)
    {
        BookSide bookSide = _markets[marketId - 1].Book.SideOf(side);
        var list = new List<BookLevelView>();
        for (int depth = 0; depth < bookSide.LevelCount && depth < maxLevels; depth++)
        {
            ref PriceLevel level = ref bookSide.Level(bookSide.LevelAtDepth(depth));
            list.Add(new BookLevelView(level.Price, level.Quantity, level.OrderCount));
        }
        return list;
    }

    /// <summary>The book's sequence number: how many level changes (BookDelta events) it has had.</summary>
    public long GetBookSequence(int marketId) => _markets[marketId - 1].Book.Sequence;

    public long GetMarkPrice(int marketId) => _markets[marketId - 1].MarkPrice;

    public long GetIndexPrice(int marketId) => _markets[marketId - 1].IndexPrice;

    /// <summary>Totals of the liquidation pipeline.</summary>
    public LiquidationStatistics Liquidations => _liquidation.Statistics;

    public int InsuranceFundAccountId => _liquidation.Fund.AccountId;

    public long InsuranceFundBalance => _liquidation.Fund.Balance;

    /// <summary>Sum of the fund's ledger entries with <paramref name="reason"/>.</summary>
    public long InsuranceFundTotal(InsuranceFundReason reason) => _liquidation.Fund.Total(reason);

    /// <summary>Account ids being liquidated now.</summary>
    public IReadOnlyList<int> LiquidatingAccounts() => _liquidation.ActiveAccounts.Select(i => _accounts[i].AccountId).ToList();

    /// <summary>Margin monitor counters: exact evaluations, triggers fired, triggers armed.</summary>
    public (long Evaluations, long TriggersFired, int Armed) MonitorCounters => (_monitor.Evaluations, _monitor.TriggersFired, _monitor.ArmedTriggers);

    /// <summary>Recomputes the ADL quintile thresholds now (normally every few ticks).</summary>
    public void RefreshAdlRanking() => _liquidation.Adl.Refresh();

    /// <summary>ADL quintile 1..5 (5 = deleveraged first) of an account's position; 0 without one.</summary>
    public int AdlQuintile(int accountId, int marketId) =>
        _accounts.TryGetIndex(accountId, out int index) ? _liquidation.Adl.Quintile(index, marketId - 1) : 0;

    /// <summary>
    /// The venue in figures (see <see cref="VenueSummary"/>), including the money checks: cash
    /// conservation and equal long and short open interest. Walks every account: cold path.
    /// </summary>
    public VenueSummary Summarize()
    {
        var longOi = new long[_markets.Length];
        var shortOi = new long[_markets.Length];
        long collateral = 0, cost = 0, negativeEquity = 0;
        int traders = 0, withPositions = 0, negativeAccounts = 0, openOrders = 0;
        for (int i = 0; i < _accounts.Count; i++)
        {
            ref Account a = ref _accounts[i];
            collateral += a.Collateral;
            openOrders += a.OpenOrders;
            bool any = false;
            for (int m = 0; m < _markets.Length; m++)
            {
                ref Position p = ref _accounts.PositionOf(i, m);
                cost += p.Cost;
                if (p.Quantity > 0) longOi[m] += p.Quantity;
                else shortOi[m] -= p.Quantity;
                any |= p.Quantity != 0;
            }
            if (any) withPositions++;
            if (a.AccountId == _liquidation.Fund.AccountId) continue;
            traders++;
            long equity = _risk.Equity(i);
            if (equity < 0)
            {
                negativeAccounts++;
                negativeEquity += equity;
            }
        }
        var markets = new MarketSummary[_markets.Length];
        for (int m = 0; m < _markets.Length; m++)
        {
            var market = _markets[m];
            var bids = market.Book.SideOf(Side.Buy);
            var asks = market.Book.SideOf(Side.Sell);
            markets[m] = new MarketSummary(m + 1, market.Rules.Symbol, market.IndexPrice, market.MarkPrice, longOi[m], shortOi[m],
                BestPrice(bids), BestPrice(asks), bids.LevelCount, asks.LevelCount);
        }
        return new VenueSummary(LastSequence, Time, traders, withPositions, openOrders, markets, InsuranceFundBalance, FeeIncome,
            TotalDeposits, TotalWithdrawals, collateral, negativeAccounts, negativeEquity, _liquidation.ActiveAccounts.Count(), Liquidations.Copy())
        {
            CashDiscrepancy = TotalDeposits - TotalWithdrawals - (collateral - cost + FeeIncome),
        };
    }

    private static long BestPrice(BookSide side) => side.LevelCount == 0 ? 0 : side.Level(side.BestLevel).Price;

    // ---- Snapshot (engine thread, between commands; see State/EngineSnapshot) ----

    private const int SnapshotMarker = 0x534E4150; // "SNAP"

    internal void SaveState(SnapshotWriter w)
    {
        w.Int(SnapshotMarker);
        w.Long(LastSequence);
        w.Long(Time);
        w.Long(TotalDeposits);
        w.Long(TotalWithdrawals);
        w.Long(_clearing.FeeIncome);
        w.Long(_matcher.LastTradeId);
        _accounts.Save(w);
        _orders.Save(w);
        w.Int(_markets.Length);
        foreach (var market in _markets)
        {
            market.Save(w);
            market.Book.Save(w);
        }
        _monitor.Save(w);
        _liquidation.Save(w);
        w.Int(SnapshotMarker);
    }

    /// <summary>Takes the state of a snapshot (into an engine made with the same markets and options, before its first command).</summary>
    internal void LoadState(ref SnapshotReader r)
    {
        if (LastSequence != 0) throw new InvalidOperationException("load a snapshot into a new engine");
        r.Expect(SnapshotMarker);
        LastSequence = r.Long();
        Time = r.Long();
        TotalDeposits = r.Long();
        TotalWithdrawals = r.Long();
        _clearing.FeeIncome = r.Long();
        _matcher.LastTradeId = r.Long();
        _accounts.Load(ref r);
        _orders.Load(ref r);
        if (r.Int() != _markets.Length) throw new InvalidDataException("snapshot of another number of markets");
        foreach (var market in _markets)
        {
            market.Load(ref r);
            market.Book.Load(ref r);
        }
        _monitor.Load(ref r);
        _liquidation.Load(ref r);
        r.Expect(SnapshotMarker);
        if (!r.End) throw new InvalidDataException("snapshot has bytes after the engine state");
    }

    private OrderView ToView(int slot)
    {
        ref Order o = ref _orders[slot];
        return new OrderView(o.OrderId, o.ClientOrderId, _accounts[o.Account].AccountId, o.Market + 1, o.Side, o.Price,
            o.Quantity, o.Remaining, o.Filled, o.Flags, o.Origin);
    }

    /// <summary>
    /// Fingerprint of the trading state: id counters, every account's cash and positions, marks, and
    /// every resting order in book priority. Two engines fed the same commands have the same hash.
    /// The sequence number is not part of it (a snapshot records it beside the hash), so a command
    /// that was rejected leaves the hash as it was.
    /// </summary>
    public ulong ComputeStateHash()
    {
        var h = new StateHasher();
        h.Add(_orders.AcceptedCount);
        h.Add(_matcher.LastTradeId);
        h.Add(FeeIncome);
        h.Add(_liquidation.LastLiquidationId);
        h.Add(_accounts.Count);
        for (int i = 0; i < _accounts.Count; i++)
        {
            ref Account a = ref _accounts[i];
            h.Add(a.AccountId);
            h.Add(a.Collateral);
            h.Add(a.FeesPaid);
            h.Add(a.Liquidating);
            h.Add(a.LiquidationId);
            h.Add(a.MarginCalled);
            h.Add(a.OpenOrders);
            foreach (ref Position p in _accounts.PositionsOf(i))
            {
                h.Add(p.Quantity);
                h.Add(p.Cost);
                h.Add(p.RealizedPnl);
            }
        }
        foreach (Market market in _markets)
        {
            h.Add(market.IndexPrice);
            h.Add(market.MarkPrice);
            h.Add(market.Book.Sequence);
            foreach (BookSide side in new[] { market.Book.Bids, market.Book.Asks })
            {
                h.Add(side.LevelCount);
                for (int depth = 0; depth < side.LevelCount; depth++)
                {
                    ref PriceLevel level = ref side.Level(side.LevelAtDepth(depth));
                    for (int slot = level.Head; slot != OrderStore.None; slot = _orders[slot].Next)
                    {
                        ref Order o = ref _orders[slot];
                        h.Add(o.OrderId);
                        h.Add(o.ClientOrderId);
                        h.Add(_accounts[o.Account].AccountId);
                        h.Add(o.Price);
                        h.Add(o.Quantity);
                        h.Add(o.Remaining);
                        h.Add(o.FilledQuote);
                        h.Add((long)o.Flags);
                        h.Add((long)o.Stp);
                    }
                }
            }
        }
        return h.Finish();
    }
}

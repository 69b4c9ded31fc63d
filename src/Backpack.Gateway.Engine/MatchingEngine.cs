using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Conditional;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Funding;
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
public sealed partial class MatchingEngine
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
    private readonly ConditionalOrders _conditional;
    private readonly FundingEngine _funding;

    /// <summary>Rounds of marks, triggers and margin checks after a command; past the fourth only while conditional orders keep firing.</summary>
    private const int MaxRounds = 16;

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
        var adl = new AdlRanking(_accounts, _markets, _risk, _events) { ExemptAccount = fund.Account };
        var limits = new LiquidationLimits(_options.Liquidation);
        _monitor = new MarginMonitor(_accounts, _markets, _risk, _events, limits) { ExemptAccount = fund.Account };
        _liquidation = new LiquidationEngine(_accounts, _markets, _risk, _events, limits, _entry, _clearing, _matcher,
            _monitor, fund, new BackstopProviders(), adl);
        _monitor.Liquidations = _liquidation;
        _matcher.ForcedFills = _liquidation;
        _clearing.UseAdlRanking(adl);
        var exits = new ExitPlans();
        _conditional = new ConditionalOrders(_orders, _accounts, _markets, _open, _entry, _events, _options, exits);
        _open.Exits = exits;
        _open.Conditional = _conditional;
        _matcher.Exits = exits;
        _funding = new FundingEngine(_accounts, _markets, _events, _monitor, fund, _options.FundingSampleSeconds * 1_000_000L);
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
        _orders.Now = Time;
        _events.Begin(output, sequence, Time);
        _funding.Advance(Time); // premium samples and funding payments the clock has reached come first

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
            case MessageType.NewTriggerOrder:
                if (TryDecode(command, out NewTriggerOrder conditional)) _conditional.Place(conditional);
                break;
            default:
                _events.Reject(0, type, 0, RejectReason.UnsupportedCommand);
                break;
        }
        EndCommand();
    }

    /// <summary>
    /// After every command: trim reduce-only orders of changed positions; then in rounds: arm the
    /// stop-loss / take-profit legs of orders that filled, re-derive marks of books that moved, fire
    /// the conditional orders the prices crossed, and evaluate the accounts the command touched and
    /// those whose margin triggers a mark move crossed (which may start liquidations, whose cancels
    /// and fills may move a mark again). Up to four rounds, more while conditional orders keep
    /// firing; then one PositionChanged per changed position.
    /// </summary>
    private void EndCommand()
    {
        int changed = 0;
        for (int round = 0; round < MaxRounds; round++)
        {
            // Positions changed by the command, or by the orders fired in the round before.
            for (; changed < _clearing.ChangedCount; changed++)
            {
                var (account, market) = _clearing.Changed(changed);
                _open.TrimReduceOnly(account, market);
                _conditional.OnPositionChanged(account, market);
                _monitor.Queue(account);
            }
            _conditional.ArmLegs();
            for (int m = 0; m < _markets.Length; m++)
            {
                Market market = _markets[m];
                if (!market.Book.Changed) continue;
                market.Book.Changed = false;
                if (market.UpdateMark())
                {
                    _events.Emit(new MarkPrice(_events.Header, m + 1, market.MarkPrice, market.IndexPrice));
                    _monitor.OnMarkChanged(m);
                    _liquidation.OnMarkMoved(m);
                }
            }
            bool fired = _conditional.FireCrossed();
            if (fired) continue; // their fills: reduce-only trims and margin checks first, in the next round
            bool worked = _monitor.HasQueued || _liquidation.HasPendingSteps;
            if (_monitor.HasQueued) _monitor.Run();
            // Liquidations started in this command, and those whose mark moved, take a step; their
            // fills get their trims and margin checks in the next round.
            if (_liquidation.HasPendingSteps) _liquidation.StepPending();
            if (!worked || round >= 3) break;
        }
        // Past the last round (a long cascade of fired orders): what changed still gets its trims and margin checks.
        for (; changed < _clearing.ChangedCount; changed++)
        {
            var (account, market) = _clearing.Changed(changed);
            _open.TrimReduceOnly(account, market);
            _conditional.OnPositionChanged(account, market);
            _monitor.Queue(account);
        }
        if (_monitor.HasQueued) _monitor.Run();
        _liquidation.EndCommand(); // what started or moved after the last round steps on the next move or tick
        _conditional.ArmLegs();
        _clearing.PublishChanges();
    }

    /// <summary>An account's resting orders, oldest first, then its pending conditional orders, oldest first.</summary>
    private List<int> OpenOrderSlots(int account)
    {
        var slots = new List<int>(_accounts[account].OpenOrders + _accounts[account].PendingTriggers);
        for (int slot = _accounts[account].OrderTail; slot != OrderStore.None; slot = _orders[slot].AccountPrev) slots.Add(slot);
        int pending = slots.Count;
        for (int slot = _accounts[account].TriggerHead; slot != OrderStore.None; slot = _orders[slot].AccountNext) slots.Add(slot);
        slots.Reverse(pending, slots.Count - pending);
        return slots;
    }

    private static OrderSnapshot Snapshot(EventHeader h, long requestId, int accountId, in Order o) =>
        new(h, requestId, accountId, o.Market + 1, o.OrderId, o.ClientOrderId, o.Side, o.Type, o.TimeInForce, o.Price, o.Quantity,
            o.Remaining, o.Filled, o.FilledQuote, o.Flags, o.Origin, o.TriggerPrice, o.TriggerBy, o.TriggerKind, o.ParentOrderId, o.Pending, o.Stp, o.CreatedAt);

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
        long owed = Math.Max(0, -a.Collateral);
        a.Collateral += cmd.Amount;
        TotalDeposits += cmd.Amount;
        _events.Emit(new BalanceChanged(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.Amount, a.Collateral, BalanceChangeReason.Deposit));
        if (owed > 0)
        {
            // Never silently: the account is told how much of the deposit paid off its unsettled equity, and for which liquidation.
            long remaining = Math.Max(0, -a.Collateral);
            long liquidationId = a.Liquidating ? a.LiquidationId : a.UnsettledLiquidationId;
            _events.Emit(new UnsettledEquityCovered(_events.Header, cmd.AccountId, liquidationId, owed - remaining, remaining));
            if (remaining == 0) a.UnsettledLiquidationId = 0;
        }
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
        bool opening = !market.IsReady;
        market.SetIndex(cmd.Price, Time);
        bool moved = market.UpdateMark();
        if (opening) _funding.Open(cmd.MarketId - 1, Time);
        market.Book.Changed = false;
        _events.Emit(new MarkPrice(_events.Header, cmd.MarketId, market.MarkPrice, market.IndexPrice));
        _events.Emit(new CommandAccepted(_events.Header, cmd.Header.RequestId, MessageType.SetIndexPrice, 0, 0));
        if (moved)
        {
            _monitor.OnMarkChanged(cmd.MarketId - 1);
            _liquidation.OnMarkMoved(cmd.MarketId - 1);
        }
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
        foreach (int slot in OpenOrderSlots(account))
        {
            ref Order o = ref _orders[slot];
            if (cmd.MarketId != 0 && o.Market != cmd.MarketId - 1) continue;
            _events.Emit(Snapshot(h, requestId, cmd.AccountId, o));
            orders++;
        }
        int positions = 0;
        for (int m = 0; m < _markets.Length; m++)
        {
            ref Position p = ref _accounts.PositionOf(account, m);
            if ((cmd.MarketId != 0 && m != cmd.MarketId - 1) || (p.Quantity == 0 && p.RealizedPnl == 0)) continue;
            AdlPlace place = _liquidation.Adl.Board.PlaceOf(account, m);
            _events.Emit(new PositionSnapshot(h, requestId, cmd.AccountId, m + 1, p.Quantity, Math.Abs(p.Cost), p.RealizedPnl,
                _markets[m].MarkPrice, _liquidation.Adl.Quintile(account, m), place.Rank, place.Length, place.Ahead, place.Notional, place.Score));
            positions++;
        }
        var (equity, im) = _risk.EquityAndInitialMargin(account);
        ref Account a = ref _accounts[account];
        _events.Emit(new AccountSnapshot(h, requestId, cmd.AccountId, a.Collateral, equity, im, _risk.MaintenanceMargin(account),
            a.Liquidating, orders, positions));
    }
}

using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Matching;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Conditional;

/// <summary>
/// Conditional orders (docs/trigger-orders.md): trigger orders that wait off the book until the
/// mark, last trade or index price crosses their trigger, and the stop-loss / take-profit legs an
/// order's fills arm. A pending order lives in an order slot (so it has its order id, its client
/// id and can be canceled like any order) and in a <see cref="TriggerQueue"/> of its market, price
/// source and direction. After every command the engine asks <see cref="FireCrossed"/> to fire
/// what the prices crossed: in market order, then mark, last, index, then in the order the price
/// reached the triggers (older first on a tie); each fired order enters the book as an ordinary
/// order, checked then as a new order would be (a failure is a TriggerFailed).
/// </summary>
internal sealed class ConditionalOrders
{
    private const int Sources = 3;

    private readonly OrderStore _orders;
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly OpenOrders _open;
    private readonly OrderEntry _entry;
    private readonly EventEmitter _events;
    private readonly EngineOptions _options;
    private readonly TriggerQueue[] _queues;
    private readonly long[] _checked;
    private readonly Action<ExitPlan> _arm;
    private readonly Func<TriggerQueue.Entry, bool> _isLive;
    private int _stale;

    public ConditionalOrders(OrderStore orders, AccountStore accounts, Market[] markets, OpenOrders open, OrderEntry entry,
        EventEmitter events, EngineOptions options, ExitPlans exits)
    {
        _orders = orders;
        _accounts = accounts;
        _markets = markets;
        _open = open;
        _entry = entry;
        _events = events;
        _options = options;
        Exits = exits;
        _queues = new TriggerQueue[markets.Length * Sources * 2];
        for (int i = 0; i < _queues.Length; i++) _queues[i] = new TriggerQueue();
        _checked = new long[markets.Length * Sources];
        _arm = Arm;
        _isLive = e => IsLive(e);
    }

    public ExitPlans Exits { get; }

    /// <summary>Conditional orders waiting for their trigger.</summary>
    public int Pending { get; private set; }

    /// <summary>Conditional orders that fired and entered the book, and those that fired but could not.</summary>
    public long Fired { get; private set; }
    public long Failed { get; private set; }

    public void Place(in NewTriggerOrder cmd)
    {
        var order = new NewOrder(cmd.Header, cmd.AccountId, cmd.MarketId, cmd.ClientOrderId, cmd.Side, cmd.OrderType, cmd.TimeInForce,
            cmd.Price, cmd.Quantity, cmd.Flags, cmd.SelfTradePrevention);
        RejectReason reason;
        int account;
        long limit = cmd.Price;
        if (cmd.TriggerPrice == 0)
        {
            reason = _entry.ValidateNew(order, out account, out limit);
            if (reason == RejectReason.None) reason = ValidateExits(cmd, EntryReference(cmd, limit));
        }
        else
        {
            reason = ValidateTrigger(cmd, order, out account);
        }
        if (reason != RejectReason.None)
        {
            _events.Emit(new OrderRejected(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.MarketId,
                cmd.ClientOrderId, cmd.Side, cmd.Price, cmd.Quantity, reason));
            return;
        }

        ExitPlan? plan = cmd.StopLossTriggerPrice > 0 || cmd.TakeProfitTriggerPrice > 0 ? NewPlan(cmd, account) : null;
        if (cmd.TriggerPrice == 0)
        {
            int slot = _entry.Admit(order, account, limit);
            if (plan is not null)
            {
                plan.ParentOrderId = _orders[slot].OrderId;
                Exits.Add(plan);
            }
            _entry.Work(slot);
            return;
        }

        int m = cmd.MarketId - 1;
        int pending = _orders.Add(account, cmd.ClientOrderId);
        ref Order o = ref _orders[pending];
        OrderEntry.Describe(ref o, order, cmd.Price);
        o.TriggerPrice = cmd.TriggerPrice;
        o.TriggerBy = cmd.TriggerBy;
        o.TriggerKind = TriggerKind.Trigger;
        o.TriggerRises = cmd.TriggerPrice > SourcePrice(m, cmd.TriggerBy);
        Wait(pending);
        o = ref _orders[pending];
        _events.Emit(new TriggerPlaced(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.MarketId, o.OrderId, o.ClientOrderId,
            o.Side, o.Type, o.TimeInForce, o.Price, o.Quantity, o.Flags, o.Stp, o.TriggerPrice, o.TriggerBy, TriggerKind.Trigger, 0));
        if (plan is not null)
        {
            plan.ParentOrderId = o.OrderId;
            Exits.Add(plan);
        }
    }

    /// <summary>A trigger order's own checks: its terms, its trigger, the account's limits. Margin is checked when it fires.</summary>
    private RejectReason ValidateTrigger(in NewTriggerOrder cmd, in NewOrder order, out int account)
    {
        if (!_accounts.TryGetIndex(cmd.AccountId, out account)) return RejectReason.UnknownAccount;
        RejectReason reason = _entry.ValidateTerms(order);
        if (reason != RejectReason.None) return reason;
        int m = cmd.MarketId - 1;
        if (cmd.TriggerPrice < 0 || cmd.TriggerPrice == SourcePrice(m, cmd.TriggerBy)) return RejectReason.InvalidTriggerPrice;
        reason = ValidateExits(cmd, EntryReference(cmd, cmd.Price));
        if (reason != RejectReason.None) return reason;
        if (_orders.ClientIdInUse(account, cmd.ClientOrderId)) return RejectReason.DuplicateClientOrderId;
        if (!_orders.HasRoom || _accounts[account].PendingTriggers >= _options.MaxPendingTriggersPerAccount) return RejectReason.TooManyOrders;
        if (_accounts[account].Liquidating && (cmd.Flags & OrderFlags.ReduceOnly) == 0) return RejectReason.AccountLiquidating;
        return RejectReason.None;
    }

    /// <summary>The price the stop-loss and take-profit must lie either side of: the limit price, else the trigger, else the mark.</summary>
    private long EntryReference(in NewTriggerOrder cmd, long limit) =>
        cmd.OrderType == OrderType.Limit ? limit : cmd.TriggerPrice > 0 ? cmd.TriggerPrice : _markets[cmd.MarketId - 1].MarkPrice;

    /// <summary>A buy's stop-loss lies below its entry and its take-profit above (a sell's the other way round).</summary>
    private static RejectReason ValidateExits(in NewTriggerOrder cmd, long entry)
    {
        if (cmd.StopLossTriggerPrice < 0 || cmd.TakeProfitTriggerPrice < 0) return RejectReason.InvalidTriggerPrice;
        if (cmd.StopLossLimitPrice < 0 || cmd.TakeProfitLimitPrice < 0) return RejectReason.InvalidPrice;
        if ((cmd.StopLossLimitPrice > 0 && cmd.StopLossTriggerPrice == 0) || (cmd.TakeProfitLimitPrice > 0 && cmd.TakeProfitTriggerPrice == 0))
            return RejectReason.InvalidTriggerPrice;
        bool buy = cmd.Side == Side.Buy;
        if (cmd.StopLossTriggerPrice > 0 && (buy ? cmd.StopLossTriggerPrice >= entry : cmd.StopLossTriggerPrice <= entry)) return RejectReason.InvalidTriggerPrice;
        if (cmd.TakeProfitTriggerPrice > 0 && (buy ? cmd.TakeProfitTriggerPrice <= entry : cmd.TakeProfitTriggerPrice >= entry)) return RejectReason.InvalidTriggerPrice;
        return RejectReason.None;
    }

    private static ExitPlan NewPlan(in NewTriggerOrder cmd, int account) => new()
    {
        Account = account,
        Market = cmd.MarketId - 1,
        ParentSide = cmd.Side,
        StopLossTrigger = cmd.StopLossTriggerPrice,
        StopLossLimit = cmd.StopLossLimitPrice,
        StopLossBy = cmd.StopLossTriggerBy,
        TakeProfitTrigger = cmd.TakeProfitTriggerPrice,
        TakeProfitLimit = cmd.TakeProfitLimitPrice,
        TakeProfitBy = cmd.TakeProfitTriggerBy,
    };

    /// <summary>The current price of a source (ticks); the last trade falls back to the mark before the market's first trade.</summary>
    private long SourcePrice(int m, TriggerSource source)
    {
        Market market = _markets[m];
        return source switch
        {
            TriggerSource.LastPrice => market.LastTradePrice != 0 ? market.LastTradePrice : market.MarkPrice,
            TriggerSource.IndexPrice => market.IndexPrice,
            _ => market.MarkPrice,
        };
    }

    private TriggerQueue QueueOf(int m, TriggerSource source, bool rises) => _queues[(m * Sources + (int)source) * 2 + (rises ? 1 : 0)];

    /// <summary>Puts a described conditional order in its account's trigger list and its queue.</summary>
    private void Wait(int slot)
    {
        _open.AddPending(slot);
        ref Order o = ref _orders[slot];
        QueueOf(o.Market, o.TriggerBy, o.TriggerRises).Push(o.TriggerRises ? o.TriggerPrice : -o.TriggerPrice, o.OrderId, slot);
        Pending++;
        // Armed already past its trigger (a leg whose price went through before the fill): fire it at the next check.
        long price = SourcePrice(o.Market, o.TriggerBy);
        if (o.TriggerRises ? price >= o.TriggerPrice : price <= o.TriggerPrice) _checked[o.Market * Sources + (int)o.TriggerBy] = 0;
    }

    /// <summary>A pending order was canceled (by its account, a cancel-all, a liquidation, its pair's other leg): its queue entry stays behind, to be dropped when it surfaces.</summary>
    public void OnCanceledPending()
    {
        Pending--;
        _stale++;
    }

    // ---- firing ----

    /// <summary>Fires every pending order a price has crossed since the last check; true if any fired (books may have moved).</summary>
    public bool FireCrossed()
    {
        if (Pending == 0) return false;
        bool any = false;
        for (int m = 0; m < _markets.Length; m++)
        {
            for (int s = 0; s < Sources; s++)
            {
                var source = (TriggerSource)s;
                long price = SourcePrice(m, source);
                int k = m * Sources + s;
                if (price == 0 || price == _checked[k]) continue;
                _checked[k] = price;
                any |= Drain(QueueOf(m, source, rises: true), price, rises: true);
                any |= Drain(QueueOf(m, source, rises: false), price, rises: false);
            }
        }
        if (_stale > 64 && _stale > Pending) Compact();
        return any;
    }

    private bool Drain(TriggerQueue queue, long price, bool rises)
    {
        bool fired = false;
        while (!queue.IsEmpty)
        {
            var top = queue.Top;
            long trigger = rises ? top.Key : -top.Key;
            if (rises ? trigger > price : trigger < price) break;
            queue.Pop();
            if (!IsLive(top))
            {
                _stale--;
                continue;
            }
            Fire(top.Slot, price);
            fired = true;
        }
        return fired;
    }

    private bool IsLive(in TriggerQueue.Entry entry) => _orders[entry.Slot].OrderId == entry.OrderId && _orders[entry.Slot].Pending;

    private void Fire(int slot, long firedAt)
    {
        _open.RemovePending(slot);
        Pending--;
        ref Order o = ref _orders[slot];
        int accountId = _accounts[o.Account].AccountId;
        long orderId = o.OrderId;
        long sibling = o.LinkedOrderId;
        _events.Emit(new TriggerFired(_events.Header, accountId, o.Market + 1, orderId, o.ClientOrderId, o.TriggerPrice, o.TriggerBy, firedAt, o.TriggerKind));
        RejectReason reason = _entry.ValidateEntry(o.Account, o.Market, o.Side, o.Type, o.TimeInForce, o.Price, o.Remaining, o.Flags, out long limit);
        if (reason == RejectReason.None)
        {
            o.Price = limit;
            Fired++;
            _entry.Work(slot);
        }
        else
        {
            Failed++;
            _events.Emit(new TriggerFailed(_events.Header, accountId, o.Market + 1, orderId, o.ClientOrderId, reason));
            _open.Release(slot);
        }
        // One cancels the other: the pair's other leg goes, whatever became of this one.
        if (sibling != 0 && _orders.TryFind(sibling, out int other) && _orders[other].Pending) _open.Cancel(other, CancelReason.Oco, requestId: 0);
    }

    /// <summary>
    /// A position changed: pending reduce-only conditional orders of that market that can no longer
    /// reduce it (it is flat, or on their side) are canceled (reason ReduceOnly, Backpack's
    /// StopWithoutPosition), so closed positions leave no stops behind.
    /// </summary>
    public void OnPositionChanged(int account, int market)
    {
        int slot = _accounts[account].TriggerHead;
        if (slot == OrderStore.None) return;
        while (slot != OrderStore.None)
        {
            ref Order o = ref _orders[slot];
            int next = o.AccountNext;
            if (o.Market == market && o.IsReduceOnly && _accounts.PositionOf(account, market).Reducible(o.Side) == 0)
            {
                _open.Cancel(slot, CancelReason.ReduceOnly, requestId: 0);
            }
            slot = next;
        }
    }

    // ---- stop-loss / take-profit legs ----

    /// <summary>Arms or enlarges the legs of the plans whose orders filled (or finishes those whose orders are gone).</summary>
    public void ArmLegs()
    {
        if (Exits.HasTouched) Exits.DrainTouched(_arm);
    }

    private void Arm(ExitPlan plan)
    {
        long add = plan.Filled - plan.Armed;
        if (add <= 0 || plan.Closed) return;
        plan.Armed = plan.Filled;
        if (plan.StopLossTrigger > 0) plan.StopLossOrderId = ArmLeg(plan, plan.StopLossOrderId, TriggerKind.StopLoss, add);
        if (plan.TakeProfitTrigger > 0) plan.TakeProfitOrderId = ArmLeg(plan, plan.TakeProfitOrderId, TriggerKind.TakeProfit, add);
        if ((plan.StopLossTrigger > 0 && plan.StopLossOrderId == 0) || (plan.TakeProfitTrigger > 0 && plan.TakeProfitOrderId == 0))
        {
            plan.Closed = true; // a leg fired, was canceled or found no room: the pair is over
            return;
        }
        if (plan.StopLossOrderId != 0 && plan.TakeProfitOrderId != 0
            && _orders.TryFind(plan.StopLossOrderId, out int sl) && _orders.TryFind(plan.TakeProfitOrderId, out int tp))
        {
            _orders[sl].LinkedOrderId = plan.TakeProfitOrderId;
            _orders[tp].LinkedOrderId = plan.StopLossOrderId;
        }
    }

    /// <summary>Places a leg for <paramref name="add"/> lots, or adds them to the pending one; 0 when the leg is gone or cannot be placed.</summary>
    private long ArmLeg(ExitPlan plan, long legOrderId, TriggerKind kind, long add)
    {
        bool stop = kind == TriggerKind.StopLoss;
        long trigger = stop ? plan.StopLossTrigger : plan.TakeProfitTrigger;
        long limitPrice = stop ? plan.StopLossLimit : plan.TakeProfitLimit;
        TriggerSource by = stop ? plan.StopLossBy : plan.TakeProfitBy;
        int slot;
        if (legOrderId != 0)
        {
            if (!_orders.TryFind(legOrderId, out slot) || !_orders[slot].Pending) return 0;
            ref Order leg = ref _orders[slot];
            leg.Quantity += add;
            leg.Remaining += add;
        }
        else
        {
            if (!_orders.HasRoom || _accounts[plan.Account].PendingTriggers >= _options.MaxPendingTriggersPerAccount) return 0;
            slot = _orders.Add(plan.Account, 0);
            ref Order leg = ref _orders[slot];
            leg.Market = plan.Market;
            leg.Side = plan.ParentSide == Side.Buy ? Side.Sell : Side.Buy;
            leg.Type = limitPrice > 0 ? OrderType.Limit : OrderType.Market;
            leg.TimeInForce = limitPrice > 0 ? TimeInForce.Gtc : TimeInForce.Ioc;
            leg.Flags = OrderFlags.ReduceOnly;
            leg.Stp = SelfTradePrevention.RejectTaker;
            leg.Origin = OrderOrigin.User;
            leg.Price = limitPrice;
            leg.Quantity = leg.Remaining = add;
            leg.TriggerPrice = trigger;
            leg.TriggerBy = by;
            leg.TriggerKind = kind;
            leg.ParentOrderId = plan.ParentOrderId;
            // A long's stop-loss fires as the price falls to it, its take-profit as it rises (a short's the other way round).
            leg.TriggerRises = (plan.ParentSide == Side.Buy) != stop;
            Wait(slot);
        }
        ref Order o = ref _orders[slot];
        _events.Emit(new TriggerPlaced(_events.Header, 0, _accounts[o.Account].AccountId, o.Market + 1, o.OrderId, o.ClientOrderId,
            o.Side, o.Type, o.TimeInForce, o.Price, o.Quantity, o.Flags, o.Stp, o.TriggerPrice, o.TriggerBy, kind, o.ParentOrderId));
        return o.OrderId;
    }

    // ---- upkeep, snapshot, hash ----

    private void Compact()
    {
        foreach (var queue in _queues) queue.Compact(_isLive);
        _stale = 0;
    }

    /// <summary>Rebuilds the queues from the pending orders of a loaded snapshot (the pops come out in the same order).</summary>
    internal void Rebuild()
    {
        foreach (var queue in _queues) queue.Compact(static _ => false);
        Pending = 0;
        _stale = 0;
        for (int i = 0; i < _accounts.Count; i++)
        {
            for (int slot = _accounts[i].TriggerHead; slot != OrderStore.None; slot = _orders[slot].AccountNext)
            {
                ref Order o = ref _orders[slot];
                QueueOf(o.Market, o.TriggerBy, o.TriggerRises).Push(o.TriggerRises ? o.TriggerPrice : -o.TriggerPrice, o.OrderId, slot);
                Pending++;
            }
        }
    }

    internal void Save(SnapshotWriter w)
    {
        w.Structs<long>(_checked);
        w.Long(Fired);
        w.Long(Failed);
        Exits.Save(w);
    }

    internal void Load(ref SnapshotReader r)
    {
        var checkedPrices = r.Structs<long>(out int count);
        if (count != _checked.Length) throw new InvalidDataException("snapshot: trigger checks of another number of markets");
        checkedPrices.AsSpan(0, count).CopyTo(_checked);
        Fired = r.Long();
        Failed = r.Long();
        Exits.Load(ref r);
        Rebuild();
    }

    /// <summary>Every pending order (account by account, newest first) and every plan.</summary>
    internal void Hash(ref StateHasher h)
    {
        h.Add(Pending);
        for (int i = 0; i < _accounts.Count; i++)
        {
            for (int slot = _accounts[i].TriggerHead; slot != OrderStore.None; slot = _orders[slot].AccountNext)
            {
                ref Order o = ref _orders[slot];
                h.Add(o.OrderId);
                h.Add(o.ClientOrderId);
                h.Add(o.TriggerPrice);
                h.Add((long)o.TriggerBy);
                h.Add(o.TriggerRises);
                h.Add((long)o.TriggerKind);
                h.Add(o.Price);
                h.Add(o.Quantity);
                h.Add((long)o.Flags);
                h.Add(o.LinkedOrderId);
            }
        }
        foreach (long price in _checked) h.Add(price);
        Exits.Hash(ref h);
    }
}

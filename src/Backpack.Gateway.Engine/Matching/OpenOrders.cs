using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Matching;

/// <summary>
/// Keeps the four places an open order is recorded in step: the order store, its book level, its
/// account's open-order list and the open-order totals of its position (which size the account's
/// worst-case exposure). An order is either resting (in all four), in flight (a taker being
/// matched: only in the store) or pending (a conditional order waiting for its trigger: in the
/// store and its account's trigger list).
/// </summary>
internal sealed class OpenOrders
{
    private readonly OrderStore _orders;
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly EventEmitter _events;

    public OpenOrders(OrderStore orders, AccountStore accounts, Market[] markets, EventEmitter events)
    {
        _orders = orders;
        _accounts = accounts;
        _markets = markets;
        _events = events;
    }

    public static bool IsResting(in Order o) => o.Level != BookSide.None;

    /// <summary>Resting on the book, or a conditional order waiting for its trigger.</summary>
    public static bool IsOpen(in Order o) => o.Level != BookSide.None || o.Pending;

    /// <summary>Told when an order leaves the store (its stop-loss / take-profit plan, if any, is then complete).</summary>
    public Conditional.ExitPlans? Exits { get; set; }

    /// <summary>Told when a pending conditional order is canceled.</summary>
    public Conditional.ConditionalOrders? Conditional { get; set; }

    /// <summary>Puts a conditional order in its account's trigger list: it is in no book and holds no margin.</summary>
    public void AddPending(int slot)
    {
        ref Order o = ref _orders[slot];
        ref Account a = ref _accounts[o.Account];
        o.Pending = true;
        o.AccountPrev = OrderStore.None;
        o.AccountNext = a.TriggerHead;
        if (a.TriggerHead != OrderStore.None) _orders[a.TriggerHead].AccountPrev = slot;
        a.TriggerHead = slot;
        a.PendingTriggers++;
    }

    /// <summary>Takes a conditional order out of its account's trigger list (it fired or is canceled).</summary>
    public void RemovePending(int slot)
    {
        ref Order o = ref _orders[slot];
        ref Account a = ref _accounts[o.Account];
        if (o.AccountPrev != OrderStore.None) _orders[o.AccountPrev].AccountNext = o.AccountNext;
        else a.TriggerHead = o.AccountNext;
        if (o.AccountNext != OrderStore.None) _orders[o.AccountNext].AccountPrev = o.AccountPrev;
        o.AccountPrev = o.AccountNext = OrderStore.None;
        o.Pending = false;
        a.PendingTriggers--;
    }

    /// <summary>Puts an in-flight order on the book (publishing its level).</summary>
    public void Rest(int slot)
    {
        ref Order o = ref _orders[slot];
        _markets[o.Market].Book.Enqueue(slot);
        ref Account a = ref _accounts[o.Account];
        o.AccountPrev = OrderStore.None;
        o.AccountNext = a.OrderHead;
        if (a.OrderHead != OrderStore.None) _orders[a.OrderHead].AccountPrev = slot;
        else a.OrderTail = slot;
        a.OrderHead = slot;
        a.OpenOrders++;
        AddExposure(ref o, +1);
    }

    /// <summary>Takes a resting order off the book and out of its account's list; it stays in the store, in flight.</summary>
    public void Lift(int slot, bool publish)
    {
        ref Order o = ref _orders[slot];
        _markets[o.Market].Book.Dequeue(slot, publish);
        o.Level = BookSide.None;
        ref Account a = ref _accounts[o.Account];
        if (o.AccountPrev != OrderStore.None) _orders[o.AccountPrev].AccountNext = o.AccountNext;
        else a.OrderHead = o.AccountNext;
        if (o.AccountNext != OrderStore.None) _orders[o.AccountNext].AccountPrev = o.AccountPrev;
        else a.OrderTail = o.AccountPrev;
        a.OpenOrders--;
        AddExposure(ref o, -1);
    }

    /// <summary>Frees the slot of an order that is not resting.</summary>
    public void Release(int slot)
    {
        if (Exits is { Count: > 0 } exits) exits.OnReleased(_orders[slot].OrderId);
        _orders.Remove(slot);
    }

    /// <summary>
    /// Cancels an order (resting or in flight): emits OrderCanceled, takes it off the book (publishing
    /// the level unless <paramref name="publish"/> is false) and frees it.
    /// </summary>
    public void Cancel(int slot, CancelReason reason, long requestId, bool publish = true)
    {
        ref Order o = ref _orders[slot];
        _events.Emit(new OrderCanceled(_events.Header, requestId, _accounts[o.Account].AccountId, o.Market + 1,
            o.OrderId, o.ClientOrderId, o.Side, o.Price, o.Remaining, o.Filled, reason));
        if (IsResting(o)) Lift(slot, publish);
        else if (o.Pending)
        {
            RemovePending(slot);
            Conditional?.OnCanceledPending();
        }
        Release(slot);
    }

    /// <summary>Books a fill against a resting order: the level and exposure shrink; a filled order leaves the book.</summary>
    public void MakerFilled(int slot, long quantity)
    {
        ref Order o = ref _orders[slot];
        _markets[o.Market].Book.Reduce(slot, quantity, publish: false);
        ref Position p = ref _accounts.PositionOf(o.Account, o.Market);
        long quote = _markets[o.Market].Rules.Quote(o.Price, quantity);
        if (o.Side == Side.Buy)
        {
            p.OpenBuyQuantity -= quantity;
            p.OpenBuyQuote -= quote;
            if (o.IsReduceOnly) p.ReduceOnlyBuyQuantity -= quantity;
        }
        else
        {
            p.OpenSellQuantity -= quantity;
            p.OpenSellQuote -= quote;
            if (o.IsReduceOnly) p.ReduceOnlySellQuantity -= quantity;
        }
        if (o.Remaining == 0)
        {
            Lift(slot, publish: false);
            Release(slot);
        }
    }

    /// <summary>Takes quantity off a resting order in place, keeping its time priority.</summary>
    public void ReduceInPlace(int slot, long quantity)
    {
        ref Order o = ref _orders[slot];
        AddExposure(ref o, -1);
        _markets[o.Market].Book.Reduce(slot, quantity, publish: true);
        o.Quantity -= quantity;
        AddExposure(ref o, +1);
    }

    /// <summary>
    /// After a position changed: cuts resting reduce-only orders so that together they cannot take
    /// the position past zero. The oldest keep their quantity; the newest are cut or canceled first.
    /// </summary>
    public void TrimReduceOnly(int account, int market)
    {
        ref Position p = ref _accounts.PositionOf(account, market);
        long allowSell = p.Reducible(Side.Sell);
        long allowBuy = p.Reducible(Side.Buy);
        if (p.ReduceOnlySellQuantity <= allowSell && p.ReduceOnlyBuyQuantity <= allowBuy) return;

        // Walk from the oldest order to the newest, spending each side's allowance.
        int slot = _accounts[account].OrderTail;
        while (slot != OrderStore.None)
        {
            ref Order o = ref _orders[slot];
            int newer = o.AccountPrev;
            if (o.Market == market && o.IsReduceOnly)
            {
                ref long allowance = ref (o.Side == Side.Sell ? ref allowSell : ref allowBuy);
                if (allowance == 0)
                {
                    Cancel(slot, CancelReason.ReduceOnly, requestId: 0);
                }
                else if (o.Remaining > allowance)
                {
                    long cut = o.Remaining - allowance;
                    ReduceInPlace(slot, cut);
                    _events.Emit(new OrderReplaced(_events.Header, 0, _accounts[account].AccountId, market + 1, o.OrderId,
                        o.ClientOrderId, o.ClientOrderId, o.Price, o.Quantity, o.Remaining, o.Filled, true, ReplaceReason.ReduceOnlyTrim));
                    allowance = 0;
                }
                else
                {
                    allowance -= o.Remaining;
                }
            }
            slot = newer;
        }
    }

    private void AddExposure(ref Order o, long sign)
    {
        ref Position p = ref _accounts.PositionOf(o.Account, o.Market);
        long quantity = sign * o.Remaining;
        long quote = _markets[o.Market].Rules.Quote(o.Price, quantity);
        if (o.Side == Side.Buy)
        {
            p.OpenBuyQuantity += quantity;
            p.OpenBuyQuote += quote;
            if (o.IsReduceOnly) p.ReduceOnlyBuyQuantity += quantity;
        }
        else
        {
            p.OpenSellQuantity += quantity;
            p.OpenSellQuote += quote;
            if (o.IsReduceOnly) p.ReduceOnlySellQuantity += quantity;
        }
    }
}

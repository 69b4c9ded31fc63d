using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Matching;

/// <summary>
/// Handles the order commands: NewOrder, CancelOrder, ReplaceOrder and CancelAll. Each command is
/// validated completely before anything changes (a rejected command changes nothing), then
/// accepted, matched and rested or expired.
/// </summary>
internal sealed class OrderEntry
{
    private readonly OrderStore _orders;
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly OpenOrders _open;
    private readonly Matcher _matcher;
    private readonly AccountMargin _risk;
    private readonly EventEmitter _events;
    private readonly EngineOptions _options;

    public OrderEntry(OrderStore orders, AccountStore accounts, Market[] markets, OpenOrders open, Matcher matcher,
        AccountMargin risk, EventEmitter events, EngineOptions options)
    {
        _orders = orders;
        _accounts = accounts;
        _markets = markets;
        _open = open;
        _matcher = matcher;
        _risk = risk;
        _events = events;
        _options = options;
    }

    public void Place(in NewOrder cmd)
    {
        RejectReason reason = ValidateNew(cmd, out int account, out long limit);
        if (reason != RejectReason.None)
        {
            _events.Emit(new OrderRejected(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.MarketId,
                cmd.ClientOrderId, cmd.Side, cmd.Price, cmd.Quantity, reason));
            return;
        }

        Work(Admit(cmd, account, limit));
    }

    /// <summary>Takes a slot for a validated new order and announces it (OrderAccepted); <see cref="Work"/> then matches it.</summary>
    public int Admit(in NewOrder cmd, int account, long limit)
    {
        int slot = _orders.Add(account, cmd.ClientOrderId);
        ref Order o = ref _orders[slot];
        Describe(ref o, cmd, limit);
        _events.Emit(new OrderAccepted(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.MarketId, o.OrderId,
            cmd.ClientOrderId, o.Side, o.Type, o.TimeInForce, limit, o.Quantity, o.Flags, o.Stp, o.Origin, 0));
        return slot;
    }

    /// <summary>Fills in a user order's terms (a Market order sent as GTC is IOC).</summary>
    public static void Describe(ref Order o, in NewOrder cmd, long limit)
    {
        o.Market = cmd.MarketId - 1;
        o.Side = cmd.Side;
        o.Type = cmd.OrderType;
        o.TimeInForce = cmd.OrderType == OrderType.Market && cmd.TimeInForce == TimeInForce.Gtc ? TimeInForce.Ioc : cmd.TimeInForce;
        o.Flags = cmd.Flags;
        o.Stp = cmd.SelfTradePrevention;
        o.Origin = OrderOrigin.User;
        o.Price = limit;
        o.Quantity = o.Remaining = cmd.Quantity;
    }

    /// <summary>
    /// Sends an engine-made IOC reduce-only order (a liquidation slice, the fund's unwinding) through
    /// the book like a taker: it is accepted, matched up to <paramref name="limit"/>, and its rest expires.
    /// </summary>
    /// <summary>True when the order store has room for a forced order (<see cref="PlaceForced"/> sends nothing otherwise).</summary>
    public bool CanPlaceForced => _orders.HasRoom;

    public void PlaceForced(int account, int market, Side side, long limit, long quantity, OrderOrigin origin, long liquidationId)
    {
        if (!_orders.HasRoom || quantity <= 0) return;
        int slot = _orders.Add(account, 0);
        ref Order o = ref _orders[slot];
        o.Market = market;
        o.Side = side;
        o.Type = OrderType.Limit;
        o.TimeInForce = TimeInForce.Ioc;
        o.Flags = OrderFlags.ReduceOnly;
        o.Stp = SelfTradePrevention.RejectMaker;
        o.Origin = origin;
        o.LiquidationId = liquidationId;
        o.Price = limit;
        o.Quantity = o.Remaining = quantity;
        _events.Emit(new OrderAccepted(_events.Header, 0, _accounts[account].AccountId, market + 1, o.OrderId, 0, side,
            OrderType.Limit, TimeInForce.Ioc, limit, quantity, o.Flags, o.Stp, origin, liquidationId));
        Work(slot);
    }

    /// <summary>
    /// Takes an accepted in-flight order through fill-or-kill check, matching, and resting or
    /// expiring whatever is left.
    /// </summary>
    public void Work(int slot)
    {
        ref Order o = ref _orders[slot];
        if (o.TimeInForce == TimeInForce.Fok && !_matcher.CanFillCompletely(slot, o.Price))
        {
            _open.Cancel(slot, CancelReason.FillOrKillNotFilled, requestId: 0);
            return;
        }
        MatchOutcome outcome = _matcher.Match(slot, o.Price);
        if (o.Remaining == 0)
        {
            _open.Release(slot);
        }
        else if (outcome == MatchOutcome.SelfTrade)
        {
            _open.Cancel(slot, CancelReason.SelfTradePrevention, requestId: 0);
        }
        else if (outcome == MatchOutcome.ReduceOnlyExhausted)
        {
            _open.Cancel(slot, CancelReason.ReduceOnly, requestId: 0);
        }
        else if (o.Type == OrderType.Limit && o.TimeInForce == TimeInForce.Gtc)
        {
            _open.Rest(slot);
            // A reduce-only order larger than the position rests cut to what it can close.
            if (o.IsReduceOnly) _open.TrimReduceOnly(o.Account, o.Market);
        }
        else
        {
            _open.Cancel(slot, CancelReason.Expired, requestId: 0);
        }
    }

    public RejectReason ValidateNew(in NewOrder cmd, out int account, out long limit)
    {
        limit = cmd.Price;
        if (!_accounts.TryGetIndex(cmd.AccountId, out account)) return RejectReason.UnknownAccount;
        RejectReason reason = ValidateTerms(cmd);
        if (reason != RejectReason.None) return reason;
        if (_orders.ClientIdInUse(account, cmd.ClientOrderId)) return RejectReason.DuplicateClientOrderId;
        if (!_orders.HasRoom) return RejectReason.TooManyOrders;
        return ValidateEntry(account, cmd.MarketId - 1, cmd.Side, cmd.OrderType, cmd.TimeInForce, cmd.Price, cmd.Quantity, cmd.Flags, out limit);
    }

    /// <summary>What an order's own terms must satisfy whatever the market does: a known, open market, a quantity in range, options that fit together, a positive limit price.</summary>
    public RejectReason ValidateTerms(in NewOrder cmd)
    {
        if ((uint)(cmd.MarketId - 1) >= (uint)_markets.Length) return RejectReason.UnknownMarket;
        Market market = _markets[cmd.MarketId - 1];
        if (!market.IsReady) return RejectReason.MarketNotReady;
        MarketRules rules = market.Rules;
        if (cmd.Quantity < rules.MinQuantity || cmd.Quantity > rules.MaxQuantity) return RejectReason.InvalidQuantity;
        bool postOnly = (cmd.Flags & OrderFlags.PostOnly) != 0;
        if (cmd.ClientOrderId < 0) return RejectReason.InvalidOrder;
        if (cmd.OrderType == OrderType.Market) return postOnly ? RejectReason.InvalidOrder : RejectReason.None;
        if (postOnly && cmd.TimeInForce != TimeInForce.Gtc) return RejectReason.InvalidOrder;
        return cmd.Price <= 0 ? RejectReason.InvalidPrice : RejectReason.None;
    }

    /// <summary>
    /// What entering the book now requires (a new order, or a conditional order as it fires): the
    /// price band, the open-order limit, reduce-only and post-only rules, and margin. Gives the
    /// limit the order matches to (a Market order's is the band's edge).
    /// </summary>
    public RejectReason ValidateEntry(int account, int m, Side side, OrderType type, TimeInForce timeInForce, long price, long quantity,
        OrderFlags flags, out long limit)
    {
        Market market = _markets[m];
        limit = price;
        if (type == OrderType.Market) limit = side == Side.Buy ? market.BandHigh : market.BandLow;
        else if (!market.InBand(price)) return RejectReason.PriceOutOfBand;
        if (_accounts[account].OpenOrders >= _options.MaxOpenOrdersPerAccount
            && type == OrderType.Limit && timeInForce == TimeInForce.Gtc) return RejectReason.TooManyOrders;
        if ((flags & OrderFlags.ReduceOnly) != 0 && _accounts.PositionOf(account, m).Reducible(side) == 0) return RejectReason.ReduceOnlyNotReducing;
        if ((flags & OrderFlags.PostOnly) != 0 && market.Book.WouldTake(side, limit)) return RejectReason.PostOnlyWouldTake;
        if (_accounts[account].Liquidating && _risk.RaisesExposure(account, m, side, limit, quantity)) return RejectReason.AccountLiquidating;
        return _risk.CheckOrder(account, m, side, limit, quantity);
    }

    public void Cancel(in CancelOrder cmd)
    {
        RejectReason reason = FindOpenOrder(cmd.AccountId, cmd.MarketId, cmd.OrderId, cmd.ClientOrderId, out int slot);
        if (reason != RejectReason.None)
        {
            _events.Emit(new OrderCancelRejected(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.MarketId,
                cmd.OrderId, cmd.ClientOrderId, CancelRejectResponseTo.Cancel, reason));
            return;
        }
        _open.Cancel(slot, CancelReason.UserCanceled, cmd.Header.RequestId);
    }

    public void Replace(in ReplaceOrder cmd)
    {
        RejectReason reason = ValidateReplace(cmd, out int slot);
        if (reason != RejectReason.None)
        {
            _events.Emit(new OrderCancelRejected(_events.Header, cmd.Header.RequestId, cmd.AccountId, cmd.MarketId,
                cmd.OrderId, cmd.ClientOrderId, CancelRejectResponseTo.Replace, reason));
            return;
        }

        ref Order o = ref _orders[slot];
        long originalClientOrderId = o.ClientOrderId;
        long newClientOrderId = cmd.NewClientOrderId != 0 ? cmd.NewClientOrderId : o.ClientOrderId;
        if (newClientOrderId != o.ClientOrderId) _orders.Rekey(slot, newClientOrderId);
        bool keepsPriority = cmd.Price == o.Price && cmd.Quantity <= o.Quantity;
        int accountId = cmd.AccountId;

        if (keepsPriority)
        {
            if (cmd.Quantity < o.Quantity) _open.ReduceInPlace(slot, o.Quantity - cmd.Quantity);
            _events.Emit(new OrderReplaced(_events.Header, cmd.Header.RequestId, accountId, cmd.MarketId, o.OrderId,
                o.ClientOrderId, originalClientOrderId, o.Price, o.Quantity, o.Remaining, o.Filled, true, ReplaceReason.User));
            return;
        }

        _open.Lift(slot, publish: true);
        o.Price = cmd.Price;
        o.Quantity = cmd.Quantity;
        o.Remaining = cmd.Quantity - o.Filled;
        _events.Emit(new OrderReplaced(_events.Header, cmd.Header.RequestId, accountId, cmd.MarketId, o.OrderId,
            o.ClientOrderId, originalClientOrderId, o.Price, o.Quantity, o.Remaining, o.Filled, false, ReplaceReason.User));
        Work(slot);
    }

    private RejectReason ValidateReplace(in ReplaceOrder cmd, out int slot)
    {
        RejectReason reason = FindOpenOrder(cmd.AccountId, cmd.MarketId, cmd.OrderId, cmd.ClientOrderId, out slot);
        if (reason != RejectReason.None) return reason;
        ref Order o = ref _orders[slot];
        if (o.Pending) return RejectReason.TriggerPending;
        Market market = _markets[o.Market];
        if (cmd.Price <= 0) return RejectReason.InvalidPrice;
        if (cmd.Price != o.Price && !market.InBand(cmd.Price)) return RejectReason.PriceOutOfBand;
        if (cmd.Quantity <= o.Filled || cmd.Quantity < market.Rules.MinQuantity || cmd.Quantity > market.Rules.MaxQuantity)
            return RejectReason.InvalidQuantity;
        if (cmd.NewClientOrderId < 0) return RejectReason.InvalidOrder;
        bool renamed = cmd.NewClientOrderId != 0 && cmd.NewClientOrderId != o.ClientOrderId;
        if (renamed && _orders.ClientIdInUse(o.Account, cmd.NewClientOrderId)) return RejectReason.DuplicateClientOrderId;
        if (cmd.Price == o.Price && cmd.Quantity == o.Quantity && !renamed) return RejectReason.NothingToChange;
        if ((o.Flags & OrderFlags.PostOnly) != 0 && market.Book.WouldTake(o.Side, cmd.Price)) return RejectReason.PostOnlyWouldTake;
        long currentQuote = market.Rules.Quote(o.Price, o.Remaining);
        if (_accounts[o.Account].Liquidating && _risk.RaisesExposure(o.Account, o.Market, o.Side, cmd.Price, cmd.Quantity - o.Filled, currentQuote))
            return RejectReason.AccountLiquidating;
        return _risk.CheckOrder(o.Account, o.Market, o.Side, cmd.Price, cmd.Quantity - o.Filled, currentQuote);
    }

    public void CancelAll(in CancelAll cmd)
    {
        if (!_accounts.TryGetIndex(cmd.AccountId, out int account))
        {
            _events.Reject(cmd.Header.RequestId, MessageType.CancelAll, cmd.AccountId, RejectReason.UnknownAccount);
            return;
        }
        if (cmd.MarketId != 0 && (uint)(cmd.MarketId - 1) >= (uint)_markets.Length)
        {
            _events.Reject(cmd.Header.RequestId, MessageType.CancelAll, cmd.AccountId, RejectReason.UnknownMarket);
            return;
        }
        long count = CancelAccountOrders(account, cmd.MarketId - 1, CancelReason.UserCanceled, cmd.Header.RequestId);
        _events.Emit(new CommandAccepted(_events.Header, cmd.Header.RequestId, MessageType.CancelAll, cmd.AccountId, count));
    }

    /// <summary>Cancels an account's open and pending orders in one market (or all when <paramref name="market"/> is -1); returns how many.</summary>
    public long CancelAccountOrders(int account, int market, CancelReason reason, long requestId) =>
        CancelList(_accounts[account].OrderHead, market, reason, requestId) + CancelList(_accounts[account].TriggerHead, market, reason, requestId);

    private long CancelList(int slot, int market, CancelReason reason, long requestId)
    {
        long count = 0;
        while (slot != OrderStore.None)
        {
            ref Order o = ref _orders[slot];
            int next = o.AccountNext;
            if (market < 0 || o.Market == market)
            {
                _open.Cancel(slot, reason, requestId);
                count++;
            }
            slot = next;
        }
        return count;
    }

    private RejectReason FindOpenOrder(int accountId, int marketId, long orderId, long clientOrderId, out int slot)
    {
        slot = OrderStore.None;
        if (!_accounts.TryGetIndex(accountId, out int account)) return RejectReason.UnknownAccount;
        bool found = orderId != 0
            ? _orders.TryFind(orderId, out slot)
            : clientOrderId != 0 && _orders.TryFindByClientId(account, clientOrderId, out slot);
        if (!found) return RejectReason.OrderNotFound;
        ref Order o = ref _orders[slot];
        if (o.Account != account || o.Market != marketId - 1 || !OpenOrders.IsOpen(o)) return RejectReason.OrderNotFound;
        return RejectReason.None;
    }

}

using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Matching;

/// <summary>Told about every fill of a forced (liquidation or fund) taker order.</summary>
internal interface IForcedFills
{
    void OnForcedFill(int account, int market, Side side, long price, long quantity, long tradeId, long liquidationId, int makerAccount, long realized);
}

/// <summary>How a taker's pass over the book ended.</summary>
internal enum MatchOutcome : byte
{
    /// <summary>Nothing left to fill.</summary>
    Filled,
    /// <summary>No more resting liquidity at or better than the limit.</summary>
    NoLiquidity,
    /// <summary>Self-trade prevention canceled the taker's rest.</summary>
    SelfTrade,
    /// <summary>A reduce-only taker reached a flat position.</summary>
    ReduceOnlyExhausted,
}

/// <summary>
/// Matches an in-flight taker order against the opposite side of its book in price-time order,
/// applying self-trade prevention and reduce-only caps, and settling each fill through
/// <see cref="Clearing"/>. Every fill emits OrderFilled for the maker and the taker and a public
/// Trade; each level touched publishes one BookDelta when the sweep leaves it.
/// </summary>
internal sealed class Matcher
{
    private readonly OrderStore _orders;
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;
    private readonly OpenOrders _open;
    private readonly Clearing _clearing;
    private readonly EventEmitter _events;

    public Matcher(OrderStore orders, AccountStore accounts, Market[] markets, OpenOrders open, Clearing clearing, EventEmitter events)
    {
        _orders = orders;
        _accounts = accounts;
        _markets = markets;
        _open = open;
        _clearing = clearing;
        _events = events;
    }

    /// <summary>Receives the fills of forced orders (the liquidation engine).</summary>
    public IForcedFills? ForcedFills { get; set; }

    /// <summary>Stop-loss / take-profit plans, told about the fills of their orders.</summary>
    public Conditional.ExitPlans? Exits { get; set; }

    /// <summary>Last trade id handed out (trade ids start at 1).</summary>
    public long LastTradeId { get; set; }

    /// <summary>The quantity a reduce-only order could still take off its account's position.</summary>
    public long Reducible(in Order o) => _accounts.PositionOf(o.Account, o.Market).Reducible(o.Side);

    /// <summary>
    /// True if the taker at <paramref name="limit"/> would fill completely right now (fill-or-kill
    /// pre-check), counting only the liquidity the sweep would really reach under its self-trade mode.
    /// </summary>
    public bool CanFillCompletely(int takerSlot, long limit)
    {
        ref Order t = ref _orders[takerSlot];
        long needed = t.Remaining;
        if (t.IsReduceOnly && Reducible(t) < needed) return false;
        BookSide makers = _markets[t.Market].Book.OppositeOf(t.Side);
        for (int depth = 0; depth < makers.LevelCount && needed > 0; depth++)
        {
            ref PriceLevel level = ref makers.Level(makers.LevelAtDepth(depth));
            if (!makers.Crosses(level.Price, limit)) break;
            for (int slot = level.Head; slot != OrderStore.None && needed > 0; slot = _orders[slot].Next)
            {
                ref Order m = ref _orders[slot];
                if (m.Account == t.Account)
                {
                    if (t.Stp == SelfTradePrevention.RejectMaker) continue;
                    return false;
                }
                needed -= m.IsReduceOnly ? Math.Min(m.Remaining, Reducible(m)) : m.Remaining;
            }
        }
        return needed <= 0;
    }

    /// <summary>Matches the in-flight taker in <paramref name="takerSlot"/> down to <paramref name="limit"/>.</summary>
    public MatchOutcome Match(int takerSlot, long limit)
    {
        ref Order t = ref _orders[takerSlot];
        Market market = _markets[t.Market];
        OrderBook book = market.Book;
        BookSide makers = book.OppositeOf(t.Side);
        while (t.Remaining > 0)
        {
            int levelSlot = makers.BestLevel;
            if (levelSlot == BookSide.None) return MatchOutcome.NoLiquidity;
            long levelPrice = makers.Level(levelSlot).Price;
            if (!makers.Crosses(levelPrice, limit)) return MatchOutcome.NoLiquidity;

            MatchOutcome stop = SweepLevel(takerSlot, makers, levelSlot, levelPrice, market, out long levelLeft);
            book.Publish(makers.Side, levelPrice, levelLeft);
            if (stop != MatchOutcome.Filled) return stop;
        }
        return MatchOutcome.Filled;
    }

    /// <summary>
    /// Fills the taker against one level, oldest order first. Returns Filled when the level was used
    /// up or the taker is done (the caller loops), or the reason the sweep must stop.
    /// </summary>
    private MatchOutcome SweepLevel(int takerSlot, BookSide makers, int levelSlot, long price, Market market, out long levelLeft)
    {
        ref Order t = ref _orders[takerSlot];
        levelLeft = makers.Level(levelSlot).Quantity;
        int makerSlot = makers.Level(levelSlot).Head;
        while (makerSlot != OrderStore.None && t.Remaining > 0)
        {
            ref Order m = ref _orders[makerSlot];
            int next = m.Next;

            if (m.Account == t.Account)
            {
                if (t.Stp == SelfTradePrevention.RejectTaker) return MatchOutcome.SelfTrade;
                levelLeft -= m.Remaining;
                _open.Cancel(makerSlot, CancelReason.SelfTradePrevention, requestId: 0, publish: false);
                if (t.Stp == SelfTradePrevention.RejectBoth) return MatchOutcome.SelfTrade;
                makerSlot = next;
                continue;
            }

            long quantity = Math.Min(t.Remaining, m.Remaining);
            if (t.IsReduceOnly)
            {
                quantity = Math.Min(quantity, Reducible(t));
                if (quantity == 0) return MatchOutcome.ReduceOnlyExhausted;
            }
            if (m.IsReduceOnly)
            {
                long cap = Reducible(m);
                if (cap == 0)
                {
                    levelLeft -= m.Remaining;
                    _open.Cancel(makerSlot, CancelReason.ReduceOnly, requestId: 0, publish: false);
                    makerSlot = next;
                    continue;
                }
                quantity = Math.Min(quantity, cap);
            }

            Execute(takerSlot, makerSlot, price, quantity, market);
            levelLeft -= quantity;
            makerSlot = next;
        }
        return MatchOutcome.Filled;
    }

    private void Execute(int takerSlot, int makerSlot, long price, long quantity, Market market)
    {
        ref Order t = ref _orders[takerSlot];
        ref Order m = ref _orders[makerSlot];
        MarketRules rules = market.Rules;
        long quote = rules.Quote(price, quantity);
        long tradeId = ++LastTradeId;

        // Forced orders (liquidation slices, the fund's unwinding) pay no trading fee: the
        // liquidation fee replaces it.
        bool forced = t.Origin != OrderOrigin.User;
        long makerFee = _clearing.ApplyFill(m.Account, m.Market, m.Side, price, quantity, rules.MakerFeePpm, out _);
        long takerFee = _clearing.ApplyFill(t.Account, t.Market, t.Side, price, quantity, forced ? 0 : rules.TakerFeePpm, out long takerRealized);
        if (t.LiquidationId != 0) _clearing.NoteLiquidation(t.Account, t.Market, t.LiquidationId);

        m.Filled += quantity;
        m.FilledQuote += quote;
        t.Filled += quantity;
        t.FilledQuote += quote;
        t.Remaining -= quantity;
        market.LastTradePrice = price;

        var header = _events.Header;
        _events.Emit(new OrderFilled(header, _accounts[m.Account].AccountId, m.Market + 1, m.OrderId, m.ClientOrderId, m.Side,
            tradeId, price, quantity, m.Remaining - quantity, m.Filled, m.FilledQuote, makerFee, Liquidity.Maker, m.Origin, m.LiquidationId,
            m.LiquidationId != 0 ? LiquidationStage.Book : LiquidationStage.None));
        _events.Emit(new OrderFilled(header, _accounts[t.Account].AccountId, t.Market + 1, t.OrderId, t.ClientOrderId, t.Side,
            tradeId, price, quantity, t.Remaining, t.Filled, t.FilledQuote, takerFee, Liquidity.Taker, t.Origin, t.LiquidationId,
            t.LiquidationId != 0 ? LiquidationStage.Book : LiquidationStage.None));
        _events.Emit(new Trade(header, t.Market + 1, tradeId, price, quantity, t.Side, t.Origin));
        if (forced) ForcedFills?.OnForcedFill(t.Account, t.Market, t.Side, price, quantity, tradeId, t.LiquidationId, m.Account, takerRealized);
        if (Exits is { Count: > 0 } exits)
        {
            exits.OnFilled(m.OrderId, quantity);
            exits.OnFilled(t.OrderId, quantity);
        }

        // Last: a maker that is now filled leaves the book and its slot is reused.
        _open.MakerFilled(makerSlot, quantity);
    }
}

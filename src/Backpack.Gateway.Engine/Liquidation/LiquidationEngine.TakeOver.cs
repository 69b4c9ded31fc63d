using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>Stages 2 and 3: backstop providers, the insurance fund, then auto-deleveraging, all off the book.</summary>
internal sealed partial class LiquidationEngine
{
    /// <summary>Stage 2 then 3 for every position in a market whose mark is fresh.</summary>
    private void TakeOver(Active liq, in MarginFigures f)
    {
        liq.UsedBackstop = true;
        for (int m = 0; m < _markets.Length; m++)
        {
            long q = _accounts.PositionOf(liq.Account, m).Quantity;
            if (q == 0 || IsPaused(m)) continue;
            Market mk = _markets[m];
            long mm = _margin.PositionFigures(liq.Account, m).MaintenanceMargin;
            long bankruptcy = Math.Max(1, LiquidationMath.BankruptcyPrice(mk.Rules, mk.MarkPrice, q,
                LiquidationMath.EquityShare(f.Equity, mm, f.MaintenanceMargin)));
            Side side = q > 0 ? Side.Sell : Side.Buy;
            long remaining = Math.Abs(q);
            remaining = TakeByProviders(liq, m, side, remaining, bankruptcy);
            remaining = TakeByFund(liq, m, side, remaining, bankruptcy, limited: true);
            remaining = Deleverage(liq, m, side, remaining, bankruptcy);
            // Open interest always has an opposite side; if every holder of it is excluded (being
            // liquidated), the fund takes the rest beyond its limits rather than leave it open.
            if (remaining > 0) TakeByFund(liq, m, side, remaining, bankruptcy, limited: false);
        }
    }

    private long TakeByProviders(Active liq, int market, Side side, long remaining, long bankruptcy)
    {
        if (remaining == 0 || Providers.Count == 0) return remaining;
        Market mk = _markets[market];
        long now = _events.Time;
        long lotValue = mk.Rules.QuotePerTickLot * mk.MarkPrice;
        long price = LiquidationMath.ProviderPrice(mk.MarkPrice, bankruptcy, side, _options.BackstopBandPpm);
        var caps = new long[Providers.Count];
        long total = 0;
        for (int i = 0; i < caps.Length; i++)
        {
            int account = ProviderIndex(i);
            if (account < 0 || account == liq.Account || _accounts[account].Liquidating) continue;
            caps[i] = Providers.Remaining(i, now);
            total += caps[i];
        }
        if (total == 0) return remaining;

        // Shares are worked out from the whole quantity first: pro rata to remaining capacity when
        // the capacity covers it (leftover lots from rounding go one each, in registration order),
        // otherwise each provider takes what its capacity allows.
        long wanted = remaining * lotValue;
        var lots = new long[caps.Length];
        long allocated = 0;
        for (int i = 0; i < caps.Length; i++)
        {
            long most = caps[i] / Math.Max(1, lotValue);
            lots[i] = Math.Min(most, total >= wanted ? FixedMath.MulDivFloor(remaining, caps[i], total) : most);
            allocated += lots[i];
        }
        for (int i = 0; i < caps.Length && allocated < remaining; i++)
        {
            if (lots[i] < caps[i] / Math.Max(1, lotValue))
            {
                lots[i]++;
                allocated++;
            }
        }

        Side opposite = side == Side.Buy ? Side.Sell : Side.Buy;
        for (int i = 0; i < caps.Length && remaining > 0; i++)
        {
            long take = Math.Min(lots[i], remaining);
            if (take <= 0) continue;
            int provider = ProviderIndex(i);
            if (_margin.CheckOrder(provider, market, opposite, price, take) != RejectReason.None) continue;
            ExecuteOffBook(liq, market, side, take, bankruptcy, provider, price, LiquidationStage.Backstop, OrderOrigin.BackstopLiquidityProvider);
            long share = side == Side.Sell ? mk.Rules.Quote(price - bankruptcy, take) : mk.Rules.Quote(bankruptcy - price, take);
            if (share >= 0) Fund.Move(share, InsuranceFundReason.BackstopShare, liq.Id);
            else PayFromFund(-share, liq.Id);
            Providers.RecordTake(i, now, mk.Rules.Quote(price, take));
            Statistics.ProviderNotional += mk.Rules.Quote(price, take);
            remaining -= take;
        }
        return remaining;
    }

    private int ProviderIndex(int i) => _accounts.TryGetIndex(Providers.AccountAt(i), out int index) ? index : -1;

    /// <summary>The fund as taker of last resort: at the bankruptcy price, within its notional limit and what it can lose.</summary>
    private long TakeByFund(Active liq, int market, Side side, long remaining, long bankruptcy, bool limited)
    {
        if (remaining == 0) return 0;
        Market mk = _markets[market];
        long lots = remaining;
        if (limited)
        {
            long equity = _margin.Equity(Fund.Account);
            if (equity <= 0) return remaining;
            long lotValue = mk.Rules.QuotePerTickLot * mk.MarkPrice;
            long limitLots = FixedMath.MulDivFloor(equity, _options.FundLimitPpm, FixedMath.PartsPerMillion) / Math.Max(1, lotValue);
            long held = _accounts.PositionOf(Fund.Account, market).Quantity;
            // The fund buys what a long sells and sells what a short buys.
            long byLimit = side == Side.Sell ? limitLots - held : held + limitLots;
            long lossPerLot = side == Side.Sell ? mk.Rules.Quote(bankruptcy - mk.MarkPrice, 1) : mk.Rules.Quote(mk.MarkPrice - bankruptcy, 1);
            long byLoss = lossPerLot > 0 ? equity / lossPerLot : long.MaxValue;
            lots = Math.Max(0, Math.Min(remaining, Math.Min(byLimit, byLoss)));
        }
        if (lots == 0) return remaining;
        ExecuteOffBook(liq, market, side, lots, bankruptcy, Fund.Account, bankruptcy, LiquidationStage.Backstop, OrderOrigin.BackstopLiquidityProvider);
        Statistics.FundNotional += mk.Rules.Quote(bankruptcy, lots);
        return remaining - lots;
    }

    /// <summary>Stage 3: closes the rest against the ADL queue at the bankruptcy price, no fee.</summary>
    private long Deleverage(Active liq, int market, Side side, long remaining, long bankruptcy)
    {
        if (remaining == 0) return 0;
        bool againstLong = side == Side.Sell;
        int key = market * 2 + (againstLong ? 0 : 1);
        // Ranking is O(accounts): done once per tick and market side, then walked with a cursor.
        AdlCursor queue = _adlQueues[key] ??= new AdlCursor(Adl.Queue(market, againstLong));
        for (int i = queue.Next; i < queue.Accounts.Count && remaining > 0; i++)
        {
            int counterparty = queue.Accounts[i];
            long q = _accounts.PositionOf(counterparty, market).Quantity;
            bool stillOpposite = againstLong ? q < 0 : q > 0;
            if (!stillOpposite || counterparty == liq.Account || _accounts[counterparty].Liquidating)
            {
                if (i == queue.Next && (!stillOpposite || _accounts[counterparty].Liquidating)) queue.Next++;
                continue;
            }
            long lots = Math.Min(remaining, Math.Abs(q));
            double score = Adl.Score(counterparty, market, _margin.Equity(counterparty));
            ExecuteOffBook(liq, market, side, lots, bankruptcy, counterparty, bankruptcy, LiquidationStage.Adl, OrderOrigin.AdlAutoclose, (i + 1, AdlRanking.Ppm(score)));
            Statistics.AdlNotional += _markets[market].Rules.Quote(bankruptcy, lots);
            remaining -= lots;
            if (i == queue.Next && _accounts.PositionOf(counterparty, market).Quantity == 0) queue.Next++;
        }
        return remaining;
    }

    /// <summary>A tick's ADL queue for one market side and how far it is used up.</summary>
    private sealed class AdlCursor(List<int> accounts)
    {
        public List<int> Accounts { get; } = accounts;
        public int Next { get; set; }
    }

    /// <summary>
    /// An off-book close: the liquidated account at <paramref name="liquidatedPrice"/>, the taker of
    /// the position at <paramref name="takerPrice"/>, no trading fee. Both get an OrderFilled with the
    /// stage's origin; the public gets a LiquidationFill with a trade id but no Trade print.
    /// </summary>
    private void ExecuteOffBook(Active liq, int market, Side side, long lots, long liquidatedPrice, int taker, long takerPrice, LiquidationStage stage, OrderOrigin origin,
        (int Rank, long Score) adl = default)
    {
        Side opposite = side == Side.Buy ? Side.Sell : Side.Buy;
        long tradeId = ++_matcher.LastTradeId;
        _clearing.ApplyFill(liq.Account, market, side, liquidatedPrice, lots, 0, out _);
        _clearing.ApplyFill(taker, market, opposite, takerPrice, lots, 0, out long takerRealized);
        _clearing.NoteLiquidation(liq.Account, market, liq.Id);
        _clearing.NoteLiquidation(taker, market, liq.Id);
        MarketRules rules = _markets[market].Rules;
        int liquidatedId = _accounts[liq.Account].AccountId;
        int takerId = _accounts[taker].AccountId;
        var h = _events.Header;
        _events.Emit(new OrderFilled(h, liquidatedId, market + 1, 0, 0, side, tradeId, liquidatedPrice, lots, 0, lots,
            rules.Quote(liquidatedPrice, lots), 0, Liquidity.Taker, origin, liq.Id, stage));
        _events.Emit(new OrderFilled(h, takerId, market + 1, 0, 0, opposite, tradeId, takerPrice, lots, 0, lots,
            rules.Quote(takerPrice, lots), 0, Liquidity.Maker, origin, liq.Id, stage));
        _events.Emit(new LiquidationFill(h, liq.Id, liquidatedId, market + 1, stage, side, liquidatedPrice, lots, tradeId, liquidatedPrice, 0, takerId));
        if (stage == LiquidationStage.Adl)
        {
            var (rank, score) = adl;
            _events.Emit(new AdlNotice(h, liquidatedId, liq.Id, market + 1, AdlRole.Liquidated, side, liquidatedPrice, lots, takerId, rank, score));
            _events.Emit(new AdlNotice(h, takerId, liq.Id, market + 1, AdlRole.Counterparty, opposite, takerPrice, lots, liquidatedId, rank, score));
        }
        if (taker == Fund.Account) Fund.Record(takerRealized, InsuranceFundReason.TakeoverPnl, liq.Id);
        liq.ClosedAny = true;
        liq.LastFillTime = _events.Time;
    }
}

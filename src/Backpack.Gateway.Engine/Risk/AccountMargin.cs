using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Risk;

/// <summary>An account's cross-margin figures at mark prices, micro-USDC.</summary>
/// <param name="Equity">collateral plus unrealized PnL</param>
/// <param name="MaintenanceMargin">sum of position notional x MMF</param>
/// <param name="Notional">sum of |position| x mark</param>
internal readonly record struct MarginFigures(long Equity, long MaintenanceMargin, long Notional)
{
    /// <summary>MM / E in parts per million (long.MaxValue when equity is not positive).</summary>
    public long MarginRatioPpm => Equity <= 0 ? long.MaxValue : FixedMath.MulDivCeil(MaintenanceMargin, FixedMath.PartsPerMillion, Equity);

    /// <summary>E / notional in parts per million (0 without positions).</summary>
    public long MarginFractionPpm => Notional == 0 ? 0 : FixedMath.MulDivFloor(Equity, FixedMath.PartsPerMillion, Notional);

    /// <summary>True when MM / E &gt;= ratio (ratio in ppm), or equity is not positive.</summary>
    public bool AtOrAbove(long ratioPpm) =>
        Equity <= 0 || FixedMath.ProductAtLeast(MaintenanceMargin, FixedMath.PartsPerMillion, Equity, ratioPpm);
}

/// <summary>
/// Cross-margin figures of an account at mark prices, and the pre-trade and withdrawal checks.
/// Exposure of a market is the worst case of the position plus its open orders on one side:
/// max(positionValue + openBuyNotional, openSellNotional - positionValue), open orders valued at
/// their limit prices. Initial margin sums exposure x IMF over markets; an order is admitted only
/// if initial margin stays below equity afterwards, or if it does not raise the market's exposure.
/// </summary>
internal sealed class AccountMargin
{
    private readonly AccountStore _accounts;
    private readonly Market[] _markets;

    public AccountMargin(AccountStore accounts, Market[] markets)
    {
        _accounts = accounts;
        _markets = markets;
    }

    /// <summary>Collateral plus unrealized PnL at mark, micro-USDC.</summary>
    public long Equity(int account)
    {
        long equity = _accounts[account].Collateral;
        var positions = _accounts.PositionsOf(account);
        for (int m = 0; m < positions.Length; m++)
        {
            ref Position p = ref positions[m];
            if (p.Quantity != 0) equity += _markets[m].Rules.Quote(_markets[m].MarkPrice, p.Quantity) - p.Cost;
        }
        return equity;
    }

    /// <summary>Worst-case exposure of a position and its open orders, micro-USDC.</summary>
    public static long Exposure(long positionValue, long openBuyQuote, long openSellQuote) =>
        Math.Max(positionValue + openBuyQuote, openSellQuote - positionValue);

    /// <summary>Equity and initial margin in one pass over the account's positions.</summary>
    public (long Equity, long InitialMargin) EquityAndInitialMargin(int account)
    {
        long equity = _accounts[account].Collateral;
        long im = 0;
        var positions = _accounts.PositionsOf(account);
        for (int m = 0; m < positions.Length; m++)
        {
            ref Position p = ref positions[m];
            if (p.Quantity == 0 && p.OpenBuyQuote == 0 && p.OpenSellQuote == 0) continue;
            MarketRules rules = _markets[m].Rules;
            long value = rules.Quote(_markets[m].MarkPrice, p.Quantity);
            equity += value - p.Cost;
            im += MarginCalculator.InitialMargin(rules, Exposure(value, p.OpenBuyQuote, p.OpenSellQuote));
        }
        return (equity, im);
    }

    public long InitialMargin(int account) => EquityAndInitialMargin(account).InitialMargin;

    /// <summary>Equity, maintenance margin and position notional in one pass.</summary>
    public MarginFigures Figures(int account)
    {
        long equity = _accounts[account].Collateral;
        long mm = 0;
        long notional = 0;
        var positions = _accounts.PositionsOf(account);
        for (int m = 0; m < positions.Length; m++)
        {
            ref Position p = ref positions[m];
            if (p.Quantity == 0) continue;
            MarketRules rules = _markets[m].Rules;
            long value = rules.Quote(_markets[m].MarkPrice, p.Quantity);
            equity += value - p.Cost;
            long n = Math.Abs(value);
            notional += n;
            mm += MarginCalculator.MaintenanceMargin(rules, n);
        }
        return new MarginFigures(equity, mm, notional);
    }

    /// <summary>Notional (micro-USDC, at mark) and maintenance margin of one position.</summary>
    public (long Notional, long MaintenanceMargin) PositionFigures(int account, int market)
    {
        ref Position p = ref _accounts.PositionOf(account, market);
        MarketRules rules = _markets[market].Rules;
        long n = Math.Abs(rules.Quote(_markets[market].MarkPrice, p.Quantity));
        return (n, MarginCalculator.MaintenanceMargin(rules, n));
    }

    public long MaintenanceMargin(int account) => Figures(account).MaintenanceMargin;

    /// <summary>
    /// Checks an order that would add <paramref name="quantity"/> at <paramref name="price"/> to the
    /// open orders of a market, after removing <paramref name="replacedQuote"/> of the same side (for
    /// a replace). Returns <see cref="RejectReason.None"/> when admitted.
    /// </summary>
    public RejectReason CheckOrder(int account, int market, Side side, long price, long quantity, long replacedQuote = 0)
    {
        var (before, after) = ExposureChange(account, market, side, price, quantity, replacedQuote);
        if (after <= before) return RejectReason.None; // only reduces (or keeps) exposure

        MarketRules rules = _markets[market].Rules;
        var (equity, im) = EquityAndInitialMargin(account);
        im += MarginCalculator.InitialMargin(rules, after) - MarginCalculator.InitialMargin(rules, before);
        return im < equity ? RejectReason.None : RejectReason.InsufficientMargin;
    }

    /// <summary>True if the order would raise its market's worst-case exposure.</summary>
    public bool RaisesExposure(int account, int market, Side side, long price, long quantity, long replacedQuote = 0)
    {
        var (before, after) = ExposureChange(account, market, side, price, quantity, replacedQuote);
        return after > before;
    }

    private (long Before, long After) ExposureChange(int account, int market, Side side, long price, long quantity, long replacedQuote)
    {
        ref Position p = ref _accounts.PositionOf(account, market);
        MarketRules rules = _markets[market].Rules;
        long value = rules.Quote(_markets[market].MarkPrice, p.Quantity);
        long before = Exposure(value, p.OpenBuyQuote, p.OpenSellQuote);
        long added = rules.Quote(price, quantity) - replacedQuote;
        long after = side == Side.Buy
            ? Exposure(value, p.OpenBuyQuote + added, p.OpenSellQuote)
            : Exposure(value, p.OpenBuyQuote, p.OpenSellQuote + added);
        return (before, after);
    }

    /// <summary>What can be withdrawn: collateral not needed as initial margin, never unrealized profit.</summary>
    public long Withdrawable(int account)
    {
        var (equity, im) = EquityAndInitialMargin(account);
        long free = equity - im;
        return Math.Max(0, Math.Min(free, _accounts[account].Collateral));
    }
}

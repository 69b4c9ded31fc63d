using Backpack.Gateway.Engine.Liquidation;

namespace Backpack.Gateway.Engine.State;

/// <summary>
/// The venue at one sequence number, for operators (the admin endpoint) and tests: accounts, open
/// interest per market, the insurance fund, the liquidation pipeline's totals and the money checks.
/// Cash in micro-USDC, prices in ticks, quantities in lots. <see cref="Accounts"/> and the negative-equity
/// figures count traders, not the insurance fund's account; <see cref="AccountsWithPositions"/> includes the
/// fund when it holds a position it took over.
/// </summary>
public sealed record VenueSummary(
    long Sequence,
    long Time,
    int Accounts,
    int AccountsWithPositions,
    int OpenOrders,
    IReadOnlyList<MarketSummary> Markets,
    long InsuranceFund,
    long FeeIncome,
    long TotalDeposits,
    long TotalWithdrawals,
    long Collateral,
    int NegativeEquityAccounts,
    long NegativeEquity,
    int Liquidating,
    LiquidationStatistics Liquidations)
{
    /// <summary>
    /// Cash the books cannot account for: deposits - withdrawals - (collateral - cost basis + fee
    /// income). Zero when money is conserved.
    /// </summary>
    public long CashDiscrepancy { get; init; }

    /// <summary>Funding so far: paid by positions, received by positions, the fund's rounding residue, payments.</summary>
    public FundingTotals Funding { get; init; } = new(0, 0, 0, 0);

    /// <summary>Conditional orders: waiting for their trigger, fired into the book, fired but refused.</summary>
    public ConditionalTotals Conditional { get; init; } = new(0, 0, 0);

    /// <summary>True when long and short open interest are equal in every market.</summary>
    public bool OpenInterestBalanced
    {
        get
        {
            foreach (var m in Markets)
            {
                if (m.LongOpenInterest != m.ShortOpenInterest) return false;
            }
            return true;
        }
    }
}

/// <summary>One market in a <see cref="VenueSummary"/>: prices, open interest and the top of the book (0 when a side is empty).</summary>
public sealed record MarketSummary(
    int MarketId,
    string Symbol,
    long IndexPrice,
    long MarkPrice,
    long LongOpenInterest,
    long ShortOpenInterest,
    long BestBid,
    long BestAsk,
    int BidLevels,
    int AskLevels)
{
    /// <summary>Funding rate of the interval under way (estimate) and of the last funding time, parts per billion; the next funding time (engine microseconds, 0 = none).</summary>
    public long EstimatedFundingRate { get; init; }
    public long LastFundingRate { get; init; }
    public long NextFundingTime { get; init; }
}

/// <summary>Funding totals in micro-USDC. Funding is zero-sum: <see cref="Balanced"/> holds at every sequence number.</summary>
public sealed record FundingTotals(long Paid, long Received, long Residue, long Payments)
{
    public bool Balanced => Residue >= 0 && Paid == Received + Residue;
}

/// <summary>Conditional (trigger, stop-loss, take-profit) orders.</summary>
public sealed record ConditionalTotals(int Pending, long Fired, long Failed);

using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Host.Admin;

/// <summary>GET /admin/summary: the engine's <see cref="VenueSummary"/> in decimal units (USDC, prices, quantities) for people and scripts.</summary>
public sealed record SummaryDocument(
    long Sequence,
    long Time,
    string StateHash,
    int Accounts,
    int AccountsWithPositions,
    int OpenOrders,
    IReadOnlyList<SummaryDocument.Market> Markets,
    decimal InsuranceFund,
    decimal FeeIncome,
    decimal Deposits,
    decimal Withdrawals,
    SummaryDocument.Liquidation Liquidations,
    SummaryDocument.FundingFigures Funding,
    SummaryDocument.ConditionalOrders Conditional,
    SummaryDocument.Checks MoneyChecks,
    FeedStatus Feed)
{
    /// <param name="FundingRate">the estimated funding rate of the interval under way (0.0001 = 0.01%)</param>
    /// <param name="NextFundingTime">engine time of the next funding payment, microseconds (null: no funding)</param>
    public sealed record Market(string Symbol, decimal TickSize, decimal StepSize, decimal Index, decimal Mark, decimal LongOpenInterest, decimal ShortOpenInterest,
        decimal OpenInterestNotional, decimal? BestBid, decimal? BestAsk, int BidLevels, int AskLevels, decimal FundingRate, decimal LastFundingRate,
        long? NextFundingTime);

    /// <summary>Funding so far in USDC: paid and received by positions, the fund's rounding residue, and how many payments.</summary>
    public sealed record FundingFigures(decimal Paid, decimal Received, decimal ResidueToFund, long Payments);

    /// <summary>Trigger orders and stop-loss / take-profit legs: waiting, fired into the book, fired but refused.</summary>
    public sealed record ConditionalOrders(int Pending, long Fired, long Failed);

    /// <summary>Counts and notional per stage; <c>BookShare</c> is the share of the notional closed on the order book.</summary>
    public sealed record Liquidation(long Started, long Active, long Averted, long Partial, long Full, long Bankrupt,
        decimal BookNotional, decimal BackstopNotional, decimal FundNotional, decimal AdlNotional, decimal TotalNotional, decimal? BookShare,
        decimal Fees, decimal ShortfallsPaid, decimal LargestShortfall);

    /// <summary>Money checks: the discrepancy is zero, open interest and funding balance, at every sequence number.</summary>
    public sealed record Checks(decimal CashDiscrepancy, bool OpenInterestBalanced, bool FundingBalanced, int NegativeEquityAccounts, decimal NegativeEquity);

    /// <param name="stateHash">the engine's state hash at the same sequence (hex, as the journal replay tool prints it)</param>
    public static SummaryDocument From(VenueSummary s, ulong stateHash, Venue venue, FeedStatus feed)
    {
        var markets = s.Markets.Select(m =>
        {
            var d = venue.Markets[m.MarketId - 1];
            decimal Price(long ticks) => ticks * d.TickSize;
            decimal Quantity(long lots) => lots * d.StepSize;
            return new Market(m.Symbol, d.TickSize, d.StepSize, Price(m.IndexPrice), Price(m.MarkPrice), Quantity(m.LongOpenInterest), Quantity(m.ShortOpenInterest),
                Price(m.MarkPrice) * Quantity(m.LongOpenInterest), m.BestBid > 0 ? Price(m.BestBid) : null, m.BestAsk > 0 ? Price(m.BestAsk) : null,
                m.BidLevels, m.AskLevels, m.EstimatedFundingRate / 1_000_000_000m, m.LastFundingRate / 1_000_000_000m,
                m.NextFundingTime == 0 ? null : m.NextFundingTime);
        }).ToList();
        var l = s.Liquidations;
        var liquidations = new Liquidation(l.Started, l.Active, l.Averted, l.Partial, l.Full, l.Bankrupt,
            Usdc.ToDecimal(l.BookNotional), Usdc.ToDecimal(l.ProviderNotional), Usdc.ToDecimal(l.FundNotional), Usdc.ToDecimal(l.AdlNotional),
            Usdc.ToDecimal(l.TotalNotional), l.TotalNotional == 0 ? null : Math.Round((decimal)l.BookNotional / l.TotalNotional, 6),
            Usdc.ToDecimal(l.LiquidationFees), Usdc.ToDecimal(l.ShortfallsPaid), Usdc.ToDecimal(l.LargestShortfall));
        return new SummaryDocument(s.Sequence, s.Time, stateHash.ToString("x16"), s.Accounts, s.AccountsWithPositions, s.OpenOrders, markets,
            Usdc.ToDecimal(s.InsuranceFund), Usdc.ToDecimal(s.FeeIncome), Usdc.ToDecimal(s.TotalDeposits), Usdc.ToDecimal(s.TotalWithdrawals),
            liquidations,
            new FundingFigures(Usdc.ToDecimal(s.Funding.Paid), Usdc.ToDecimal(s.Funding.Received), Usdc.ToDecimal(s.Funding.Residue), s.Funding.Payments),
            new ConditionalOrders(s.Conditional.Pending, s.Conditional.Fired, s.Conditional.Failed),
            new Checks(Usdc.ToDecimal(s.CashDiscrepancy), s.OpenInterestBalanced, s.Funding.Balanced, s.NegativeEquityAccounts, Usdc.ToDecimal(s.NegativeEquity)),
            feed);
    }
}

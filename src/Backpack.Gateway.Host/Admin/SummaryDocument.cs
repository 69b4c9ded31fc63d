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
    SummaryDocument.Checks MoneyChecks,
    FeedStatus Feed)
{
    public sealed record Market(string Symbol, decimal TickSize, decimal StepSize, decimal Index, decimal Mark, decimal LongOpenInterest, decimal ShortOpenInterest,
        decimal OpenInterestNotional, decimal? BestBid, decimal? BestAsk, int BidLevels, int AskLevels);

    /// <summary>Counts and notional per stage; <c>BookShare</c> is the share of the notional closed on the order book.</summary>
    public sealed record Liquidation(long Started, long Active, long Averted, long Partial, long Full, long Bankrupt,
        decimal BookNotional, decimal BackstopNotional, decimal FundNotional, decimal AdlNotional, decimal TotalNotional, decimal? BookShare,
        decimal Fees, decimal ShortfallsPaid, decimal LargestShortfall);

    /// <summary>Money checks: both must hold at every sequence number.</summary>
    public sealed record Checks(decimal CashDiscrepancy, bool OpenInterestBalanced, int NegativeEquityAccounts, decimal NegativeEquity);

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
                m.BidLevels, m.AskLevels);
        }).ToList();
        var l = s.Liquidations;
        var liquidations = new Liquidation(l.Started, l.Active, l.Averted, l.Partial, l.Full, l.Bankrupt,
            Usdc.ToDecimal(l.BookNotional), Usdc.ToDecimal(l.ProviderNotional), Usdc.ToDecimal(l.FundNotional), Usdc.ToDecimal(l.AdlNotional),
            Usdc.ToDecimal(l.TotalNotional), l.TotalNotional == 0 ? null : Math.Round((decimal)l.BookNotional / l.TotalNotional, 6),
            Usdc.ToDecimal(l.LiquidationFees), Usdc.ToDecimal(l.ShortfallsPaid), Usdc.ToDecimal(l.LargestShortfall));
        return new SummaryDocument(s.Sequence, s.Time, stateHash.ToString("x16"), s.Accounts, s.AccountsWithPositions, s.OpenOrders, markets,
            Usdc.ToDecimal(s.InsuranceFund), Usdc.ToDecimal(s.FeeIncome), Usdc.ToDecimal(s.TotalDeposits), Usdc.ToDecimal(s.TotalWithdrawals),
            liquidations, new Checks(Usdc.ToDecimal(s.CashDiscrepancy), s.OpenInterestBalanced, s.NegativeEquityAccounts, Usdc.ToDecimal(s.NegativeEquity)),
            feed);
    }
}

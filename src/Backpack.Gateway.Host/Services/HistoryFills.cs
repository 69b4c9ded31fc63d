using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Host.Services;

/// <summary>The history database's fills for the FIX trade capture (TradeCaptureReportRequest).</summary>
public sealed class HistoryFills(HistoryReader reader) : IFillHistory
{
    public IReadOnlyList<FixFill> Fills(int account, int marketId, long from, long to, int limit) =>
        reader.Fills(account, marketId, from, to == long.MaxValue ? long.MaxValue : to - 1, limit, 0)
            .Select(r => new FixFill(r.Account, r.Market, r.TradeId, r.OrderId, r.ClientOrderId, (Side)r.Side, r.Price, r.Quantity, r.Fee,
                (Liquidity)r.Liquidity, (OrderOrigin)r.Origin, r.LiquidationId, r.Time))
            .ToList();
}

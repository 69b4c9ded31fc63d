using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Rest.Orders;

/// <summary>
/// An account's figures in USDC, from the engine's answer to QueryAccount: each position's value at
/// its mark, entry price, unrealized PnL and margin fractions, and an estimate of the mark at which
/// the account would reach maintenance if only that market's price moved. Display figures for the
/// REST answers; the engine's own arithmetic decides.
/// </summary>
public sealed class AccountFigures
{
    private readonly RestVenue _venue;

    public AccountFigures(RestVenue venue, DeskTicket query)
    {
        _venue = venue;
        Snapshot = query.Account;
        Positions = query.Positions.Where(p => p.Quantity != 0).ToList();
        Orders = query.Orders;
    }

    public AccountSnapshot? Snapshot { get; }
    public List<PositionSnapshot> Positions { get; }
    public List<OrderSnapshot> Orders { get; }

    public decimal Collateral => Usdc.ToDecimal(Snapshot?.Collateral ?? 0);
    public decimal Equity => Usdc.ToDecimal(Snapshot?.Equity ?? 0);
    public decimal InitialMargin => Usdc.ToDecimal(Snapshot?.InitialMargin ?? 0);
    public decimal MaintenanceMargin => Usdc.ToDecimal(Snapshot?.MaintenanceMargin ?? 0);

    /// <summary>Sum of the positions' absolute notionals at their marks.</summary>
    public decimal Exposure => Positions.Sum(p => Math.Abs(Value(p)));

    public MarketDefinition Market(in PositionSnapshot p) => _venue.Market(p.MarketId);

    public decimal Quantity(in PositionSnapshot p) => p.Quantity * Market(p).StepSize;
    public decimal Mark(in PositionSnapshot p) => p.MarkPrice * Market(p).TickSize;

    /// <summary>Signed value at the mark (negative for a short).</summary>
    public decimal Value(in PositionSnapshot p) => Quantity(p) * Mark(p);

    /// <summary>Signed entry notional: positive long, negative short (Backpack's netCost).</summary>
    public decimal Cost(in PositionSnapshot p) => Math.Sign(p.Quantity) * Usdc.ToDecimal(p.EntryNotional);

    public decimal EntryPrice(in PositionSnapshot p) => Usdc.ToDecimal(p.EntryNotional) / Math.Abs(Quantity(p));

    public decimal Unrealized(in PositionSnapshot p) => Value(p) - Cost(p);

    public decimal Imf(in PositionSnapshot p) => MarginCurve.Initial(Market(p), Value(p));
    public decimal Mmf(in PositionSnapshot p) => MarginCurve.Maintenance(Market(p), Value(p));

    /// <summary>
    /// The mark P of <paramref name="p"/>'s market at which equity meets maintenance, the other
    /// positions held at their marks: collateral + Σ(value - cost) = Σ |value| x mmf, solved for P;
    /// rounded to a tick on the adverse side; 0 when there is none (P at or below 0).
    /// </summary>
    public decimal EstimatedLiquidationPrice(in PositionSnapshot p)
    {
        decimal otherUnrealized = 0, otherMaintenance = 0;
        foreach (var other in Positions)
        {
            if (other.MarketId == p.MarketId) continue;
            otherUnrealized += Unrealized(other);
            otherMaintenance += Math.Abs(Value(other)) * Mmf(other);
        }
        decimal q = Quantity(p);
        decimal mmf = Mmf(p);
        decimal denominator = q - Math.Abs(q) * mmf;
        if (denominator == 0) return 0;
        decimal price = (otherMaintenance - Collateral - otherUnrealized + Cost(p)) / denominator;
        decimal tick = Market(p).TickSize;
        decimal rounded = (q > 0 ? decimal.Ceiling(price / tick) : decimal.Floor(price / tick)) * tick;
        return rounded > 0 ? rounded : 0;
    }
}

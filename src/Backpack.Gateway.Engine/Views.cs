using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine;

// Read-only copies of engine state for tests, tools and snapshots. They allocate: never on the hot path.

/// <summary>An account as the engine holds it. Cash in micro-USDC.</summary>
public sealed record AccountView(
    int AccountId,
    long Collateral,
    long FeesPaid,
    long Equity,
    long InitialMargin,
    long MaintenanceMargin,
    bool Liquidating,
    int OpenOrders,
    IReadOnlyList<PositionView> Positions);

/// <summary>A position; Cost is the signed entry notional (long positive, short negative).</summary>
public sealed record PositionView(int MarketId, long Quantity, long Cost, long RealizedPnl, long OpenBuyQuantity, long OpenSellQuantity);

/// <summary>A resting order.</summary>
public sealed record OrderView(
    long OrderId,
    long ClientOrderId,
    int AccountId,
    int MarketId,
    Side Side,
    long Price,
    long Quantity,
    long Remaining,
    long Filled,
    OrderFlags Flags,
    OrderOrigin Origin);

/// <summary>A conditional order waiting for its trigger (a trigger order, or a stop-loss / take-profit leg).</summary>
public sealed record PendingOrderView(
    long OrderId,
    long ClientOrderId,
    int AccountId,
    int MarketId,
    Side Side,
    OrderType OrderType,
    TimeInForce TimeInForce,
    long Price,
    long Quantity,
    OrderFlags Flags,
    long TriggerPrice,
    TriggerSource TriggerBy,
    TriggerKind Kind,
    long ParentOrderId,
    long LinkedOrderId);

/// <summary>One price level of a book.</summary>
public sealed record BookLevelView(long Price, long Quantity, int Orders);

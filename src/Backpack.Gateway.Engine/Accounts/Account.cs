using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Accounts;

/// <summary>A trading account: USDC collateral, its fees, and the head of its open-order list.</summary>
internal struct Account
{
    public int AccountId;
    /// <summary>Collateral in micro-USDC: deposits - withdrawals + realized PnL - fees.</summary>
    public long Collateral;
    public long FeesPaid;
    /// <summary>Newest open order (slot), or -1.</summary>
    public int OrderHead;
    /// <summary>Oldest open order (slot), or -1.</summary>
    public int OrderTail;
    public int OpenOrders;
    /// <summary>Newest pending conditional order (slot), or -1; linked through the orders' account fields.</summary>
    public int TriggerHead;
    /// <summary>Conditional orders waiting for their trigger.</summary>
    public int PendingTriggers;
    public bool Liquidating;
    public long LiquidationId;
    /// <summary>The liquidation that left the collateral negative (unsettled equity) and is not paid off yet; 0 = none, or a deficit outside a liquidation.</summary>
    public long UnsettledLiquidationId;
    /// <summary>True after a MarginCall until the account is seen below the margin-call level again.</summary>
    public bool MarginCalled;
    /// <summary>Markets (bit m) where the margin monitor has a trigger armed for this account.</summary>
    public ulong ArmedMarkets;
    /// <summary>Monitor pass that last queued this account for evaluation (dedupes the queue).</summary>
    public long QueuedInPass;
}

/// <summary>
/// An account's net position in one market, and the open-order totals that size its worst-case
/// exposure. Cost is signed: the entry notional of a long is positive, of a short negative, so
/// unrealized PnL = quantity x mark x quotePerTickLot - Cost for either direction.
/// </summary>
internal struct Position
{
    /// <summary>Net lots, negative = short.</summary>
    public long Quantity;
    /// <summary>Signed entry notional of the open position in micro-USDC.</summary>
    public long Cost;
    public long RealizedPnl;
    public long OpenBuyQuantity;
    public long OpenSellQuantity;
    /// <summary>Notional of open buy orders at their limit prices, micro-USDC.</summary>
    public long OpenBuyQuote;
    public long OpenSellQuote;
    public long ReduceOnlyBuyQuantity;
    public long ReduceOnlySellQuantity;
    /// <summary>Sequence of the command that last changed this position (coalesces PositionChanged).</summary>
    public long ChangedAt;
    /// <summary>The liquidation whose forced fill changed this position in the current command (0 = none); cleared when PositionChanged is published.</summary>
    public long ChangedBy;

    /// <summary>Lots an order on <paramref name="side"/> could take off this position before it crosses zero.</summary>
    public readonly long Reducible(Side side) => side == Side.Sell ? Math.Max(Quantity, 0) : Math.Max(-Quantity, 0);
}

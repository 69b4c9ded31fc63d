using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The forced events of liquidation over FIX (docs/fix.md section 7), sent to every session of the
/// account: margin call (U1), liquidation started (U2) and ended (U3), ADL notice (U4), each step
/// of the liquidation with the figures it was decided on (U6), unsettled equity paid off by a
/// deposit (U7), and the unsolicited PositionReport after each forced step.
/// </summary>
public sealed partial class FixGateway
{
    /// <summary>The position after a forced step (the engine names the liquidation on the PositionChanged it caused).</summary>
    private void OnForcedPosition(FixSessionState s, PositionChanged e) =>
        SendPositionReport(s, $"LQ-{e.Header.Sequence}-{e.MarketId}", null, e.AccountId, e.MarketId, e.Quantity, e.EntryNotional, e.RealizedPnl,
            e.MarkPrice, e.Collateral, e.AdlQuintile, e.LiquidationId, e.Header.Time);

    private void OnMarginCall(FixSessionState s, MarginCall e)
    {
        var w = s.Session.Begin("U1"u8);
        w.Field(FixTags.Account, e.AccountId);
        w.Scaled(FixTags.MaintenanceMarginRatio, e.MarginRatio, 6);
        w.Scaled(FixTags.AccountEquity, e.Equity, 6);
        w.Scaled(FixTags.MaintenanceMargin, e.MaintenanceMargin, 6);
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        w.Field(FixTags.Text, "Margin call: maintenance margin ratio at or above the margin-call level");
        s.Session.Send(ref w);
    }

    private void OnLiquidationStarted(FixSessionState s, LiquidationStarted e)
    {
        var w = s.Session.Begin("U2"u8);
        w.Field(FixTags.Account, e.AccountId);
        w.Field(FixTags.LiquidationID, e.LiquidationId);
        w.Scaled(FixTags.MaintenanceMarginRatio, Math.Min(e.MarginRatio, 999_999_999_999L), 6);
        w.Scaled(FixTags.MarginFraction, e.MarginFraction, 6);
        w.Scaled(FixTags.AccountEquity, e.Equity, 6);
        w.Scaled(FixTags.MaintenanceMargin, e.MaintenanceMargin, 6);
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnLiquidationEnded(FixSessionState s, LiquidationEnded e)
    {
        var w = s.Session.Begin("U3"u8);
        w.Field(FixTags.Account, e.AccountId);
        w.Field(FixTags.LiquidationID, e.LiquidationId);
        w.Field(FixTags.LiquidationOutcome, (int)e.Outcome);
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnAdlNotice(FixSessionState s, AdlNotice e)
    {
        ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
        var w = s.Session.Begin("U4"u8);
        w.Field(FixTags.Account, e.AccountId);
        w.Field(FixTags.LiquidationID, e.LiquidationId);
        w.Field(FixTags.Symbol, _markets.SymbolOf(e.MarketId));
        w.Field(FixTags.Side, e.Side == Side.Buy ? '1' : '2');
        w.Field(FixTags.AdlRole, (int)e.Role);
        w.Scaled(FixTags.LastPx, e.Price * market.TickUnits, market.PriceScale);
        w.Scaled(FixTags.LastQty, e.Quantity * market.StepUnits, market.QuantityScale);
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        w.Field(FixTags.Text, e.Role == AdlRole.Counterparty ? "Position auto-deleveraged against a liquidation" : "Liquidated position closed by auto-deleveraging");
        s.Session.Send(ref w);
    }

    /// <summary>U6: a step of a liquidation (the audit trail); market fields only when it concerns one position, order fields only when it sent one.</summary>
    private void OnLiquidationStep(FixSessionState s, LiquidationStep e)
    {
        var w = s.Session.Begin("U6"u8);
        w.Field(FixTags.Account, e.AccountId);
        w.Field(FixTags.LiquidationID, e.LiquidationId);
        w.Field(FixTags.LiquidationAction, (int)e.Action);
        w.Scaled(FixTags.AccountEquity, e.Equity, 6);
        w.Scaled(FixTags.MaintenanceMargin, e.MaintenanceMargin, 6);
        w.Scaled(FixTags.AccountNotional, e.Notional, 6);
        w.Scaled(FixTags.LiquidationUrgency, e.Urgency, 6);
        if (e.MarketId != 0)
        {
            ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
            w.Field(FixTags.Symbol, _markets.SymbolOf(e.MarketId));
            w.Scaled(FixTags.MarkPrice, e.MarkPrice * market.TickUnits, market.PriceScale);
            w.Scaled(FixTags.IndexPrice, e.IndexPrice * market.TickUnits, market.PriceScale);
            if (e.BankruptcyPrice != 0) w.Scaled(FixTags.BankruptcyPrice, e.BankruptcyPrice * market.TickUnits, market.PriceScale);
            if (e.Limit != 0)
            {
                w.Scaled(FixTags.Price, e.Limit * market.TickUnits, market.PriceScale);
                w.Scaled(FixTags.BandDepth, e.BandDepth * market.StepUnits, market.QuantityScale);
                w.Scaled(FixTags.OrderQty, e.Quantity * market.StepUnits, market.QuantityScale);
            }
        }
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    /// <summary>U7: a deposit paid off (part of) the account's unsettled, negative equity.</summary>
    private void OnUnsettledEquityCovered(FixSessionState s, UnsettledEquityCovered e)
    {
        var w = s.Session.Begin("U7"u8);
        w.Field(FixTags.Account, e.AccountId);
        if (e.LiquidationId != 0) w.Field(FixTags.LiquidationID, e.LiquidationId);
        w.Scaled(FixTags.CoveredAmount, e.Covered, 6);
        w.Scaled(FixTags.UnsettledAmount, e.Remaining, 6);
        w.Field(FixTags.Currency, "USDC");
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        w.Field(FixTags.Text, e.Remaining == 0 ? "Deposit settled the negative balance" : "Deposit paid off part of the negative balance");
        s.Session.Send(ref w);
    }

    /// <summary>A fill of a liquidation, backstop or ADL close: to every session of the account.</summary>
    private void OnForcedFill(FixSessionState s, OrderFilled e)
    {
        ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
        var w = s.Session.Begin("8"u8);
        if (e.OrderId != 0) w.Field(FixTags.OrderID, e.OrderId);
        else w.Field(FixTags.OrderID, "LIQ-" + e.LiquidationId);
        TradeExecId(e.TradeId, e.Side).Write(ref w);
        w.Field(FixTags.ExecType, 'F');
        w.Field(FixTags.OrdStatus, e.LeavesQuantity == 0 ? '2' : '1');
        w.Field(FixTags.Account, e.AccountId);
        w.Field(FixTags.Symbol, _markets.SymbolOf(e.MarketId));
        w.Field(FixTags.Side, e.Side == Side.Buy ? '1' : '2');
        w.Scaled(FixTags.OrderQty, (e.CumulativeQuantity + e.LeavesQuantity) * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.LeavesQty, e.LeavesQuantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.CumQty, e.CumulativeQuantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.AvgPx, market.AveragePrice(e.CumulativeQuote, e.CumulativeQuantity, out int scale), scale);
        FillFields(ref w, e);
        s.Session.Send(ref w);
    }
}

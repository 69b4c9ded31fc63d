using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// Positions: RequestForPositions (AN) becomes a QueryAccount command; the answer goes out as a
/// RequestForPositionsAck (AO) and one PositionReport (AP) per open position (the unsolicited
/// reports after a forced step are in FixGateway.Forced.cs).
/// </summary>
public sealed partial class FixGateway
{
    private void RequestForPositions(FixSessionState state, FixMessage m)
    {
        string posReqId = m.GetString(FixTags.PosReqID)!;
        int account = AccountOf(state, m);
        int marketId = m.TryGet(FixTags.Symbol, out var symbol) ? _markets.Find(symbol) : 0;
        if (account == 0 || m.GetChar(FixTags.PosReqType) != '0' || (m.Has(FixTags.Symbol) && marketId == 0))
        {
            SendPositionsAck(state, posReqId, account, 0, account == 0 ? '3' : '4', '2');
            return;
        }
        long requestId = state.NextRequestId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.Positions, ClOrdId = posReqId, AccountId = account, Positions = [] });
        if (!Submit(new QueryAccount(new CommandHeader(0, 0, requestId), account, marketId)))
        {
            state.Orders.TakePending(requestId);
            SendPositionsAck(state, posReqId, account, 0, '4', '2');
        }
    }

    private void OnPositions(FixSessionState s, AccountSnapshot e)
    {
        var pending = s.Orders.TakePending(e.RequestId);
        if (pending is { Kind: PendingKind.MassStatus })
        {
            OnMassStatusAnswer(s, pending);
            return;
        }
        if (pending?.Positions is null) return;
        var positions = pending.Positions.Where(p => p.Quantity != 0).ToList();
        // PosReqResult 2: no positions found matching the request.
        SendPositionsAck(s, pending.ClOrdId, pending.AccountId, positions.Count, positions.Count == 0 ? '2' : '0', '0');
        int n = 0;
        foreach (var p in positions)
        {
            SendPositionReport(s, pending.ClOrdId + "-" + (++n), pending.ClOrdId, p.AccountId, p.MarketId, p.Quantity, p.EntryNotional,
                p.RealizedPnl, p.MarkPrice, e.Collateral, p.AdlQuintile, 0, e.Header.Time, (p.AdlRank, p.AdlQueueLength, p.AdlNotionalAhead));
        }
    }

    private void SendPositionsAck(FixSessionState s, string posReqId, int account, int reports, char result, char status)
    {
        var w = s.Session.Begin("AO"u8);
        w.Field(FixTags.PosMaintRptID, "ACK-" + posReqId);
        w.Field(FixTags.PosReqID, posReqId);
        w.Field(FixTags.TotalNumPosReports, reports);
        w.Field(FixTags.PosReqResult, result);
        w.Field(FixTags.PosReqStatus, status);
        w.Field(FixTags.Account, account == 0 ? "UNKNOWN" : account.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.Field(FixTags.AccountType, 1);
        s.Session.Send(ref w);
    }

    private void SendPositionReport(FixSessionState s, string reportId, string? posReqId, int account, int marketId, long quantity, long entryNotional,
        long realizedPnl, long markPrice, long collateral, int quintile, long liquidationId, long time, (int Rank, int Length, long Ahead) adl = default)
    {
        ref readonly MarketUnits market = ref _markets.Units(marketId);
        var w = s.Session.Begin("AP"u8);
        w.Field(FixTags.PosMaintRptID, reportId);
        if (posReqId is not null) w.Field(FixTags.PosReqID, posReqId);
        w.Field(FixTags.PosReqResult, '0');
        w.Date(FixTags.ClearingBusinessDate, time);
        w.Field(FixTags.Account, account);
        w.Field(FixTags.AccountType, 1);
        w.Field(FixTags.Symbol, _markets.SymbolOf(marketId));
        w.Scaled(FixTags.SettlPrice, markPrice * market.TickUnits, market.PriceScale);
        w.Field(FixTags.SettlPriceType, '2');
        w.Scaled(FixTags.PriorSettlPrice, markPrice * market.TickUnits, market.PriceScale);
        w.Field(FixTags.NoPositions, 1);
        w.Field(FixTags.PosType, "TOT"u8);
        w.Scaled(FixTags.LongQty, Math.Max(quantity, 0) * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.ShortQty, Math.Max(-quantity, 0) * market.StepUnits, market.QuantityScale);
        if (liquidationId != 0) w.Field(FixTags.LiquidationID, liquidationId);
        if (quintile > 0) w.Field(FixTags.AdlQuintile, quintile);
        if (adl.Rank > 0)
        {
            w.Field(FixTags.AdlRank, adl.Rank);
            w.Field(FixTags.AdlQueueLength, adl.Length);
            w.Scaled(FixTags.AdlNotionalAhead, adl.Ahead, 6);
        }
        w.Scaled(FixTags.RealizedPnl, realizedPnl, 6);
        long value = markPrice * quantity * market.QuotePerTickLot;
        long signedCost = quantity >= 0 ? entryNotional : -entryNotional;
        w.Scaled(FixTags.UnrealizedPnl, value - signedCost, 6);
        if (quantity != 0) w.Scaled(FixTags.EntryPrice, market.AveragePrice(entryNotional, Math.Abs(quantity), out int scale), scale);
        w.Scaled(FixTags.Collateral, collateral, 6);
        s.Session.Send(ref w);
    }
}

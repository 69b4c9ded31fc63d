using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Engine.State;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>The audit trail's step events, and the liquidations' state in a snapshot.</summary>
internal sealed partial class LiquidationEngine
{
    /// <summary>The audit trail's first entry: the figures at the trigger, with the mark and index of the riskiest position's market.</summary>
    private void EmitTrigger(int account, long id, in MarginFigures f)
    {
        int market = -1;
        long bestMm = -1;
        for (int m = 0; m < _markets.Length; m++)
        {
            if (_accounts.PositionOf(account, m).Quantity == 0) continue;
            long mm = _margin.PositionFigures(account, m).MaintenanceMargin;
            if (mm > bestMm) (bestMm, market) = (mm, m);
        }
        long urgency = LiquidationMath.Urgency(f, LiquidationMath.BackstopLevel(f, _options.BackstopSharePpm, _options.BackstopOffsetPpm));
        long mark = 0, index = 0, bankruptcy = 0;
        if (market >= 0)
        {
            Market mk = _markets[market];
            (mark, index) = (mk.MarkPrice, mk.IndexPrice);
            bankruptcy = LiquidationMath.BankruptcyPrice(mk.Rules, mk.MarkPrice, _accounts.PositionOf(account, market).Quantity,
                LiquidationMath.EquityShare(f.Equity, bestMm, f.MaintenanceMargin));
        }
        _events.Emit(new LiquidationStep(_events.Header, _accounts[account].AccountId, id, market + 1, LiquidationAction.Triggered, mark, index,
            f.Equity, f.MaintenanceMargin, f.Notional, urgency, 0, 0, 0, bankruptcy));
    }

    private void EmitStep(Active liq, in MarginFigures f, LiquidationAction action, in SlicePlan plan)
    {
        Market mk = _markets[plan.Market];
        _events.Emit(new LiquidationStep(_events.Header, _accounts[liq.Account].AccountId, liq.Id, plan.Market + 1, action, mk.MarkPrice, mk.IndexPrice,
            f.Equity, f.MaintenanceMargin, f.Notional, plan.Urgency, plan.Limit, plan.BandDepth, plan.Lots, plan.BankruptcyPrice));
    }

    // ---- Snapshot (engine thread, between commands) ----

    internal void Save(SnapshotWriter w)
    {
        w.Long(LastLiquidationId);
        w.Long(_ticks);
        Statistics.Save(w);
        w.Int(_active.Count);
        foreach (var liq in _active)
        {
            w.Int(liq.Account);
            w.Long(liq.Id);
            w.Long(liq.StartTime);
            w.Long(liq.LastFillTime);
            w.Bool(liq.ClosedAny);
            w.Bool(liq.UsedBackstop);
            w.Int(liq.SliceMarket);
            w.Long(liq.SliceBankruptcyPrice);
        }
        // The ADL queues ranked in the last tick (cleared at the next one).
        w.Int(_adlQueues.Length);
        foreach (var queue in _adlQueues)
        {
            w.Bool(queue is not null);
            if (queue is null) continue;
            w.Structs<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(queue.Accounts));
            w.Int(queue.Next);
        }
        Fund.Save(w);
        Providers.Save(w);
        Adl.Save(w);
    }

    internal void Load(ref SnapshotReader r)
    {
        LastLiquidationId = r.Long();
        _ticks = r.Long();
        Statistics.Load(ref r);
        _active.Clear();
        for (int i = r.Count(); i > 0; i--)
        {
            var liq = new Active(r.Int(), r.Long(), r.Long())
            {
                LastFillTime = r.Long(),
                ClosedAny = r.Bool(),
                UsedBackstop = r.Bool(),
                SliceMarket = r.Int(),
                SliceBankruptcyPrice = r.Long(),
            };
            _active.Add(liq);
        }
        if (r.Int() != _adlQueues.Length) throw new InvalidDataException("snapshot: ADL queues for another number of markets");
        for (int i = 0; i < _adlQueues.Length; i++)
        {
            if (!r.Bool())
            {
                _adlQueues[i] = null;
                continue;
            }
            var accounts = r.Structs<int>(out int count);
            _adlQueues[i] = new AdlCursor([.. accounts.AsSpan(0, count)]) { Next = r.Int() };
        }
        Fund.Load(ref r);
        Providers.Load(ref r);
        Adl.Load(ref r);
    }
}

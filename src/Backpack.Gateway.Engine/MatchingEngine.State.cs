using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Book;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.Liquidation;
using Backpack.Gateway.Engine.Markets;
using Backpack.Gateway.Engine.Matching;
using Backpack.Gateway.Engine.Risk;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Engine;

/// <summary>The engine's state as a snapshot and as a hash (engine thread, between commands).</summary>
public sealed partial class MatchingEngine
{
    // ---- Snapshot (engine thread, between commands; see State/EngineSnapshot) ----

    private const int SnapshotMarker = 0x534E4150; // "SNAP"

    internal void SaveState(SnapshotWriter w)
    {
        w.Int(SnapshotMarker);
        w.Long(LastSequence);
        w.Long(Time);
        w.Long(TotalDeposits);
        w.Long(TotalWithdrawals);
        w.Long(_clearing.FeeIncome);
        w.Long(_matcher.LastTradeId);
        _accounts.Save(w);
        _orders.Save(w);
        w.Int(_markets.Length);
        foreach (var market in _markets)
        {
            market.Save(w);
            market.Book.Save(w);
        }
        _monitor.Save(w);
        _liquidation.Save(w);
        _funding.Save(w);
        _conditional.Save(w);
        w.Int(SnapshotMarker);
    }

    /// <summary>Takes the state of a snapshot (into an engine made with the same markets and options, before its first command).</summary>
    internal void LoadState(ref SnapshotReader r)
    {
        if (LastSequence != 0) throw new InvalidOperationException("load a snapshot into a new engine");
        r.Expect(SnapshotMarker);
        LastSequence = r.Long();
        Time = r.Long();
        TotalDeposits = r.Long();
        TotalWithdrawals = r.Long();
        _clearing.FeeIncome = r.Long();
        _matcher.LastTradeId = r.Long();
        _accounts.Load(ref r);
        _orders.Load(ref r);
        if (r.Int() != _markets.Length) throw new InvalidDataException("snapshot of another number of markets");
        foreach (var market in _markets)
        {
            market.Load(ref r);
            market.Book.Load(ref r);
        }
        _monitor.Load(ref r);
        _liquidation.Load(ref r);
        _funding.Load(ref r);
        _conditional.Load(ref r);
        r.Expect(SnapshotMarker);
        if (!r.End) throw new InvalidDataException("snapshot has bytes after the engine state");
    }

    private OrderView ToView(int slot)
    {
        ref Order o = ref _orders[slot];
        return new OrderView(o.OrderId, o.ClientOrderId, _accounts[o.Account].AccountId, o.Market + 1, o.Side, o.Price,
            o.Quantity, o.Remaining, o.Filled, o.Flags, o.Origin);
    }

    /// <summary>
    /// Fingerprint of the trading state: id counters, every account's cash and positions, marks, and
    /// every resting order in book priority. Two engines fed the same commands have the same hash.
    /// The sequence number is not part of it (a snapshot records it beside the hash), so a command
    /// that was rejected leaves the hash as it was.
    /// </summary>
    public ulong ComputeStateHash()
    {
        var h = new StateHasher();
        h.Add(_orders.AcceptedCount);
        h.Add(_matcher.LastTradeId);
        h.Add(FeeIncome);
        h.Add(_liquidation.LastLiquidationId);
        h.Add(_accounts.Count);
        for (int i = 0; i < _accounts.Count; i++)
        {
            ref Account a = ref _accounts[i];
            h.Add(a.AccountId);
            h.Add(a.Collateral);
            h.Add(a.FeesPaid);
            h.Add(a.Liquidating);
            h.Add(a.LiquidationId);
            h.Add(a.MarginCalled);
            h.Add(a.OpenOrders);
            foreach (ref Position p in _accounts.PositionsOf(i))
            {
                h.Add(p.Quantity);
                h.Add(p.Cost);
                h.Add(p.RealizedPnl);
            }
        }
        foreach (Market market in _markets)
        {
            h.Add(market.IndexPrice);
            h.Add(market.MarkPrice);
            h.Add(market.Book.Sequence);
            foreach (BookSide side in new[] { market.Book.Bids, market.Book.Asks })
            {
                h.Add(side.LevelCount);
                for (int depth = 0; depth < side.LevelCount; depth++)
                {
                    ref PriceLevel level = ref side.Level(side.LevelAtDepth(depth));
                    for (int slot = level.Head; slot != OrderStore.None; slot = _orders[slot].Next)
                    {
                        ref Order o = ref _orders[slot];
                        h.Add(o.OrderId);
                        h.Add(o.ClientOrderId);
                        h.Add(_accounts[o.Account].AccountId);
                        h.Add(o.Price);
                        h.Add(o.Quantity);
                        h.Add(o.Remaining);
                        h.Add(o.FilledQuote);
                        h.Add((long)o.Flags);
                        h.Add((long)o.Stp);
                        h.Add(o.CreatedAt);
                    }
                }
            }
        }
        _funding.Hash(ref h);
        _conditional.Hash(ref h);
        return h.Finish();
    }
}

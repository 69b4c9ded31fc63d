using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Engine.Conditional;

/// <summary>
/// The stop-loss and take-profit an order asked for, until its fills have armed them. Fills only
/// count here (the matcher must not allocate order slots mid-sweep); <see cref="ConditionalOrders"/>
/// arms or enlarges the legs once the command's matching is done, in the order the plans were
/// touched. A plan ends when its order leaves the store (filled, canceled, expired) and its fills
/// are armed, or when one of its legs has fired or been canceled (later fills arm nothing more).
/// </summary>
internal sealed class ExitPlans
{
    private readonly Dictionary<long, ExitPlan> _plans = [];
    private readonly List<ExitPlan> _touched = [];

    public int Count => _plans.Count;

    public bool HasTouched => _touched.Count > 0;

    public void Add(ExitPlan plan) => _plans.Add(plan.ParentOrderId, plan);

    /// <summary>A fill of <paramref name="orderId"/> (the matcher calls this for both sides of every fill while plans exist).</summary>
    public void OnFilled(long orderId, long quantity)
    {
        if (!_plans.TryGetValue(orderId, out var plan)) return;
        plan.Filled += quantity;
        Touch(plan);
    }

    /// <summary>The order left the store: once its last fills are armed the plan is done.</summary>
    public void OnReleased(long orderId)
    {
        if (!_plans.TryGetValue(orderId, out var plan)) return;
        plan.ParentGone = true;
        Touch(plan);
    }

    private void Touch(ExitPlan plan)
    {
        if (plan.Touched) return;
        plan.Touched = true;
        _touched.Add(plan);
    }

    /// <summary>Hands over the touched plans in the order they were touched, dropping those that are done.</summary>
    public void DrainTouched(Action<ExitPlan> arm)
    {
        for (int i = 0; i < _touched.Count; i++)
        {
            var plan = _touched[i];
            plan.Touched = false;
            arm(plan);
            if (plan.ParentGone || plan.Closed) _plans.Remove(plan.ParentOrderId);
        }
        _touched.Clear();
    }

    // ---- Snapshot and state hash (plans in parent order id order) ----

    private IEnumerable<ExitPlan> Ordered => _plans.Values.OrderBy(p => p.ParentOrderId);

    internal void Save(SnapshotWriter w)
    {
        w.Int(_plans.Count);
        foreach (var p in Ordered) p.Save(w);
    }

    internal void Load(ref SnapshotReader r)
    {
        _plans.Clear();
        for (int n = r.Int(); n > 0; n--)
        {
            var plan = ExitPlan.Load(ref r);
            _plans.Add(plan.ParentOrderId, plan);
        }
    }

    internal void Hash(ref StateHasher h)
    {
        h.Add(_plans.Count);
        foreach (var p in Ordered) p.Hash(ref h);
    }
}

/// <summary>One order's stop-loss / take-profit plan (prices in ticks; 0 = not set; a zero limit = a market order).</summary>
internal sealed class ExitPlan
{
    public long ParentOrderId;
    public int Account;
    public int Market;
    /// <summary>The parent's side; the legs take the other one.</summary>
    public Side ParentSide;
    public long StopLossTrigger;
    public long StopLossLimit;
    public TriggerSource StopLossBy;
    public long TakeProfitTrigger;
    public long TakeProfitLimit;
    public TriggerSource TakeProfitBy;
    /// <summary>The parent's fills so far, and how much of them the legs already cover.</summary>
    public long Filled;
    public long Armed;
    public long StopLossOrderId;
    public long TakeProfitOrderId;
    /// <summary>A leg fired or was canceled: no more arming.</summary>
    public bool Closed;
    public bool ParentGone;
    public bool Touched;

    internal void Save(SnapshotWriter w)
    {
        w.Long(ParentOrderId);
        w.Int(Account);
        w.Int(Market);
        w.Int((int)ParentSide);
        w.Long(StopLossTrigger);
        w.Long(StopLossLimit);
        w.Int((int)StopLossBy);
        w.Long(TakeProfitTrigger);
        w.Long(TakeProfitLimit);
        w.Int((int)TakeProfitBy);
        w.Long(Filled);
        w.Long(Armed);
        w.Long(StopLossOrderId);
        w.Long(TakeProfitOrderId);
        w.Bool(Closed);
        w.Bool(ParentGone);
    }

    internal static ExitPlan Load(ref SnapshotReader r) => new()
    {
        ParentOrderId = r.Long(),
        Account = r.Int(),
        Market = r.Int(),
        ParentSide = (Side)r.Int(),
        StopLossTrigger = r.Long(),
        StopLossLimit = r.Long(),
        StopLossBy = (TriggerSource)r.Int(),
        TakeProfitTrigger = r.Long(),
        TakeProfitLimit = r.Long(),
        TakeProfitBy = (TriggerSource)r.Int(),
        Filled = r.Long(),
        Armed = r.Long(),
        StopLossOrderId = r.Long(),
        TakeProfitOrderId = r.Long(),
        Closed = r.Bool(),
        ParentGone = r.Bool(),
    };

    internal void Hash(ref StateHasher h)
    {
        h.Add(ParentOrderId);
        h.Add(StopLossTrigger);
        h.Add(StopLossLimit);
        h.Add(TakeProfitTrigger);
        h.Add(TakeProfitLimit);
        h.Add(Filled);
        h.Add(Armed);
        h.Add(StopLossOrderId);
        h.Add(TakeProfitOrderId);
        h.Add(Closed);
        h.Add(ParentGone);
    }
}

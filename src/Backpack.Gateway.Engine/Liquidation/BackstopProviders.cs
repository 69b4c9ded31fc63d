using Backpack.Gateway.Engine.State;
namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>
/// Registered backstop liquidity providers and what they have taken over. Capacity is notional
/// (micro-USDC) per rolling minute and per rolling hour of engine time; a take-over is allowed
/// the smaller of what is left in both windows.
/// </summary>
internal sealed class BackstopProviders
{
    private const long Minute = 60_000_000;
    private const long Hour = 3_600_000_000;
    private readonly List<Provider> _providers = [];

    public int Count => _providers.Count;

    /// <summary>Registers, updates or (both capacities 0) removes a provider.</summary>
    public void Register(int account, long perMinute, long perHour)
    {
        int i = _providers.FindIndex(p => p.Account == account);
        if (perMinute == 0 && perHour == 0)
        {
            if (i >= 0) _providers.RemoveAt(i);
            return;
        }
        if (i >= 0)
        {
            _providers[i].PerMinute = perMinute;
            _providers[i].PerHour = perHour;
        }
        else
        {
            _providers.Add(new Provider(account, perMinute, perHour));
        }
    }

    public int AccountAt(int i) => _providers[i].Account;

    /// <summary>Notional provider <paramref name="i"/> may still take at <paramref name="now"/>.</summary>
    public long Remaining(int i, long now)
    {
        var p = _providers[i];
        while (p.Taken.Count > 0 && now - p.Taken.Peek().Time >= Hour) p.Taken.Dequeue();
        long lastHour = 0, lastMinute = 0;
        foreach (var (time, notional) in p.Taken)
        {
            lastHour += notional;
            if (now - time < Minute) lastMinute += notional;
        }
        return Math.Max(0, Math.Min(p.PerMinute - lastMinute, p.PerHour - lastHour));
    }

    public void RecordTake(int i, long now, long notional) => _providers[i].Taken.Enqueue((now, notional));

    // ---- Snapshot ----

    internal void Save(SnapshotWriter w)
    {
        w.Int(_providers.Count);
        foreach (var p in _providers)
        {
            w.Int(p.Account);
            w.Long(p.PerMinute);
            w.Long(p.PerHour);
            w.Int(p.Taken.Count);
            foreach (var (time, notional) in p.Taken)
            {
                w.Long(time);
                w.Long(notional);
            }
        }
    }

    internal void Load(ref SnapshotReader r)
    {
        _providers.Clear();
        for (int i = r.Count(); i > 0; i--)
        {
            var p = new Provider(r.Int(), r.Long(), r.Long());
            for (int t = r.Count(); t > 0; t--) p.Taken.Enqueue((r.Long(), r.Long()));
            _providers.Add(p);
        }
    }

    private sealed class Provider(int account, long perMinute, long perHour)
    {
        public int Account { get; } = account;
        public long PerMinute { get; set; } = perMinute;
        public long PerHour { get; set; } = perHour;
        public Queue<(long Time, long Notional)> Taken { get; } = new();
    }
}

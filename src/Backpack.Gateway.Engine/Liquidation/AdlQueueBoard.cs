using System.Runtime.InteropServices;
using Backpack.Gateway.Engine.Accounts;
using Backpack.Gateway.Engine.Events;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.Engine.Liquidation;

/// <summary>One position in a ranked ADL queue: its score, account index and notional at the mark.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct AdlEntry
{
    public double Score;
    public int Account;
    public long Notional;
}

/// <summary>A position's place in its queue as last told to its account.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AdlPlace
{
    public int Rank;
    public int Length;
    public long Ahead;
    public long Notional;
    public long Score;
    public long Seen; // the ranking that placed it
}

/// <summary>A score band of a market side as last published.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AdlBandDepth
{
    public int Positions;
    public long Notional;
}

/// <summary>
/// The ADL queue in the open. Each ranking (every tick) it is handed every market side's queue in
/// order, and tells each account whose place moved (rank, queue length, notional ahead or its own
/// notional: AdlQueuePosition, rank 0 once out of the queue) and the public whose score band moved
/// (AdlQueueBand). It keeps what it last told, for the account queries and the snapshot; the events
/// it emits depend on the engine's state only, so a restored engine emits the same ones.
/// </summary>
internal sealed class AdlQueueBoard
{
    private readonly AccountStore _accounts;
    private readonly EventEmitter _events;
    private readonly int _markets;
    private AdlPlace[] _places; // [account * markets + market]
    private readonly AdlBandDepth[] _bands; // [(market * 2 + side) * bands + band]
    private readonly AdlBandDepth[] _fresh;
    private long _ranking;

    public AdlQueueBoard(AccountStore accounts, EventEmitter events, int markets)
    {
        _accounts = accounts;
        _events = events;
        _markets = markets;
        _places = new AdlPlace[Math.Max(1, accounts.Count) * markets];
        _bands = new AdlBandDepth[markets * 2 * AdlBands.Count];
        _fresh = new AdlBandDepth[AdlBands.Count];
    }

    /// <summary>The place of an account's position at the last ranking (Rank 0: not ranked).</summary>
    public AdlPlace PlaceOf(int account, int market)
    {
        int i = account * _markets + market;
        return i < _places.Length ? _places[i] : default;
    }

    /// <summary>The bands of a market's queue as last published: each side (longs first), band 0 first.</summary>
    public IEnumerable<(Side Side, AdlBand Band, int Positions, long Notional)> BandsOf(int market)
    {
        for (int side = 0; side < 2; side++)
        {
            for (int b = 0; b < AdlBands.Count; b++)
            {
                var depth = _bands[(market * 2 + side) * AdlBands.Count + b];
                yield return ((Side)side, (AdlBand)b, depth.Positions, depth.Notional);
            }
        }
    }

    /// <summary>Starts a ranking of every market side.</summary>
    public void Begin()
    {
        _ranking++;
        int needed = _accounts.Count * _markets;
        if (needed > _places.Length) Array.Resize(ref _places, Math.Max(needed, _places.Length * 2));
    }

    /// <summary>One market side's queue, first to be deleveraged first: tells the moved places and bands.</summary>
    public void Publish(int market, Side side, ReadOnlySpan<AdlEntry> queue)
    {
        var h = _events.Header;
        _fresh.AsSpan().Clear();
        long ahead = 0;
        for (int i = 0; i < queue.Length; i++)
        {
            ref readonly AdlEntry e = ref queue[i];
            long score = AdlRanking.Ppm(e.Score);
            ref AdlPlace place = ref _places[e.Account * _markets + market];
            place.Seen = _ranking;
            if (place.Rank != i + 1 || place.Length != queue.Length || place.Ahead != ahead || place.Notional != e.Notional)
            {
                place = new AdlPlace { Rank = i + 1, Length = queue.Length, Ahead = ahead, Notional = e.Notional, Score = score, Seen = _ranking };
                _events.Emit(new AdlQueuePosition(h, _accounts[e.Account].AccountId, market + 1, i + 1, queue.Length, ahead, e.Notional, score));
            }
            ref AdlBandDepth band = ref _fresh[(int)AdlBands.Of(score)];
            band.Positions++;
            band.Notional += e.Notional;
            ahead += e.Notional;
        }
        var published = _bands.AsSpan((market * 2 + (int)side) * AdlBands.Count, AdlBands.Count);
        for (int b = 0; b < published.Length; b++)
        {
            if (published[b].Positions == _fresh[b].Positions && published[b].Notional == _fresh[b].Notional) continue;
            published[b] = _fresh[b];
            _events.Emit(new AdlQueueBand(h, market + 1, side, (AdlBand)b, _fresh[b].Positions, _fresh[b].Notional));
        }
    }

    /// <summary>Ends a ranking: a position ranked before and not in this one is told it left the queue.</summary>
    public void End()
    {
        var h = _events.Header;
        int count = Math.Min(_accounts.Count * _markets, _places.Length);
        for (int i = 0; i < count; i++)
        {
            ref AdlPlace place = ref _places[i];
            if (place.Rank == 0 || place.Seen == _ranking) continue;
            place = new AdlPlace { Seen = _ranking };
            _events.Emit(new AdlQueuePosition(h, _accounts[i / _markets].AccountId, i % _markets + 1, 0, 0, 0, 0, 0));
        }
    }

    // ---- Snapshot: what was last told (the next ranking tells only what moved from it) ----

    internal void Save(SnapshotWriter w)
    {
        w.Long(_ranking);
        w.Structs<AdlPlace>(_places.AsSpan(0, Math.Min(_accounts.Count * _markets, _places.Length)));
        w.Structs<AdlBandDepth>(_bands);
    }

    internal void Load(ref SnapshotReader r)
    {
        _ranking = r.Long();
        _places = r.Structs<AdlPlace>(out _, Math.Max(1, _accounts.Count) * _markets);
        var bands = r.Structs<AdlBandDepth>(out int count);
        if (count != _bands.Length) throw new InvalidDataException("snapshot: ADL bands for another number of markets");
        bands.AsSpan(0, count).CopyTo(_bands);
    }
}

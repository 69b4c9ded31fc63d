using System.Runtime.CompilerServices;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Engine.State;

namespace Backpack.Gateway.Engine.Book;

/// <summary>One price level: its total open quantity and the FIFO queue of its orders.</summary>
internal struct PriceLevel
{
    public long Price;
    public long Quantity;
    public int Head;
    public int Tail;
    public int OrderCount;
}

/// <summary>
/// The bids or the asks of one book. Levels live in pooled slots; a sorted array of keys orders
/// them with the best level at the end (bids ascending by price, asks by negated price), so the
/// touch is O(1) to read and to remove, and a new level near the touch (the common case) shifts
/// only a few entries.
/// </summary>
internal sealed class BookSide
{
    public const int None = -1;

    private readonly bool _isBid;
    private long[] _keys;
    private int[] _levelOf;
    private int _count;
    private PriceLevel[] _levels;
    private int _freeHead = None;
    private int _levelsUsed;

    public BookSide(Side side, int capacity)
    {
        Side = side;
        _isBid = side == Side.Buy;
        capacity = Math.Max(capacity, 16);
        _keys = new long[capacity];
        _levelOf = new int[capacity];
        _levels = new PriceLevel[capacity];
    }

    public Side Side { get; }

    /// <summary>Number of price levels.</summary>
    public int LevelCount => _count;

    /// <summary>Slot of the best level, or <see cref="None"/> when the side is empty.</summary>
    public int BestLevel => _count == 0 ? None : _levelOf[_count - 1];

    /// <summary>Slot of the level at depth <paramref name="depth"/> (0 = best).</summary>
    public int LevelAtDepth(int depth) => _levelOf[_count - 1 - depth];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref PriceLevel Level(int slot) => ref _levels[slot];

    /// <summary>True if a taker order on the other side at <paramref name="limit"/> trades with a level at <paramref name="levelPrice"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Crosses(long levelPrice, long limit) => _isBid ? levelPrice >= limit : levelPrice <= limit;

    /// <summary>
    /// Quantity resting at prices a taker on the other side with <paramref name="limit"/> would trade
    /// with (best level first; stops at the first level past the limit).
    /// </summary>
    public long DepthTo(long limit)
    {
        long total = 0;
        for (int depth = 0; depth < _count; depth++)
        {
            ref PriceLevel level = ref _levels[_levelOf[_count - 1 - depth]];
            if (!Crosses(level.Price, limit)) break;
            total += level.Quantity;
        }
        return total;
    }

    /// <summary>The level at <paramref name="price"/>, created (empty) if there is none.</summary>
    public int GetOrAddLevel(long price)
    {
        long key = _isBid ? price : -price;
        int pos = FindInsertPosition(key, out bool found);
        if (found) return _levelOf[pos];

        int slot = TakeLevelSlot();
        ref PriceLevel level = ref _levels[slot];
        level.Price = price;
        level.Quantity = 0;
        level.Head = level.Tail = OrderStore.None;
        level.OrderCount = 0;

        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _levelOf, _levelOf.Length * 2);
        }
        int tail = _count - pos;
        if (tail > 0)
        {
            Array.Copy(_keys, pos, _keys, pos + 1, tail);
            Array.Copy(_levelOf, pos, _levelOf, pos + 1, tail);
        }
        _keys[pos] = key;
        _levelOf[pos] = slot;
        _count++;
        return slot;
    }

    /// <summary>Removes an empty level.</summary>
    public void RemoveLevel(int slot)
    {
        long key = _isBid ? _levels[slot].Price : -_levels[slot].Price;
        int pos;
        if (_count > 0 && _levelOf[_count - 1] == slot)
        {
            pos = _count - 1;
        }
        else
        {
            pos = FindInsertPosition(key, out bool found);
            if (!found) throw new InvalidOperationException("book level index out of step");
        }
        int tail = _count - pos - 1;
        if (tail > 0)
        {
            Array.Copy(_keys, pos + 1, _keys, pos, tail);
            Array.Copy(_levelOf, pos + 1, _levelOf, pos, tail);
        }
        _count--;
        _levels[slot].Head = _freeHead;
        _freeHead = slot;
    }

    /// <summary>Position of <paramref name="key"/> in the sorted keys, or where it would go.</summary>
    private int FindInsertPosition(long key, out bool found)
    {
        // Most activity is near the touch (the end of the array): look there first.
        int i = _count - 1;
        int stop = Math.Max(0, _count - 8);
        while (i >= stop)
        {
            long k = _keys[i];
            if (k == key) { found = true; return i; }
            if (k < key) { found = false; return i + 1; }
            i--;
        }
        // Binary search of _keys[0, stop): the first position whose key is >= key.
        int lo = 0, hi = stop;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (_keys[mid] < key) lo = mid + 1;
            else hi = mid;
        }
        found = lo < stop && _keys[lo] == key;
        return lo;
    }

    private int TakeLevelSlot()
    {
        if (_freeHead != None)
        {
            int slot = _freeHead;
            _freeHead = _levels[slot].Head;
            return slot;
        }
        if (_levelsUsed == _levels.Length) Array.Resize(ref _levels, _levels.Length * 2);
        return _levelsUsed++;
    }

    // ---- Snapshot (engine thread, between commands) ----

    internal void Save(SnapshotWriter w)
    {
        w.Structs<long>(_keys.AsSpan(0, _count));
        w.Structs<int>(_levelOf.AsSpan(0, _count));
        w.Structs<PriceLevel>(_levels.AsSpan(0, _levelsUsed));
        w.Int(_freeHead);
    }

    internal void Load(ref SnapshotReader r)
    {
        _keys = r.Structs<long>(out _count, _keys.Length);
        _levelOf = r.Structs<int>(out int levels, _keys.Length);
        if (levels != _count) throw new InvalidDataException("snapshot: book side keys and levels differ in number");
        _levels = r.Structs<PriceLevel>(out _levelsUsed, _levels.Length);
        _freeHead = r.Int();
        if (_keys.Length != _levelOf.Length)
        {
            // The key and level-of arrays grow together: keep their capacities equal.
            int capacity = Math.Max(_keys.Length, _levelOf.Length);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _levelOf, capacity);
        }
    }
}

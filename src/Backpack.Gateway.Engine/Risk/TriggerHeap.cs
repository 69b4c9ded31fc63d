using Backpack.Gateway.Engine.State;

namespace Backpack.Gateway.Engine.Risk;

/// <summary>
/// A binary min-heap of (key, handle) with O(log n) insert, update and removal by handle: the
/// margin monitor keeps one per market and direction, keyed by the mark price at which an
/// account must be re-examined. Handles are small dense integers (account x market); the
/// handle-to-position table is shared by all heaps, so a handle is in at most one heap at a time.
/// Sifting moves a hole rather than swapping, so each level costs one write to that table (it is
/// indexed by account and is the cache-missing part). Ties are broken by handle, so the order of
/// pops is fully deterministic.
/// </summary>
internal sealed class TriggerHeap
{
    private long[] _keys = new long[64];
    private int[] _handles = new int[64];
    private readonly TriggerPositions _positions;
    private readonly byte _id;

    public TriggerHeap(TriggerPositions positions, byte id)
    {
        _positions = positions;
        _id = id;
    }

    public int Count { get; private set; }

    public long TopKey => _keys[0];

    public bool Contains(int handle) => _positions.HeapOf(handle) == _id;

    /// <summary>Inserts the handle or moves it to <paramref name="key"/>.</summary>
    public void Set(int handle, long key)
    {
        if (Contains(handle))
        {
            int i = _positions.IndexOf(handle);
            long old = _keys[i];
            if (old == key) return;
            if (Less(key, handle, old, handle)) SiftUp(i, key, handle);
            else SiftDown(i, key, handle);
            return;
        }
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _handles, Count * 2);
        }
        SiftUp(Count++, key, handle);
    }

    public void Remove(int handle)
    {
        if (!Contains(handle)) return;
        int i = _positions.IndexOf(handle);
        _positions.Clear(handle);
        Count--;
        if (i == Count) return;
        long key = _keys[Count];
        int moved = _handles[Count];
        // The last element fills the hole: it may need to go either way.
        if (i > 0 && Less(key, moved, _keys[(i - 1) >> 1], _handles[(i - 1) >> 1])) SiftUp(i, key, moved);
        else SiftDown(i, key, moved);
    }

    public int Pop()
    {
        int handle = _handles[0];
        Remove(handle);
        return handle;
    }

    private static bool Less(long keyA, int handleA, long keyB, int handleB) => keyA < keyB || (keyA == keyB && handleA < handleB);

    /// <summary>Places (key, handle) at the hole <paramref name="i"/> or above it.</summary>
    private void SiftUp(int i, long key, int handle)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(key, handle, _keys[parent], _handles[parent])) break;
            Place(i, _keys[parent], _handles[parent]);
            i = parent;
        }
        Place(i, key, handle);
    }

    /// <summary>Places (key, handle) at the hole <paramref name="i"/> or below it.</summary>
    private void SiftDown(int i, long key, int handle)
    {
        int count = Count;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count) break;
            if (child + 1 < count && Less(_keys[child + 1], _handles[child + 1], _keys[child], _handles[child])) child++;
            if (!Less(_keys[child], _handles[child], key, handle)) break;
            Place(i, _keys[child], _handles[child]);
            i = child;
        }
        Place(i, key, handle);
    }

    internal void Save(SnapshotWriter w)
    {
        w.Structs<long>(_keys.AsSpan(0, Count));
        w.Structs<int>(_handles.AsSpan(0, Count));
    }

    /// <summary>The heap array as it was (its positions are loaded with <see cref="TriggerPositions"/>).</summary>
    internal void Load(ref SnapshotReader r)
    {
        _keys = r.Structs<long>(out int count, 64);
        _handles = r.Structs<int>(out int handles, _keys.Length);
        if (handles != count) throw new InvalidDataException("snapshot: trigger heap keys and handles differ in number");
        if (_handles.Length != _keys.Length) Array.Resize(ref _handles, _keys.Length);
        Count = count;
    }

    private void Place(int i, long key, int handle)
    {
        _keys[i] = key;
        _handles[i] = handle;
        _positions.Set(handle, _id, i);
    }
}

/// <summary>Where each handle sits: which heap (0 = none) and at what index, packed into one int.</summary>
internal sealed class TriggerPositions
{
    private const int IndexBits = 28;
    private const int IndexMask = (1 << IndexBits) - 1;
    private int[] _slots = new int[256];

    public byte HeapOf(int handle) => handle < _slots.Length ? (byte)((uint)_slots[handle] >> IndexBits) : (byte)0;

    public int IndexOf(int handle) => _slots[handle] & IndexMask;

    public void Set(int handle, byte heap, int index)
    {
        if (handle >= _slots.Length) Array.Resize(ref _slots, Math.Max(_slots.Length * 2, handle + 1));
        _slots[handle] = (heap << IndexBits) | index;
    }

    public void Clear(int handle) => _slots[handle] = 0;

    internal void Save(SnapshotWriter w) => w.Structs<int>(_slots);

    internal void Load(ref SnapshotReader r) => _slots = r.Structs<int>(out _, 256);
}

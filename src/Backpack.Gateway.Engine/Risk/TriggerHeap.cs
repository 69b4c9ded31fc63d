namespace Backpack.Gateway.Engine.Risk;

/// <summary>
/// A binary min-heap of (key, handle) with O(log n) insert, update and removal by handle: the
/// margin monitor keeps one per market and direction, keyed by the mark price at which an
/// account must be re-examined. Handles are small dense integers (account x market); the
/// handle-to-position table is shared by all heaps, so a handle is in at most one heap at a time.
/// Ties are broken by handle, so the order of pops is fully deterministic.
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
    public int TopHandle => _handles[0];

    public bool Contains(int handle) => _positions.HeapOf(handle) == _id;

    /// <summary>Inserts the handle or moves it to <paramref name="key"/>.</summary>
    public void Set(int handle, long key)
    {
        if (Contains(handle))
        {
            int i = _positions.IndexOf(handle);
            long old = _keys[i];
            _keys[i] = key;
            if (Less(key, handle, old, handle)) SiftUp(i);
            else SiftDown(i);
            return;
        }
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _handles, Count * 2);
        }
        _keys[Count] = key;
        _handles[Count] = handle;
        _positions.Set(handle, _id, Count);
        Count++;
        SiftUp(Count - 1);
    }

    public void Remove(int handle)
    {
        if (!Contains(handle)) return;
        int i = _positions.IndexOf(handle);
        _positions.Clear(handle);
        Count--;
        if (i == Count) return;
        _keys[i] = _keys[Count];
        _handles[i] = _handles[Count];
        _positions.Set(_handles[i], _id, i);
        SiftUp(i);
        SiftDown(_positions.IndexOf(_handles[i]));
    }

    public int Pop()
    {
        int handle = _handles[0];
        Remove(handle);
        return handle;
    }

    private static bool Less(long keyA, int handleA, long keyB, int handleB) => keyA < keyB || (keyA == keyB && handleA < handleB);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(_keys[i], _handles[i], _keys[parent], _handles[parent])) break;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int left = 2 * i + 1;
            if (left >= Count) break;
            int smallest = left;
            int right = left + 1;
            if (right < Count && Less(_keys[right], _handles[right], _keys[left], _handles[left])) smallest = right;
            if (!Less(_keys[smallest], _handles[smallest], _keys[i], _handles[i])) break;
            Swap(i, smallest);
            i = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
        (_handles[a], _handles[b]) = (_handles[b], _handles[a]);
        _positions.Set(_handles[a], _id, a);
        _positions.Set(_handles[b], _id, b);
    }
}

/// <summary>Where each handle sits: which heap (0 = none) and at what index.</summary>
internal sealed class TriggerPositions
{
    private byte[] _heap = new byte[256];
    private int[] _index = new int[256];

    public byte HeapOf(int handle) => handle < _heap.Length ? _heap[handle] : (byte)0;

    public int IndexOf(int handle) => _index[handle];

    public void Set(int handle, byte heap, int index)
    {
        if (handle >= _heap.Length)
        {
            int size = Math.Max(_heap.Length * 2, handle + 1);
            Array.Resize(ref _heap, size);
            Array.Resize(ref _index, size);
        }
        _heap[handle] = heap;
        _index[handle] = index;
    }

    public void Clear(int handle) => _heap[handle] = 0;
}

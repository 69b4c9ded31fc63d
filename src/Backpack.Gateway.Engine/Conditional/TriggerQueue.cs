namespace Backpack.Gateway.Engine.Conditional;

/// <summary>
/// The pending conditional orders of one market, price source and direction, in the order their
/// trigger prices are reached: a binary min-heap on (key, order id), the key being the trigger
/// price for orders that fire as the price rises and its negation for those that fire as it falls,
/// so the first crossed is always on top and ties go to the older order. Canceled orders are not
/// searched for: their entries stay until they surface and are dropped there (the order id no
/// longer names a pending order), and the heap is rebuilt without them when they outnumber the
/// live ones. A price move costs O(log n) per order it crosses and O(1) otherwise.
/// </summary>
internal sealed class TriggerQueue
{
    private Entry[] _entries = new Entry[16];

    public int Count { get; private set; }

    public readonly record struct Entry(long Key, long OrderId, int Slot);

    public bool IsEmpty => Count == 0;

    public Entry Top => _entries[0];

    public void Push(long key, long orderId, int slot)
    {
        if (Count == _entries.Length) Array.Resize(ref _entries, Count * 2);
        int i = Count++;
        var entry = new Entry(key, orderId, slot);
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(entry, _entries[parent])) break;
            _entries[i] = _entries[parent];
            i = parent;
        }
        _entries[i] = entry;
    }

    public Entry Pop()
    {
        Entry top = _entries[0];
        Entry last = _entries[--Count];
        if (Count > 0) SiftDown(0, last);
        return top;
    }

    /// <summary>Drops the entries <paramref name="live"/> says are stale and re-heapifies (O(n)).</summary>
    public void Compact(Func<Entry, bool> live)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (live(_entries[i])) _entries[kept++] = _entries[i];
        }
        Count = kept;
        for (int i = (Count >> 1) - 1; i >= 0; i--) SiftDown(i, _entries[i]);
    }

    private void SiftDown(int i, Entry entry)
    {
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= Count) break;
            if (child + 1 < Count && Less(_entries[child + 1], _entries[child])) child++;
            if (!Less(_entries[child], entry)) break;
            _entries[i] = _entries[child];
            i = child;
        }
        _entries[i] = entry;
    }

    private static bool Less(in Entry a, in Entry b) => a.Key < b.Key || (a.Key == b.Key && a.OrderId < b.OrderId);
}

using Backpack.Gateway.Engine.State;
namespace Backpack.Gateway.Engine.Book;

/// <summary>
/// The slots that hold every open order, with a free list. An engine order id carries its slot in
/// its low <see cref="SlotBits"/> bits and a running count of accepted orders above them, so ids
/// are unique and increasing, and finding an order by id is one array read and a comparison, with
/// no hash table on the hot path. Client order ids (optional) are indexed in a dictionary.
/// Slots are handed out from the free list (last freed first), which the engine's determinism
/// relies on: the same command sequence reuses the same slots and so yields the same ids.
/// </summary>
internal sealed class OrderStore
{
    public const int None = -1;

    /// <summary>Bits of an order id that hold the slot: up to 16.7 million open orders.</summary>
    public const int SlotBits = 24;
    private const long SlotMask = (1L << SlotBits) - 1;
    public const int MaxSlots = 1 << SlotBits;

    private Order[] _slots;
    private int _freeHead = None;
    private int _used;
    private readonly Dictionary<ClientOrderKey, int> _byClientId;

    public OrderStore(int capacity)
    {
        _slots = new Order[Math.Clamp(capacity, 16, MaxSlots)];
        _byClientId = new Dictionary<ClientOrderKey, int>(Math.Min(capacity, 1 << 16));
    }

    /// <summary>The time of the command being processed (engine µs): what a new order records as its creation time.</summary>
    public long Now { get; set; }

    /// <summary>Orders accepted so far (the high part of the last order id).</summary>
    public long AcceptedCount { get; set; }

    /// <summary>Orders currently in the store.</summary>
    public int Count { get; private set; }

    /// <summary>False when every slot an id can name is taken.</summary>
    public bool HasRoom => _freeHead != None || _used < MaxSlots;

    public ref Order this[int slot] => ref _slots[slot];

    /// <summary>
    /// Takes a free slot for a newly accepted order, clears it to an in-flight order, and indexes it
    /// by client order id when that is not 0. Returns the slot; the order id is in the slot.
    /// </summary>
    public int Add(int account, long clientOrderId)
    {
        int slot;
        if (_freeHead != None)
        {
            slot = _freeHead;
            _freeHead = _slots[slot].Next;
        }
        else
        {
            if (_used == _slots.Length) Array.Resize(ref _slots, Math.Min(_slots.Length * 2, MaxSlots));
            slot = _used++;
        }
        ref Order o = ref _slots[slot];
        o = default;
        o.OrderId = (++AcceptedCount << SlotBits) | (long)slot;
        o.Account = account;
        o.ClientOrderId = clientOrderId;
        o.CreatedAt = Now;
        o.Level = o.Prev = o.Next = o.AccountPrev = o.AccountNext = None;
        if (clientOrderId != 0) _byClientId.Add(new ClientOrderKey(account, clientOrderId), slot);
        Count++;
        return slot;
    }

    public void Remove(int slot)
    {
        ref Order o = ref _slots[slot];
        if (o.ClientOrderId != 0) _byClientId.Remove(new ClientOrderKey(o.Account, o.ClientOrderId));
        o = default;
        o.Next = _freeHead;
        _freeHead = slot;
        Count--;
    }

    /// <summary>Finds an open order by engine order id.</summary>
    public bool TryFind(long orderId, out int slot)
    {
        slot = (int)(orderId & SlotMask);
        return orderId > 0 && slot < _used && _slots[slot].OrderId == orderId;
    }

    public bool TryFindByClientId(int account, long clientOrderId, out int slot) =>
        _byClientId.TryGetValue(new ClientOrderKey(account, clientOrderId), out slot);

    public bool ClientIdInUse(int account, long clientOrderId) =>
        clientOrderId != 0 && _byClientId.ContainsKey(new ClientOrderKey(account, clientOrderId));

    /// <summary>Changes the client order id an open order is indexed under.</summary>
    public void Rekey(int slot, long newClientOrderId)
    {
        ref Order o = ref _slots[slot];
        if (o.ClientOrderId != 0) _byClientId.Remove(new ClientOrderKey(o.Account, o.ClientOrderId));
        o.ClientOrderId = newClientOrderId;
        if (newClientOrderId != 0) _byClientId.Add(new ClientOrderKey(o.Account, newClientOrderId), slot);
    }

    private readonly record struct ClientOrderKey(int Account, long ClientOrderId)
    {
        public override int GetHashCode() => HashCode.Combine(Account, ClientOrderId);
    }

    // ---- Snapshot (engine thread, between commands) ----

    internal void Save(SnapshotWriter w)
    {
        w.Structs<Order>(_slots.AsSpan(0, _used));
        w.Int(_freeHead);
        w.Long(AcceptedCount);
        w.Int(Count);
    }

    /// <summary>The slots as they were (free list included, so slot reuse and order ids continue the same); the client id index is rebuilt.</summary>
    internal void Load(ref SnapshotReader r)
    {
        _slots = r.Structs<Order>(out _used, _slots.Length);
        _freeHead = r.Int();
        AcceptedCount = r.Long();
        Count = r.Int();
        _byClientId.Clear();
        for (int slot = 0; slot < _used; slot++)
        {
            ref Order o = ref _slots[slot];
            if (o.OrderId != 0 && o.ClientOrderId != 0) _byClientId.Add(new ClientOrderKey(o.Account, o.ClientOrderId), slot);
        }
    }
}

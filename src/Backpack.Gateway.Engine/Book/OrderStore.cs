using System.Runtime.CompilerServices;

namespace Backpack.Gateway.Engine.Book;

/// <summary>
/// The slots that hold every resting order, with a free list, and the index from engine order id
/// (and from account + client order id) to slot. Grows by doubling; pre-size it from
/// <see cref="EngineOptions.InitialOrderCapacity"/> so steady state never allocates.
/// </summary>
internal sealed class OrderStore
{
    public const int None = -1;

    private Order[] _slots;
    private int _freeHead = None;
    private int _used;
    private readonly Dictionary<long, int> _byId;
    private readonly Dictionary<ClientOrderKey, int> _byClientId;

    public OrderStore(int capacity)
    {
        _slots = new Order[Math.Max(capacity, 16)];
        _byId = new Dictionary<long, int>(capacity);
        _byClientId = new Dictionary<ClientOrderKey, int>(capacity);
    }

    public int Count => _byId.Count;

    public ref Order this[int slot] => ref _slots[slot];

    /// <summary>Takes a free slot, clears it to an in-flight order, and indexes it by order id (and client order id when not 0).</summary>
    public int Add(long orderId, int account, long clientOrderId)
    {
        int slot;
        if (_freeHead != None)
        {
            slot = _freeHead;
            _freeHead = _slots[slot].Next;
        }
        else
        {
            if (_used == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
            slot = _used++;
        }
        ref Order o = ref _slots[slot];
        o = default;
        o.OrderId = orderId;
        o.Account = account;
        o.ClientOrderId = clientOrderId;
        o.Level = o.Prev = o.Next = o.AccountPrev = o.AccountNext = None;
        _byId.Add(orderId, slot);
        if (clientOrderId != 0) _byClientId.Add(new ClientOrderKey(account, clientOrderId), slot);
        return slot;
    }

    public void Remove(int slot)
    {
        ref Order o = ref _slots[slot];
        _byId.Remove(o.OrderId);
        if (o.ClientOrderId != 0) _byClientId.Remove(new ClientOrderKey(o.Account, o.ClientOrderId));
        o = default;
        o.Next = _freeHead;
        _freeHead = slot;
    }

    public bool TryFind(long orderId, out int slot) => _byId.TryGetValue(orderId, out slot);

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
}

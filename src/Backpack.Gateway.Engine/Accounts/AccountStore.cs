using System.Runtime.CompilerServices;

namespace Backpack.Gateway.Engine.Accounts;

/// <summary>
/// Every account and its positions. Accounts are numbered densely in the order they opened (their
/// index); positions sit in one array at [index x marketCount + market], so an account's positions
/// are adjacent in memory.
/// </summary>
internal sealed class AccountStore
{
    private readonly int _marketCount;
    private readonly Dictionary<int, int> _indexById;
    private Account[] _accounts;
    private Position[] _positions;

    public AccountStore(int marketCount, int capacity)
    {
        _marketCount = marketCount;
        capacity = Math.Max(capacity, 16);
        _indexById = new Dictionary<int, int>(capacity);
        _accounts = new Account[capacity];
        _positions = new Position[capacity * marketCount];
    }

    public int Count { get; private set; }

    public int MarketCount => _marketCount;

    public ref Account this[int index] => ref _accounts[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Position PositionOf(int index, int market) => ref _positions[index * _marketCount + market];

    /// <summary>The positions of one account, one per market.</summary>
    public Span<Position> PositionsOf(int index) => _positions.AsSpan(index * _marketCount, _marketCount);

    public bool TryGetIndex(int accountId, out int index) => _indexById.TryGetValue(accountId, out index);

    public int GetOrOpen(int accountId)
    {
        if (_indexById.TryGetValue(accountId, out int index)) return index;
        if (Count == _accounts.Length)
        {
            Array.Resize(ref _accounts, _accounts.Length * 2);
            Array.Resize(ref _positions, _accounts.Length * _marketCount);
        }
        index = Count++;
        _accounts[index] = new Account { AccountId = accountId, OrderHead = -1, OrderTail = -1 };
        _indexById.Add(accountId, index);
        return index;
    }
}

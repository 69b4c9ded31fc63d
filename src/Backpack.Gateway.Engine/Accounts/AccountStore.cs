using System.Runtime.CompilerServices;
using Backpack.Gateway.Engine.State;

namespace Backpack.Gateway.Engine.Accounts;

/// <summary>
/// Every account and its positions. Accounts are numbered densely in the order they opened (their
/// index); positions sit in one array at [index x marketCount + market], so an account's positions
/// are adjacent in memory.
/// </summary>
internal sealed class AccountStore
{
    private readonly int _marketCount;
    /// <summary>Largest account id the engine accepts (ids index a flat array).</summary>
    public const int MaxAccountId = (1 << 24) - 1;

    /// <summary>accountId -> index + 1 (0 = no such account).</summary>
    private int[] _indexById;
    private Account[] _accounts;
    private Position[] _positions;

    public AccountStore(int marketCount, int capacity)
    {
        _marketCount = marketCount;
        capacity = Math.Max(capacity, 16);
        _indexById = new int[capacity + 1];
        _accounts = new Account[capacity];
        _positions = new Position[capacity * marketCount];
    }

    public int Count { get; private set; }


    public ref Account this[int index] => ref _accounts[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Position PositionOf(int index, int market) => ref _positions[index * _marketCount + market];

    /// <summary>The positions of one account, one per market.</summary>
    public Span<Position> PositionsOf(int index) => _positions.AsSpan(index * _marketCount, _marketCount);

    public bool TryGetIndex(int accountId, out int index)
    {
        index = (uint)accountId < (uint)_indexById.Length ? _indexById[accountId] - 1 : -1;
        return index >= 0;
    }

    /// <summary>The index of an account, opening it if new. The id must be 1..<see cref="MaxAccountId"/>.</summary>
    public int GetOrOpen(int accountId)
    {
        if ((uint)(accountId - 1) >= MaxAccountId) throw new ArgumentOutOfRangeException(nameof(accountId));
        if (TryGetIndex(accountId, out int index)) return index;
        if (accountId >= _indexById.Length) Array.Resize(ref _indexById, Math.Min(Math.Max(accountId + 1, _indexById.Length * 2), MaxAccountId + 1));
        if (Count == _accounts.Length)
        {
            Array.Resize(ref _accounts, _accounts.Length * 2);
            Array.Resize(ref _positions, _accounts.Length * _marketCount);
        }
        index = Count++;
        _accounts[index] = new Account { AccountId = accountId, OrderHead = -1, OrderTail = -1, TriggerHead = -1 };
        _indexById[accountId] = index + 1;
        return index;
    }

    // ---- Snapshot (engine thread, between commands) ----

    internal void Save(SnapshotWriter w)
    {
        w.Structs<Account>(_accounts.AsSpan(0, Count));
        w.Structs<Position>(_positions.AsSpan(0, Count * _marketCount));
    }

    internal void Load(ref SnapshotReader r)
    {
        _accounts = r.Structs<Account>(out int count, _accounts.Length);
        _positions = r.Structs<Position>(out int positions, _accounts.Length * _marketCount);
        if (positions != count * _marketCount) throw new InvalidDataException($"snapshot: {positions} positions for {count} accounts in {_marketCount} markets");
        Count = count;
        int maxId = 0;
        for (int i = 0; i < count; i++) maxId = Math.Max(maxId, _accounts[i].AccountId);
        _indexById = new int[Math.Max(_indexById.Length, maxId + 1)];
        for (int i = 0; i < count; i++) _indexById[_accounts[i].AccountId] = i + 1;
    }
}

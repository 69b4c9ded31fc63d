using System.Numerics;

namespace Backpack.Gateway.Engine.State;

/// <summary>
/// A 64-bit fingerprint built from a stream of integers, used to show that two engines (say, a
/// live one and a replay of its journal) hold the same state. Not cryptographic: it only has to
/// make an accidental difference show.
/// </summary>
internal struct StateHasher
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;

    private ulong _hash;
    private long _count;

    public StateHasher()
    {
        _hash = Prime3;
        _count = 0;
    }

    public void Add(long value)
    {
        ulong v = (ulong)value * Prime2;
        v = BitOperations.RotateLeft(v, 31) * Prime1;
        _hash ^= v;
        _hash = BitOperations.RotateLeft(_hash, 27) * Prime1 + Prime3;
        _count++;
    }

    public void Add(bool value) => Add(value ? 1 : 0);

    public readonly ulong Finish()
    {
        ulong h = _hash ^ (ulong)_count;
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }
}

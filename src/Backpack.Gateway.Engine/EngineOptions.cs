namespace Backpack.Gateway.Engine;

/// <summary>Engine limits and thresholds. Capacities only pre-size storage; they are not hard limits.</summary>
public sealed class EngineOptions
{
    /// <summary>Open orders an account may have at once (across markets); more are rejected with TOO_MANY_ORDERS.</summary>
    public int MaxOpenOrdersPerAccount { get; set; } = 1_000;

    /// <summary>Slots for resting orders allocated up front (the store doubles beyond it).</summary>
    public int InitialOrderCapacity { get; set; } = 1 << 16;

    /// <summary>Accounts allocated up front.</summary>
    public int InitialAccountCapacity { get; set; } = 1 << 12;

    /// <summary>Price levels per book side allocated up front.</summary>
    public int InitialLevelCapacity { get; set; } = 1 << 10;

    public void Validate()
    {
        if (MaxOpenOrdersPerAccount <= 0) throw new ArgumentException("Engine:MaxOpenOrdersPerAccount must be > 0");
        if (InitialOrderCapacity <= 0) throw new ArgumentException("Engine:InitialOrderCapacity must be > 0");
        if (InitialAccountCapacity <= 0) throw new ArgumentException("Engine:InitialAccountCapacity must be > 0");
        if (InitialLevelCapacity <= 0) throw new ArgumentException("Engine:InitialLevelCapacity must be > 0");
    }
}

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// A market's open interest as the openInterest stream (and the REST endpoint) counts it: the lots
/// held long, summed over every account, kept from the engine's PositionChanged events.
/// </summary>
internal sealed class OpenInterestBook
{
    private readonly Dictionary<int, long> _positions = [];

    /// <summary>Lots held long in the market.</summary>
    public long Total { get; private set; }

    /// <summary>Engine time the stream was last sent (it is sent every 60 s of engine time).</summary>
    public long SentAt { get; set; }

    public void Set(int account, long quantity)
    {
        long before = _positions.GetValueOrDefault(account);
        if (before > 0) Total -= before;
        if (quantity > 0) Total += quantity;
        if (quantity == 0) _positions.Remove(account);
        else _positions[account] = quantity;
    }
}

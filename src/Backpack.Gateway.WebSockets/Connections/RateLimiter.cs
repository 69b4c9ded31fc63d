using System.Diagnostics;

namespace Backpack.Gateway.WebSockets.Connections;

/// <summary>
/// A token bucket: <c>burst</c> requests at once, refilled at <c>perSecond</c>. Used by one
/// connection's receive loop only (not thread-safe). Wall-clock time is fine here: the front end
/// decides what reaches the engine, the engine itself never reads a clock.
/// </summary>
internal sealed class RateLimiter(int perSecond, int burst)
{
    private readonly double _ticksPerToken = (double)Stopwatch.Frequency / perSecond;
    private double _tokens = burst;
    private long _last = Stopwatch.GetTimestamp();

    public bool TryTake()
    {
        long now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (now - _last) / _ticksPerToken);
        _last = now;
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }
}

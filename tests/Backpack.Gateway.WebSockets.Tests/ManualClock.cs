namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>An engine clock the test moves (microseconds since the Unix epoch): commands are stamped with it, so funding times come when the test says.</summary>
public sealed class ManualClock(DateTimeOffset start)
{
    private long _now = (start - DateTimeOffset.UnixEpoch).Ticks / 10;

    public long Now => Interlocked.Read(ref _now);

    public void Set(DateTimeOffset time) => Interlocked.Exchange(ref _now, (time - DateTimeOffset.UnixEpoch).Ticks / 10);

    public long Read() => Now;
}

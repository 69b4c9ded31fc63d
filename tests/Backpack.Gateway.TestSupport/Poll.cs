namespace Backpack.Gateway.TestSupport;

/// <summary>Waits for an outcome by asking again and again (every 20 ms) until it holds or a generous deadline passes: no test hangs on one tight timing.</summary>
public static class Poll
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Returns once <paramref name="condition"/> is true; throws a TimeoutException naming <paramref name="what"/> after <see cref="Patience"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"timed out after {Patience.TotalSeconds} s waiting until {what}");
            await Task.Delay(20);
        }
    }
}

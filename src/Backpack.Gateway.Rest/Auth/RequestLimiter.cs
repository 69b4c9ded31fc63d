using System.Threading.RateLimiting;

namespace Backpack.Gateway.Rest.Auth;

/// <summary>
/// Token buckets per client (an API key, or a client address for unsigned requests), from
/// System.Threading.RateLimiting: each request takes a token; a bucket refills at its rate per
/// second up to its depth. A refused request is answered 429 TOO_MANY_REQUESTS.
/// </summary>
public sealed class RequestLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<(string Client, int PerSecond, int Burst)> _limiter = PartitionedRateLimiter.Create<(string Client, int PerSecond, int Burst), string>(
        key => RateLimitPartition.GetTokenBucketLimiter(key.Client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = key.Burst,
            TokensPerPeriod = key.PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Takes a token from <paramref name="client"/>'s bucket; false when it is empty. A rate of 0 means no limit.</summary>
    public bool TryAcquire(string client, int perSecond, int burst)
    {
        if (perSecond <= 0) return true;
        using var lease = _limiter.AttemptAcquire((client, perSecond, burst));
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

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

    /// <summary>
    /// Takes a token from the bucket of a client address: an IPv4 address, or the /64 network of an
    /// IPv6 address (one host usually holds a whole /64, so a bucket per address would not limit it).
    /// </summary>
    public bool TryAcquireAddress(System.Net.IPAddress? address, int perSecond, int burst) =>
        TryAcquire("ip:" + Partition(address), perSecond, burst);

    private static string Partition(System.Net.IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return Convert.ToHexString(bytes[..8]) + "::/64";
    }

    public void Dispose() => _limiter.Dispose();
}

namespace Backpack.Gateway.Rest;

/// <summary>The REST API's limits (section Rest; docs/rest.md).</summary>
public sealed class RestOptions
{
    /// <summary>Largest request body accepted (bytes); a larger one is answered 413.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest X-Window a signed request may give (ms); Backpack's is 60,000.</summary>
    public int MaxSignatureWindow { get; set; } = 60_000;

    /// <summary>Signed requests an API key may make per second (a token bucket); 0 = no limit.</summary>
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>Signed requests an API key may make at once after a quiet spell (the bucket's depth).</summary>
    public int RequestBurst { get; set; } = 100;

    /// <summary>Unsigned (public) requests one client address may make per second; 0 = no limit.</summary>
    public int PublicRequestsPerSecond { get; set; } = 500;

    /// <summary>Unsigned requests one client address may make at once after a quiet spell.</summary>
    public int PublicRequestBurst { get; set; } = 1_000;

    /// <summary>How long a request waits for the engine's answer before it is answered 202 (accepted, not yet executed).</summary>
    public TimeSpan EngineTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Orders a batch (POST /api/v1/orders) may hold; Backpack's clients send at most 20.</summary>
    public int MaxBatchOrders { get; set; } = 50;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxBodyBytes is < 1_024 or > 16 * 1024 * 1024) problems.Add("Rest:MaxBodyBytes must be 1024 to 16777216");
        if (MaxSignatureWindow is < 1_000 or > 600_000) problems.Add("Rest:MaxSignatureWindow must be 1000 to 600000 ms");
        if (RequestsPerSecond < 0 || PublicRequestsPerSecond < 0) problems.Add("Rest:RequestsPerSecond and Rest:PublicRequestsPerSecond must not be negative");
        if (RequestsPerSecond > 0 && RequestBurst < 1) problems.Add("Rest:RequestBurst must be at least 1");
        if (PublicRequestsPerSecond > 0 && PublicRequestBurst < 1) problems.Add("Rest:PublicRequestBurst must be at least 1");
        if (EngineTimeout <= TimeSpan.Zero) problems.Add("Rest:EngineTimeout must be positive");
        if (MaxBatchOrders is < 1 or > 1_000) problems.Add("Rest:MaxBatchOrders must be 1 to 1000");
        return problems;
    }
}

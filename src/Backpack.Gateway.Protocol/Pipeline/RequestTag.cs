namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// Request ids and front-end client order ids carry where they came from, so the replies the
/// engine echoes can be routed without the engine knowing about front ends:
/// bits 62-61 the front end, bits 60-40 the session or connection number, bits 39-0 a counter.
/// Client-chosen ids (a WebSocket clientId, at most 32 bits) never reach these ranges.
/// </summary>
public static class RequestTag
{
    public const int Fix = 1;
    public const int WebSocket = 2;
    public const int Rest = 3;
    private const long CounterMask = (1L << 40) - 1;

    public static long Make(int frontEnd, int connection, long counter) =>
        ((long)frontEnd << 61) | ((long)(connection & 0x1F_FFFF) << 40) | (counter & CounterMask);

    public static int FrontEnd(long id) => (int)((ulong)id >> 61);

    public static int Connection(long id) => (int)((id >> 40) & 0x1F_FFFF);

    /// <summary>The counter part of a tagged id (its low 40 bits).</summary>
    public static long Counter(long id) => id & CounterMask;

    public static bool IsFrom(long id, int frontEnd, int connection) => id > 0 && FrontEnd(id) == frontEnd && Connection(id) == connection;
}

namespace Backpack.Gateway.Protocol.Markets;

/// <summary>
/// A position's public id: one per account and market (account x 65,536 + market), the same in the
/// WebSocket API's positionUpdate and the REST API's positions.
/// </summary>
public static class PositionIds
{
    public static long Of(int accountId, int marketId) => ((long)accountId << 16) + marketId;
}

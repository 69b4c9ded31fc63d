namespace Backpack.Gateway.WebSockets.Requests;

/// <summary>
/// The numeric codes of errors that answer SUBSCRIBE and UNSUBSCRIBE, the requests Backpack's own
/// stream API has. Backpack answers an unknown stream with <c>{"id":null,"error":{"code":4006,"message":"Invalid stream"}}</c>,
/// and its clients take any numeric <c>code</c> as a failed subscription (CCXT rejects the pending
/// watch with the message; a string code it ignores, and the watch would wait for ever). 4006 is
/// Backpack's; the others are ours, in the same range. Order requests are ours and keep string codes.
/// </summary>
internal static class SubscriptionErrors
{
    public static int CodeOf(string name) => name switch
    {
        "UNAUTHENTICATED" => 4001,
        "UNKNOWN_API_KEY" => 4002,
        "INVALID_SIGNATURE" => 4003,
        "SIGNATURE_EXPIRED" => 4004,
        "BUSY" => 4005,
        "INVALID_STREAM" => 4006,
        _ => 4000, // INVALID_REQUEST: params that are not a list of streams
    };
}

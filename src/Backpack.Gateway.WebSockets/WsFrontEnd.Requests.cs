using System.Globalization;
using System.Text;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// The requests a connection's receive loop answers itself or turns into commands: SUBSCRIBE and
/// UNSUBSCRIBE (with the signature check that opens the private streams), the account's order and
/// query requests, and the error answers.
/// </summary>
public sealed partial class WsFrontEnd
{
    private void Subscribe(WsConnection connection, WsRequest r, bool subscribe)
    {
        if (r.HasParamObject)
        {
            SubscriptionError(connection, r.Id, "INVALID_REQUEST", "params must be an array of stream names");
            return;
        }
        var keys = new List<StreamKey>(r.Streams.Count);
        foreach (string name in r.Streams)
        {
            if (!StreamKey.TryParse(name, Markets, out var key))
            {
                SubscriptionError(connection, r.Id, "INVALID_STREAM", $"Invalid stream '{name}'");
                return;
            }
            keys.Add(key);
        }
        if (!subscribe)
        {
            Gateway.Unsubscribe(connection, keys, r.Id);
            return;
        }
        if (keys.Count == 0 && !r.HasSignature)
        {
            SubscriptionError(connection, r.Id, "INVALID_REQUEST", "params must list at least one stream");
            return;
        }
        if (r.HasSignature && Authenticate(connection, r) is { } refused)
        {
            SubscriptionError(connection, r.Id, refused.Code, refused.Message);
            return;
        }
        if (connection.AccountId == 0 && keys.Exists(k => k.IsPrivate))
        {
            SubscriptionError(connection, r.Id, "UNAUTHENTICATED", "Private streams need a signature: [apiKey, signature of instruction=subscribe&timestamp=..&window=.., timestamp, window]");
            return;
        }
        Gateway.Subscribe(connection, keys, r.Id);
    }

    /// <summary>
    /// Verifies the subscription signature (Backpack's: base64 Ed25519 over
    /// <c>instruction=subscribe&amp;timestamp=&lt;ms&gt;&amp;window=&lt;ms&gt;</c>) and, the first time, logs the
    /// connection on to the key's account: the engine is asked for the account's snapshot, which
    /// opens the private streams. Returns the problem, or null.
    /// </summary>
    private RequestError? Authenticate(WsConnection connection, WsRequest r)
    {
        var signature = r.Signature;
        if (signature.Count is < 3 or > 4) return new RequestError("INVALID_SIGNATURE", "signature must be [apiKey, signature, timestamp, window]");
        if (!_options.ApiKeys.TryGetValue(signature[0], out int account)) return new RequestError("UNKNOWN_API_KEY", "Unknown API key");
        if (!long.TryParse(signature[2], NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp)) return new RequestError("INVALID_SIGNATURE", "timestamp must be milliseconds since the Unix epoch");
        int window = DefaultSignatureWindow;
        if (signature.Count == 4 && (!int.TryParse(signature[3], NumberStyles.None, CultureInfo.InvariantCulture, out window) || window < 1 || window > _options.MaxSignatureWindow))
        {
            return new RequestError("INVALID_SIGNATURE", $"window must be 1 to {_options.MaxSignatureWindow} ms");
        }
        long now = _clock() / 1000;
        if (Math.Abs(now - timestamp) > window) return new RequestError("SIGNATURE_EXPIRED", $"timestamp is more than the window ({window} ms) away from the server's time {now}");
        byte[] signed = SubscribeSignature.Instruction(timestamp, window);
        if (!Ed25519.VerifyBase64Signature(signature[0], signed, Encoding.ASCII.GetBytes(signature[1]))) return new RequestError("INVALID_SIGNATURE", "The signature does not verify");
        if (connection.AccountId != 0)
        {
            // Already logged on: a valid signature of the same account changes nothing.
            return connection.AccountId == account ? null : new RequestError("INVALID_SIGNATURE", "The connection is already logged on to another account");
        }

        // Ask for the account before any order this connection sends: the snapshot opens the
        // private streams and every later event of the account follows it.
        long requestId = connection.NextRequestId();
        connection.AccountId = account;
        connection.AddPending(requestId, new PendingRequest { Method = RequestMethod.Authenticate, Id = r.Id });
        if (!Gateway.Submit(new QueryAccount(new CommandHeader(0, 0, requestId), account, 0)))
        {
            connection.TryTakePending(requestId, out _);
            connection.AccountId = 0;
            return new RequestError("BUSY", "Gateway busy, try again");
        }
        return null;
    }

    private void AccountRequest(WsConnection connection, WsRequest r, ReadOnlySpan<byte> message)
    {
        if (connection.AccountId == 0)
        {
            Error(connection, r.Id, "UNAUTHENTICATED", "Log on first: SUBSCRIBE with a signature (docs/websocket.md)");
            return;
        }
        if (!r.HasParamObject && r.Method is RequestMethod.OrderExecute or RequestMethod.OrderCancel)
        {
            Error(connection, r.Id, "INVALID_REQUEST", "params must be an object of order parameters");
            return;
        }
        long requestId = connection.NextRequestId();
        int account = connection.AccountId;
        var pending = new PendingRequest { Method = r.Method, Id = r.Id };
        NewOrder order = default;
        NewTriggerOrder? conditional = null;
        CancelOrder cancel = default;
        int marketId = 0;
        RequestError? problem = r.Method switch
        {
            RequestMethod.OrderExecute => OrderRequests.Execute(r, message, Markets, account, requestId, out order, out conditional),
            RequestMethod.OrderCancel => OrderRequests.Cancel(r, message, Markets, account, requestId, out cancel),
            RequestMethod.OrderCancelAll => OrderRequests.OptionalSymbol(r, message, Markets, "orderCancelAll", out marketId),
            _ => OrderRequests.OptionalSymbol(r, message, Markets, r.Method == RequestMethod.OrderQueryAll ? "orderQueryAll" : "positionQuery", out marketId),
        };
        if (problem is { } p)
        {
            Error(connection, r.Id, p.Code, p.Message);
            return;
        }
        if (r.Method is not (RequestMethod.OrderExecute or RequestMethod.OrderCancel or RequestMethod.OrderCancelAll)) pending.MarketId = marketId;
        // A trigger, stop-loss or take-profit: the answer shows the terms it was placed with.
        if (conditional is { } terms) pending.Conditions = OrderConditions.Of(terms);
        connection.AddPending(requestId, pending);
        // Each command is encoded straight into its slot in the engine's ring.
        bool submitted = r.Method switch
        {
            RequestMethod.OrderExecute => conditional is { } c ? Gateway.Submit(c) : Gateway.Submit(order),
            RequestMethod.OrderCancel => Gateway.Submit(cancel),
            RequestMethod.OrderCancelAll => Gateway.Submit(new CancelAll(new CommandHeader(0, 0, requestId), account, marketId)),
            _ => Gateway.Submit(new QueryAccount(new CommandHeader(0, 0, requestId), account, marketId)),
        };
        if (!submitted)
        {
            connection.TryTakePending(requestId, out _);
            Error(connection, r.Id, "BUSY", "Gateway busy, try again");
        }
    }

    private static void Error(WsConnection connection, RequestId id, string code, string message)
    {
        var w = connection.Writer;
        w.Begin(connection.Format);
        StreamEncoder.Error(w, id, code, message);
        connection.Send(w.FinishOne());
    }

    /// <summary>An error answering SUBSCRIBE or UNSUBSCRIBE: Backpack's numeric code for <paramref name="name"/> (<see cref="SubscriptionErrors"/>).</summary>
    private static void SubscriptionError(WsConnection connection, RequestId id, string name, string message)
    {
        var w = connection.Writer;
        w.Begin(connection.Format);
        StreamEncoder.Error(w, id, SubscriptionErrors.CodeOf(name), message);
        connection.Send(w.FinishOne());
    }
}

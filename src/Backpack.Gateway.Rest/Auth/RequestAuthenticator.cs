using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Backpack.Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;

namespace Backpack.Gateway.Rest.Auth;

/// <summary>
/// Checks a signed request as Backpack does: the headers X-API-Key (a configured account's base64
/// Ed25519 public key), X-Signature (base64, over <see cref="SignedPayload"/>), X-Timestamp (ms) and
/// X-Window (ms, default 5,000, at most <see cref="RestOptions.MaxSignatureWindow"/>). The timestamp
/// must lie within the window of the server's time; a request that changes something (not a GET) is
/// accepted once: the same signature again within its window is a replay. Then the key's rate
/// limit. Every refusal is a <see cref="RestError"/> and nothing of the request is done.
/// </summary>
public sealed class RequestAuthenticator(IReadOnlyDictionary<string, int> apiKeys, RestOptions options, Func<long> clockMicros, RequestLimiter limiter)
{
    private const int DefaultWindow = 5_000;

    // Signatures of state-changing requests seen, until their window closes (ms).
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long _nextSweep;

    // The venue's start (ms): a state-changing request signed before it may have been received by
    // the venue's previous run, whose replay cache is gone.
    private readonly long _startedAt = clockMicros() / 1000;

    /// <summary>The account the request is signed for; throws <see cref="RestError"/> when it is not.</summary>
    public int Authenticate(HttpRequest request, string instructionPart)
    {
        string apiKey = Header(request, "X-API-Key");
        string signature = Header(request, "X-Signature");
        string timestampText = Header(request, "X-Timestamp");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp))
        {
            throw Unauthorized("X-Timestamp must be the request time in milliseconds since the Unix epoch");
        }
        int window = DefaultWindow;
        if (request.Headers.TryGetValue("X-Window", out var windowText)
            && (!int.TryParse(windowText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out window) || window < 1 || window > options.MaxSignatureWindow))
        {
            throw Unauthorized($"X-Window must be 1 to {options.MaxSignatureWindow} ms");
        }
        if (!apiKeys.TryGetValue(apiKey, out int account)) throw Unauthorized("Unknown API key");

        long now = clockMicros() / 1000;
        if (now - timestamp > window) throw Unauthorized($"Request has expired: X-Timestamp {timestamp} is more than the window ({window} ms) before the server's time {now}");
        if (timestamp - now > window) throw Unauthorized($"X-Timestamp {timestamp} is more than the window ({window} ms) after the server's time {now}");

        // The signature as exactly the base64 of its 64 bytes: one spelling per signature, so the
        // replay check below cannot be passed by writing the same bytes another way (spaces, padding bits).
        Span<byte> raw = stackalloc byte[Ed25519.SignatureSize + 8];
        if (!Convert.TryFromBase64String(signature, raw, out int length) || length != Ed25519.SignatureSize || Convert.ToBase64String(raw[..length]) != signature)
        {
            throw new RestError(StatusCodes.Status401Unauthorized, "INVALID_SIGNATURE", "X-Signature must be the base64 of a 64-byte Ed25519 signature");
        }
        byte[] signed = Encoding.UTF8.GetBytes(SignedPayload.WithTime(instructionPart, timestamp, window));
        if (!Ed25519.VerifyWithApiKey(apiKey, signed, raw[..length]))
        {
            throw new RestError(StatusCodes.Status401Unauthorized, "INVALID_SIGNATURE", "The signature does not verify for this API key and request");
        }
        // The rate limit before the replay check: a refused request does not use up its signature.
        if (!limiter.TryAcquire("key:" + apiKey, options.RequestsPerSecond, options.RequestBurst))
        {
            throw RestError.TooManyRequests($"More than {options.RequestsPerSecond} requests per second with this API key");
        }
        if (!HttpMethods.IsGet(request.Method))
        {
            if (timestamp < _startedAt) throw Unauthorized("A request that changes something must be signed after the venue started (X-Timestamp is before it)");
            if (!FirstUse(signature, timestamp + window, now)) throw new RestError(StatusCodes.Status401Unauthorized, "INVALID_SIGNATURE", "This signed request was already received (a replay)");
        }
        return account;
    }

    private bool FirstUse(string signature, long expiresAt, long now)
    {
        if (now >= Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, now + 1_000);
            foreach (var (seen, until) in _seen)
            {
                if (until < now) _seen.TryRemove(seen, out _);
            }
        }
        return _seen.TryAdd(signature, expiresAt);
    }

    private static string Header(HttpRequest request, string name)
    {
        var value = request.Headers[name];
        if (value.Count != 1 || string.IsNullOrEmpty(value[0])) throw Unauthorized($"Missing {name} header");
        return value[0]!;
    }

    private static RestError Unauthorized(string message) => new(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", message);
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.TestSupport;

/// <summary>
/// Signs a REST request as a Backpack client does (written from Backpack's documentation, apart
/// from the gateway's code): <c>instruction=I&amp;</c> the parameters sorted by name (the query, or
/// the JSON body's fields; a batch repeats the instruction per order), then
/// <c>&amp;timestamp=..&amp;window=..</c>, signed with Ed25519, in the headers X-API-Key,
/// X-Signature, X-Timestamp and X-Window.
/// </summary>
public static class RestSigner
{
    public static HttpRequestMessage Sign(byte[] privateKey, HttpMethod method, string path, string instruction,
        IReadOnlyDictionary<string, string>? query = null, string? body = null, long? timestamp = null, int window = 5000)
    {
        long ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string signedText;
        if (body is not null && body.TrimStart().StartsWith('['))
        {
            signedText = string.Join('&', JsonDocument.Parse(body).RootElement.EnumerateArray().Select(item => Sorted(instruction, Fields(item))));
        }
        else if (body is not null)
        {
            signedText = Sorted(instruction, Fields(JsonDocument.Parse(body).RootElement));
        }
        else
        {
            signedText = Sorted(instruction, query ?? new Dictionary<string, string>());
        }
        signedText += $"&timestamp={ts}&window={window}";
        string signature = Convert.ToBase64String(Ed25519.Sign(privateKey, Encoding.UTF8.GetBytes(signedText)));
        string uri = query is null || query.Count == 0 ? path : path + "?" + string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("X-API-Key", Convert.ToBase64String(Ed25519.PublicKeyOf(privateKey)));
        request.Headers.Add("X-Signature", signature);
        request.Headers.Add("X-Timestamp", ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Window", window.ToString(CultureInfo.InvariantCulture));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    private static string Sorted(string instruction, IReadOnlyDictionary<string, string> fields) =>
        "instruction=" + instruction + string.Concat(fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"&{f.Key}={f.Value}"));

    private static Dictionary<string, string> Fields(JsonElement item)
    {
        var fields = new Dictionary<string, string>();
        foreach (var p in item.EnumerateObject())
        {
            fields[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => p.Value.GetRawText(),
            };
        }
        return fields;
    }
}

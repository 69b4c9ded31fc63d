using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Backpack.Gateway.Rest.Auth;

/// <summary>
/// The text a Backpack client signs for a request: <c>instruction=&lt;name&gt;&amp;</c>, the request's
/// parameters sorted by name and URL-encoded (the query of a GET, the fields of a JSON body), then
/// <c>&amp;timestamp=&lt;ms&gt;&amp;window=&lt;ms&gt;</c>. A batch of orders repeats
/// <c>instruction=orderExecute&amp;&lt;its fields&gt;</c> for each order, joined by <c>&amp;</c>.
/// Values appear as sent: strings raw, numbers as their digits, booleans as true/false.
/// </summary>
public static class SignedPayload
{
    /// <summary>One instruction and its parameters: <c>instruction=I&amp;a=1&amp;b=2</c> (sorted by name).</summary>
    public static string Of(string instruction, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var sb = new StringBuilder("instruction=").Append(instruction);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return sb.ToString();
    }

    /// <summary>The whole signed text: the instruction part and the time terms.</summary>
    public static string WithTime(string instructionPart, long timestampMs, int windowMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{instructionPart}&timestamp={timestampMs}&window={windowMs}");

    /// <summary>
    /// The fields of a JSON object as they are signed. Throws <see cref="RestError"/> for a value that
    /// is an object or an array (no Backpack request has one).
    /// </summary>
    public static List<KeyValuePair<string, string>> Fields(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) throw RestError.BadRequest("Each order must be a JSON object");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var property in element.EnumerateObject())
        {
            string value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => "",
                _ => throw RestError.BadRequest($"Field '{property.Name}' must be a string, number or boolean"),
            };
            fields.Add(new(property.Name, value));
        }
        return fields;
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>docs/websocket.md stays true to the code: its examples are valid JSON and it names every method, stream, event and error code the code sends.</summary>
public class DocumentationTests
{
    private static readonly string Doc = File.ReadAllText(RepositoryFiles.PathOf("docs/websocket.md"));
    private static readonly string Source = string.Join("\n", Directory.GetFiles(RepositoryFiles.PathOf("src/Backpack.Gateway.WebSockets"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")).Select(File.ReadAllText));

    [Fact]
    public void Every_json_example_parses()
    {
        var blocks = Regex.Matches(Doc, "```json\n(.*?)```", RegexOptions.Singleline);
        int parsed = 0;
        foreach (Match block in blocks)
        {
            foreach (string line in block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                // One message per line, or one document over several lines.
                if (!line.TrimStart().StartsWith('{') || !line.TrimEnd().EndsWith('}')) continue;
                JsonDocument.Parse(line).Dispose();
                parsed++;
            }
        }
        Assert.True(parsed >= 20, $"only {parsed} one-line JSON examples found in {blocks.Count} json blocks");
    }

    [Fact]
    public void Every_method_stream_event_and_error_code_is_documented()
    {
        var names = new HashSet<string>();
        // Methods (WsRequest.MethodOf), stream heads (StreamKey.Name), event types ("e"), error codes.
        foreach (Match m in Regex.Matches(Source, "SequenceEqual\\(\"(\\w+)\"u8\\) => RequestMethod")) names.Add(m.Groups[1].Value);
        foreach (Match m in Regex.Matches(Source, "StreamKind\\.\\w+ => \"([\\w.]+)\"")) names.Add(m.Groups[1].Value);
        foreach (Match m in Regex.Matches(Source, "\"((?:order|position|depth|margin|liquidation|trigger|funding)[A-Z]\\w*|trade|markPrice|insuranceFund|adl|depth|liquidation)\"u8")) names.Add(m.Groups[1].Value);
        foreach (Match m in Regex.Matches(Source, "_ => \"(account\\.\\w+)\"")) names.Add(m.Groups[1].Value);
        foreach (Match m in Regex.Matches(Source, "\"([A-Z]+(?:_[A-Z]+)+)\"")) names.Add(m.Groups[1].Value);
        Assert.Contains("orderExecute", names);
        Assert.Contains("account.positionUpdate", names);
        Assert.Contains("positionClosed", names);
        Assert.Contains("SIGNATURE_EXPIRED", names);
        Assert.Contains("triggerPlaced", names);
        Assert.Contains("triggerFailed", names);
        Assert.Contains("fundingPayment", names);
        Assert.Contains("account.fundingPayment", names);
        Assert.Contains("INVALID_CLIENT_REQUEST", names);
        var missing = names.Where(n => !Doc.Contains('`' + n, StringComparison.Ordinal) && !Doc.Contains('"' + n + '"', StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not in docs/websocket.md: " + string.Join(", ", missing));
    }
}

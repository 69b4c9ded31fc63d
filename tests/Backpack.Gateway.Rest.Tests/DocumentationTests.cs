using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.TestSupport;

namespace Backpack.Gateway.Rest.Tests;

/// <summary>
/// docs/rest.md stays true to the code: every example request in it is sent to a venue that has
/// traded (two accounts, an order filled, one resting), and the answer must have the example's
/// status and shape (the same field names at every level, the same kinds of values; times and ids
/// may differ). With REST_DOC_EXAMPLES=&lt;file&gt; the answers are written there, to refresh the doc.
/// </summary>
public sealed class DocumentationTests
{
    private static readonly string Doc = File.ReadAllText(RepositoryFiles.PathOf("docs/rest.md"));

    // An example: ```http with a request line (and a JSON body for POST/DELETE), then ```json (or ```text) with the answer.
    private static readonly Regex Example = new(
        "```http\\n(?<method>GET|POST|DELETE) (?<path>\\S+)(?: \\((?<status>\\d{3})\\))?\\n(?<body>.*?)```\\s*```(?<kind>json|text)\\n(?<answer>.*?)```",
        RegexOptions.Singleline);

    [Fact]
    public async Task Every_example_answers_with_the_documented_status_and_shape()
    {
        var examples = Example.Matches(Doc);
        Assert.True(examples.Count >= 30, $"only {examples.Count} request/answer examples in docs/rest.md");
        await using var host = await TradedVenue();
        var problems = new List<string>();
        var written = new StringBuilder();
        foreach (Match e in examples)
        {
            string method = e.Groups["method"].Value, path = e.Groups["path"].Value, body = e.Groups["body"].Value.Trim();
            var expectedStatus = e.Groups["status"].Success ? (HttpStatusCode)int.Parse(e.Groups["status"].Value) : HttpStatusCode.OK;
            var (status, text) = await Send(host, method, path, body.Length == 0 ? null : body);
            written.Append(method).Append(' ').Append(path).Append(" -> ").Append((int)status).Append('\n').Append(text).Append("\n\n");
            if (status != expectedStatus)
            {
                problems.Add($"{method} {path}: status {(int)status}, documented {(int)expectedStatus}: {text}");
                continue;
            }
            string documented = e.Groups["answer"].Value.Trim();
            if (e.Groups["kind"].Value == "text")
            {
                if (documented != "<ms>" && documented != text) problems.Add($"{method} {path}: answered '{text}', documented '{documented}'");
                continue;
            }
            string expectedShape = Shape(JsonDocument.Parse(documented).RootElement), actualShape = Shape(JsonDocument.Parse(text).RootElement);
            if (expectedShape != actualShape) problems.Add($"{method} {path}:\n  documented {expectedShape}\n  answered   {actualShape}\n  {text}");
        }
        if (Environment.GetEnvironmentVariable("REST_DOC_EXAMPLES") is { Length: > 0 } file) File.WriteAllText(file, written.ToString());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_endpoint_the_api_maps_is_documented()
    {
        string source = string.Join("\n", Directory.GetFiles(RepositoryFiles.PathOf("src/Backpack.Gateway.Rest"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")).Select(File.ReadAllText));
        var paths = Regex.Matches(source, "\"(/w?api/v1/[\\w/]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(paths.Count >= 25, $"only {paths.Count} paths found in the source");
        var missing = paths.Where(p => !Regex.IsMatch(Doc, "(?m)^(GET|POST|DELETE) " + Regex.Escape(p) + "[?\\s]")).ToList();
        Assert.True(missing.Count == 0, "no example in docs/rest.md for: " + string.Join(", ", missing));
    }

    /// <summary>A JSON value's shape: objects by their sorted field names, arrays by their first item; null fits any kind.</summary>
    private static string Shape(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + (p.Value.ValueKind == JsonValueKind.Null ? "" : ":" + Shape(p.Value)))) + "}",
        JsonValueKind.Array => e.GetArrayLength() == 0 ? "[]" : "[" + Shape(e[0]) + "]",
        JsonValueKind.String => "s",
        JsonValueKind.Number => "n",
        JsonValueKind.True or JsonValueKind.False => "b",
        _ => "",
    };

    private static async Task<(HttpStatusCode, string)> Send(SignedTestHost host, string method, string pathAndQuery, string? body)
    {
        // The doc writes the signing account as a header comment; account 1 signs unless it says 2.
        int account = 1;
        string path = pathAndQuery.Split('?')[0];
        HttpRequestMessage request;
        if (Instruction(method, path) is not { } instruction)
        {
            request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        }
        else
        {
            var query = new Dictionary<string, string>();
            if (pathAndQuery.Contains('?'))
            {
                foreach (string pair in pathAndQuery.Split('?')[1].Split('&'))
                {
                    var kv = pair.Split('=', 2);
                    query[Uri.UnescapeDataString(kv[0])] = Uri.UnescapeDataString(kv[1]);
                }
            }
            request = host.Signed(account, new HttpMethod(method), path, instruction, query, body);
        }
        using var response = await host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string? Instruction(string method, string path) => (method, path) switch
    {
        ("GET", "/api/v1/order") => "orderQuery",
        ("POST", "/api/v1/order") => "orderExecute",
        ("DELETE", "/api/v1/order") => "orderCancel",
        ("GET", "/api/v1/orders") => "orderQueryAll",
        ("POST", "/api/v1/orders") => "orderExecute",
        ("DELETE", "/api/v1/orders") => "orderCancelAll",
        ("GET", "/api/v1/position") => "positionQuery",
        ("GET", "/api/v1/capital") => "balanceQuery",
        ("GET", "/api/v1/capital/collateral") => "collateralQuery",
        ("GET", "/api/v1/account") => "accountQuery",
        ("GET", "/wapi/v1/history/fills") => "fillHistoryQueryAll",
        ("GET", "/wapi/v1/history/orders") => "orderHistoryQueryAll",
        ("GET", "/wapi/v1/history/funding") => "fundingHistoryQueryAll",
        ("GET", "/wapi/v1/capital/deposits") => "depositQueryAll",
        ("GET", "/wapi/v1/capital/withdrawals") => "withdrawalQueryAll",
        ("GET", "/wapi/v1/x/liquidation") => "liquidationQuery",
        _ => null,
    };

    /// <summary>
    /// Accounts 1 and 2 with 10,000 USDC each (account 1 then withdraws 100); SOL at 180; account 2
    /// offers 2 at 181.50 (clientId 7, order 1), account 1 buys 0.5 at market (order 2) and bids 1 at 170
    /// (order 3, clientId 42); a funding payment settled.
    /// </summary>
    private static async Task<SignedTestHost> TradedVenue()
    {
        var host = new SignedTestHost(fundingIntervalSeconds: 60);
        await host.Fund(1, 10_000);
        await host.Fund(2, 10_000);
        await host.Command(new Withdraw(new CommandHeader(0, 0, 0), 1, 100 * 1_000_000L));
        await host.Index(18_000);
        await host.Post(2, "/api/v1/order", "orderExecute", """{"symbol":"SOL_USDC_PERP","side":"Ask","orderType":"Limit","price":"181.5","quantity":"2","clientId":7}""");
        await host.Post(1, "/api/v1/order", "orderExecute", """{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Market","quantity":"0.5"}""");
        await host.Post(1, "/api/v1/order", "orderExecute", """{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"170","quantity":"1","clientId":42}""");
        await host.SettleFunding();
        await host.HistoryCaughtUp();
        return host;
    }
}

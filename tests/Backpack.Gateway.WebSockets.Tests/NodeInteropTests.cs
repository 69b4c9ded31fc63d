using System.Diagnostics;
using System.Text.Json;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// A client that is not ours reads our frames: Node's `ws` and `@msgpack/msgpack` packages (from
/// npm; the test installs them on first use) and Node's own Ed25519, in JSON and in MessagePack.
/// </summary>
public class NodeInteropTests
{
    private static readonly string ClientDirectory = RepositoryFiles.PathOf("tests/Backpack.Gateway.WebSockets.Tests/NodeClient");

    private static Task InstallAsync() => NodePackages.InstallAsync(ClientDirectory, "node_modules/@msgpack/msgpack/package.json");

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public async Task Node_ws_client_logs_on_places_an_order_and_reads_the_streams(string mode)
    {
        await InstallAsync();
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 10_000);

        var (code, output) = await RunAsync("node", ["client.mjs", host.Uri.ToString(), Convert.ToHexString(WsTestHost.KeyA), mode], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, "the Node client failed: " + output);
        using var report = JsonDocument.Parse(output.Trim().Split('\n').Last());
        var r = report.RootElement;
        Assert.Equal(JsonValueKind.Null, r.GetProperty("logon").GetProperty("result").ValueKind);
        var order = r.GetProperty("order").GetProperty("result");
        Assert.Equal(("New", "179.25", "0.5", 42), (order.GetProperty("status").GetString(), order.GetProperty("price").GetString(), order.GetProperty("quantity").GetString(), order.GetProperty("clientId").GetInt32()));
        var update = r.GetProperty("update").GetProperty("data");
        Assert.Equal((order.GetProperty("id").GetString(), "New", "Bid"), (update.GetProperty("i").GetString(), update.GetProperty("X").GetString(), update.GetProperty("S").GetString()));
        var delta = r.GetProperty("delta").GetProperty("data");
        Assert.Equal(r.GetProperty("snapshot").GetProperty("data").GetProperty("u").GetInt64() + 1, delta.GetProperty("U").GetInt64());
        Assert.Equal("[[\"179.25\",\"0.5\"]]", delta.GetProperty("b").GetRawText());
        Assert.Equal("UNKNOWN_METHOD", r.GetProperty("unknown").GetProperty("error").GetProperty("code").GetString());
        var trigger = r.GetProperty("trigger").GetProperty("result");
        Assert.Equal(("TriggerPending", "170", "0.5", "MarkPrice"), (trigger.GetProperty("status").GetString(), trigger.GetProperty("triggerPrice").GetString(),
            trigger.GetProperty("triggerQuantity").GetString(), trigger.GetProperty("triggerBy").GetString()));
        var placed = r.GetProperty("triggerPlaced").GetProperty("data");
        Assert.Equal((trigger.GetProperty("id").GetString(), "TriggerPending", "170", "MarkPrice", "0.5", "0", 43),
            (placed.GetProperty("i").GetString(), placed.GetProperty("X").GetString(), placed.GetProperty("P").GetString(), placed.GetProperty("B").GetString(),
             placed.GetProperty("Y").GetString(), placed.GetProperty("q").GetString(), placed.GetProperty("c").GetInt32()));
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var (code, output, errors) = await NodePackages.RunAsync(ClientDirectory, program, arguments, timeout);
        return (code, output + errors);
    }
}

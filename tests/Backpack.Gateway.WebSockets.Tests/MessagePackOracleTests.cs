using System.Text;
using System.Text.Json.Nodes;
using MessagePack;
using MessagePack.Resolvers;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>
/// MessagePack-CSharp (tests only) as the oracle for the binary frames of the backpack.msgpack
/// subprotocol: read with no schema at all (contractless, into dictionaries and arrays), a
/// response or stream message holds exactly what the JSON frame of the same message holds.
/// </summary>
public class MessagePackOracleTests
{
    private const string Symbol = "SOL_USDC_PERP";

    [Fact]
    public async Task Msgpack_frames_read_with_MessagePack_CSharp_hold_what_the_json_frames_of_the_same_messages_hold()
    {
        await using var host = new WsTestHost();
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 100_000);
        host.Fund(WsTestHost.AccountB, 100_000);

        // Account A twice, once per format, on the same streams.
        await using var json = await host.ConnectAsync(messagePack: false);
        await using var pack = await host.ConnectAsync(messagePack: true);
        foreach (var client in new[] { json, pack })
        {
            await client.LogOnAsync(WsTestHost.KeyA, "account.orderUpdate", "account.positionUpdate");
            await client.SubscribeAsync("trade." + Symbol, "depth." + Symbol);
            await client.StreamAsync("depth." + Symbol, "depthSnapshot");
            // The same refused request on both: an error response with the request's id.
            await client.ResponseAsync(await client.SendAsync("orderExecute", new { symbol = "NOPE_USDC_PERP", side = "Bid", orderType = "Limit", price = "1", quantity = "1" }, id: 900));
        }

        // B rests an ask, A (on its JSON connection) takes part of it: order updates, a position, a trade, depth.
        await using var b = await host.ConnectAsync();
        await b.LogOnAsync(WsTestHost.KeyB);
        await b.RequestAsync("orderExecute", new { symbol = Symbol, side = "Ask", orderType = "Limit", price = "181.25", quantity = "3" });
        await json.RequestAsync("orderExecute", new { symbol = Symbol, side = "Bid", orderType = "Limit", price = "181.25", quantity = "1.5", clientId = 42 });
        foreach (var client in new[] { json, pack })
        {
            await client.StreamAsync("account.orderUpdate", "orderFill");
            await client.StreamAsync("account.positionUpdate");
            await client.StreamAsync("trade." + Symbol, "trade");
            await client.StreamAsync("depth." + Symbol, "depth", d => d.GetProperty("a").GetArrayLength() > 0 && d.GetProperty("a")[0][1].GetString() == "1.5");
        }

        var fromJson = Messages(json.RawFrames(), frame => Encoding.UTF8.GetString(frame));
        var fromPack = Messages(pack.RawFrames(), ReadWithOracle);
        string[] compared = ["id 900", "account.orderUpdate", "account.positionUpdate", "trade." + Symbol, "depth." + Symbol];
        foreach (string key in compared)
        {
            var a = fromJson.GetValueOrDefault(key, []);
            var p = fromPack.GetValueOrDefault(key, []);
            Assert.True(a.Count > 0 && p.Count > 0, $"no {key} message in one of the formats");
            int n = Math.Min(a.Count, p.Count);
            for (int i = 0; i < n; i++) Assert.Equal(a[i], p[i]);
        }
        Assert.Contains(fromPack["account.orderUpdate"], m => m.Contains("\"e\":\"orderFill\"") && m.Contains("\"c\":42"));
    }

    /// <summary>A MessagePack frame read with MessagePack-CSharp's contractless resolver, written back as JSON text.</summary>
    private static string ReadWithOracle(byte[] frame) =>
        ToNode(MessagePackSerializer.Deserialize<object>(frame, ContractlessStandardResolver.Options))!.ToJsonString();

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new JsonObject(map.Select(kv => KeyValuePair.Create((string)kv.Key, ToNode(kv.Value)))),
        object[] array => new JsonArray(array.Select(ToNode).ToArray()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        ulong u => JsonValue.Create(u),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        _ => JsonValue.Create(Convert.ToInt64(value)),
    };

    /// <summary>The frames' messages as normalised JSON text, by stream name (or "id N" for a response), in arrival order.</summary>
    private static Dictionary<string, List<string>> Messages(List<byte[]> frames, Func<byte[], string> toJson)
    {
        var byKey = new Dictionary<string, List<string>>();
        foreach (var frame in frames)
        {
            var node = JsonNode.Parse(toJson(frame))!.AsObject();
            string? key = node["stream"]?.GetValue<string>() ?? (node["id"] is { } id ? "id " + id.ToJsonString() : null);
            if (key is null) continue;
            // A depth snapshot is made for each subscriber when it subscribes, stamped with that time (E and T).
            if (node["data"]?["e"]?.GetValue<string>() == "depthSnapshot")
            {
                node["data"]!.AsObject().Remove("E");
                node["data"]!.AsObject().Remove("T");
            }
            if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
            list.Add(node.ToJsonString());
        }
        return byKey;
    }
}

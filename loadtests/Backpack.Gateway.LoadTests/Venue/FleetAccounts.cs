using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.LoadTests.Venue;

/// <summary>An account of the load fleet. <see cref="Leveraged"/> accounts take a large position before the crash so that it liquidates them.</summary>
public sealed record FleetAccount(int Id, string Name, decimal Deposit, byte[] PrivateKey)
{
    public bool Leveraged => Name.EndsWith(LeveragedSuffix, StringComparison.Ordinal);

    public const string LeveragedSuffix = "-lev";
}

/// <summary>A FIX session of the fleet: the CompID the runner logs on as, and the account it trades for.</summary>
public sealed record FleetSession(string CompId, FleetAccount Account);

/// <summary>
/// The load fleet's accounts and FIX sessions, read from the same configuration overlay the host is
/// started with (<c>config/loadtest.json</c>: <c>--config config/loadtest.json</c>), so that the
/// host knows their keys and the runner their secrets. The overlay appends to the host's lists by
/// using index keys from 100 up (<c>"Accounts": {"100": {...}}</c>): a JSON array there would
/// replace the demo's entries one by one.
/// </summary>
public sealed class FleetAccounts
{
    public const string FixPrefix = "lt-fix-", WebSocketPrefix = "lt-ws-";
    public const int FirstIndex = 100;

    private FleetAccounts(IReadOnlyList<FleetSession> fix, IReadOnlyList<FleetAccount> webSocket)
    {
        FixSessions = fix;
        WebSocketTraders = webSocket;
    }

    public IReadOnlyList<FleetSession> FixSessions { get; }
    public IReadOnlyList<FleetAccount> WebSocketTraders { get; }

    public static FleetAccounts Load(string path)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var document = JsonDocument.Parse(File.ReadAllText(path), options);
        var root = document.RootElement;
        var accounts = new Dictionary<int, FleetAccount>();
        if (root.TryGetProperty("Accounts", out var list))
        {
            foreach (var entry in Entries(list))
            {
                int id = entry.GetProperty("Id").GetInt32();
                string name = entry.GetProperty("Name").GetString() ?? "";
                string secret = entry.TryGetProperty("ApiSecret", out var s) ? s.GetString() ?? "" : "";
                if (!name.StartsWith(FixPrefix, StringComparison.Ordinal) && !name.StartsWith(WebSocketPrefix, StringComparison.Ordinal)) continue;
                if (secret.Length == 0) throw new InvalidDataException($"{path}: account {name} has no ApiSecret; the runner signs its logons with it");
                accounts[id] = new FleetAccount(id, name, entry.GetProperty("Deposit").GetDecimal(), Convert.FromBase64String(secret));
            }
        }
        var sessions = new List<FleetSession>();
        if (root.TryGetProperty("Fix", out var fix) && fix.TryGetProperty("Sessions", out var sessionList))
        {
            foreach (var entry in Entries(sessionList))
            {
                int account = entry.GetProperty("Accounts")[0].GetInt32();
                if (accounts.TryGetValue(account, out var a) && a.Name.StartsWith(FixPrefix, StringComparison.Ordinal))
                {
                    sessions.Add(new FleetSession(entry.GetProperty("TargetCompId").GetString()!, a));
                }
            }
        }
        var webSocket = accounts.Values.Where(a => a.Name.StartsWith(WebSocketPrefix, StringComparison.Ordinal)).OrderBy(a => a.Id).ToList();
        return new FleetAccounts(sessions, webSocket);
    }

    /// <summary>FIX trader i's account: 3001-3099 for the first 99 (the standard fleet's ids), then 100,000 + i.</summary>
    public static int FixAccountId(int i) => i < 100 ? 3000 + i : 100_000 + i;

    /// <summary>WebSocket trader i's account: 3101-3999 for the first 899, then 200,000 + i.</summary>
    public static int WebSocketAccountId(int i) => i < 900 ? 3100 + i : 200_000 + i;

    private static IEnumerable<JsonElement> Entries(JsonElement list) => list.ValueKind switch
    {
        JsonValueKind.Array => list.EnumerateArray(),
        JsonValueKind.Object => list.EnumerateObject().Select(p => p.Value),
        _ => [],
    };

    /// <summary>
    /// Writes an overlay with <paramref name="fixSessions"/> FIX accounts and sessions and
    /// <paramref name="webSocketTraders"/> WebSocket accounts; every third trader of each channel is
    /// leveraged. Keys are derived from the account names, so the same counts give the same file.
    /// </summary>
    public static string Generate(int fixSessions, int webSocketTraders, decimal deposit, decimal leveragedDeposit)
    {
        var accounts = new JsonObject();
        var sessions = new JsonObject();
        int index = FirstIndex;
        void Add(int id, string name, bool leveraged)
        {
            if (leveraged) name += FleetAccount.LeveragedSuffix;
            byte[] key = SHA256.HashData(Encoding.UTF8.GetBytes("backpack-gateway-loadtest:" + name));
            accounts[(index++).ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["Id"] = id,
                ["Name"] = name,
                ["Deposit"] = leveraged ? leveragedDeposit : deposit,
                ["ApiKey"] = Convert.ToBase64String(Ed25519.PublicKeyOf(key)),
                ["ApiSecret"] = Convert.ToBase64String(key),
            };
        }
        for (int i = 1; i <= fixSessions; i++)
        {
            Add(FixAccountId(i), $"{FixPrefix}{i:00}", i % 3 == 0);
            sessions[(FirstIndex + i - 1).ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["TargetCompId"] = $"LTFIX{i:00}",
                ["Accounts"] = new JsonArray(FixAccountId(i)),
            };
        }
        for (int i = 1; i <= webSocketTraders; i++) Add(WebSocketAccountId(i), $"{WebSocketPrefix}{i:00}", i % 3 == 0);
        var fix = new JsonObject { ["Sessions"] = sessions };
        // The acceptor takes 64 connections by default: a bigger fleet needs room for all its sessions and the demo's.
        if (fixSessions > 48) fix["MaxConnections"] = fixSessions + 16;
        var root = new JsonObject
        {
            ["Accounts"] = accounts,
            ["Fix"] = fix,
            ["Journal"] = new JsonObject { ["Directory"] = "data/loadtest/journal" },
            ["Snapshots"] = new JsonObject { ["Directory"] = "data/loadtest/snapshots" },
        };
        ((JsonObject)root["Fix"]!)["StoreDirectory"] = "data/loadtest/fix";
        string header = """
            // The crash load test's fleet (docs/load-tests.md), written by
            //   dotnet run -c Release --project loadtests/Backpack.Gateway.LoadTests -- accounts
            // Start the host with it (--config config/loadtest.json) and point the runner at the same
            // file. Index keys from 100 up append to the lists of config/gateway.json (a JSON array would
            // replace the demo's entries). Names ending in -lev are the leveraged accounts the crash is
            // meant to liquidate. The state goes to data/loadtest: delete it for fresh accounts.

            """;
        return header + root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}

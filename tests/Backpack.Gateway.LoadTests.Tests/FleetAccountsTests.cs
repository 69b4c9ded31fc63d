using System.Text;
using System.Text.Json;
using Backpack.Gateway.LoadTests.Venue;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.TestSupport;

namespace Backpack.Gateway.LoadTests.Tests;

public class FleetAccountsTests
{
    [Fact]
    public void The_committed_overlay_is_what_the_accounts_command_writes()
    {
        string committed = File.ReadAllText(RepositoryFiles.PathOf("config/loadtest.json"));
        Assert.Equal(FleetAccounts.Generate(8, 24, 50_000, 5_000), committed);
    }

    [Fact]
    public void The_overlay_gives_the_runner_its_sessions_traders_and_keys_with_every_third_leveraged()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fleet-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, FleetAccounts.Generate(3, 6, 50_000, 5_000));
        try
        {
            var fleet = FleetAccounts.Load(path);
            Assert.Equal(["LTFIX01", "LTFIX02", "LTFIX03"], fleet.FixSessions.Select(s => s.CompId));
            Assert.Equal([3001, 3002, 3003], fleet.FixSessions.Select(s => s.Account.Id));
            Assert.Equal([3101, 3102, 3103, 3104, 3105, 3106], fleet.WebSocketTraders.Select(a => a.Id));
            Assert.Equal([false, false, true], fleet.FixSessions.Select(s => s.Account.Leveraged));
            Assert.Equal([3103, 3106], fleet.WebSocketTraders.Where(a => a.Leveraged).Select(a => a.Id));
            Assert.Equal(5_000m, fleet.WebSocketTraders.Single(a => a.Id == 3103).Deposit);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_fleet_of_hundreds_of_sessions_and_thousands_of_traders_has_unique_accounts_and_room_on_the_acceptor()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fleet-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, FleetAccounts.Generate(250, 1_200, 50_000, 5_000));
        try
        {
            var fleet = FleetAccounts.Load(path);
            var ids = fleet.FixSessions.Select(s => s.Account.Id).Concat(fleet.WebSocketTraders.Select(a => a.Id)).ToList();
            Assert.Equal((250, 1_200, 1_450), (fleet.FixSessions.Count, fleet.WebSocketTraders.Count, ids.Distinct().Count()));
            Assert.Equal(250, fleet.FixSessions.Select(s => s.CompId).Distinct().Count());
            Assert.Equal("LTFIX250", fleet.FixSessions[^1].CompId);
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            Assert.Equal(266, document.RootElement.GetProperty("Fix").GetProperty("MaxConnections").GetInt32());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_secret_of_the_committed_overlay_signs_what_the_host_verifies_with_the_api_key_of_its_entry()
    {
        string path = RepositoryFiles.PathOf("config/loadtest.json");
        var fleet = FleetAccounts.Load(path);
        // The host reads ApiKey, the runner ApiSecret: read the keys as the host's configuration holds them, by account id.
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var document = JsonDocument.Parse(File.ReadAllText(path), options);
        var apiKeys = document.RootElement.GetProperty("Accounts").EnumerateObject()
            .ToDictionary(p => p.Value.GetProperty("Id").GetInt32(), p => Convert.FromBase64String(p.Value.GetProperty("ApiKey").GetString()!));
        var accounts = fleet.FixSessions.Select(s => s.Account).Concat(fleet.WebSocketTraders).ToList();
        Assert.Equal(32, accounts.Count);
        foreach (var account in accounts)
        {
            byte[] message = Encoding.UTF8.GetBytes($"instruction=subscribe&timestamp=1&window=5000&account={account.Id}");
            byte[] signature = Ed25519.Sign(account.PrivateKey, message);
            Assert.True(Ed25519.Verify(apiKeys[account.Id], message, signature), $"{account.Name}: its ApiSecret does not sign for the ApiKey of its entry");
        }
    }
}

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
            // The secret signs what the host verifies with the ApiKey of the same entry.
            var account = fleet.FixSessions[0].Account;
            byte[] signature = Ed25519.Sign(account.PrivateKey, "hello"u8);
            Assert.True(Ed25519.Verify(Ed25519.PublicKeyOf(account.PrivateKey), "hello"u8, signature));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using Backpack.Gateway.Host.Configuration;

namespace Backpack.Gateway.Host.Tests;

/// <summary>The embedded defaults load, overrides apply the standard .NET way, and a bad setting stops the start with its key named.</summary>
public class ConfigurationTests
{
    private static GatewaySettings Load(params string[] overrides) => GatewaySettings.Load(GatewayHost.LoadConfiguration(null, overrides));

    [Fact]
    public void The_demo_configuration_is_valid_and_complete()
    {
        var settings = Load();
        Assert.Equal(["BTC_USDC_PERP", "ETH_USDC_PERP", "SOL_USDC_PERP"], settings.Markets.Select(m => m.Symbol));
        Assert.Equal([1, 2, 3], settings.Markets.Select(m => m.Id));
        Assert.All(settings.Markets, m => Assert.True(m.ReferencePrice > 0));
        Assert.Equal("127.0.0.1:9878", settings.Fix.Listen);
        Assert.Equal("BACKPACK", settings.Fix.CompId);
        Assert.All(settings.Accounts, a => Assert.NotNull(a.ApiSecret));
        // Sessions take their numbers from the list and, listing no keys, the keys of their accounts.
        Assert.Equal([1, 2, 3, 4], settings.Fix.Sessions.Select(s => s.Number));
        var alice = settings.Fix.Sessions[0];
        Assert.Equal(("ALICE", "BACKPACK"), (alice.TargetCompId, alice.SenderCompId));
        Assert.Equal([settings.Accounts.Single(a => a.Id == 1001).ApiKey], alice.ApiKeys);
    }

    [Fact]
    public void Command_line_overrides_replace_single_keys()
    {
        var settings = Load("--Fix:Listen=127.0.0.1:19878", "--Fix:CompId=VENUE", "--Sequencer:TickInterval=00:00:01",
            "--Fix:MessageLog:Directory=data/fix/log", "--Fix:Sessions:0:MessageLog=false");
        Assert.Equal("127.0.0.1:19878", settings.Fix.Listen);
        Assert.Equal(("data/fix/log", false, true), (settings.Fix.MessageLog.Directory, settings.Fix.Sessions[0].MessageLog, settings.Fix.Sessions[1].MessageLog));
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Sequencer.TickInterval);
        Assert.All(settings.Fix.Sessions, s => Assert.Equal("VENUE", s.SenderCompId));
    }

    [Fact]
    public void An_extra_json_file_and_environment_variables_override_the_defaults()
    {
        string file = Path.Combine(Path.GetTempPath(), "bp-config-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """{ "Fix": { "MaxConnections": 7, "Sessions": [ { "TargetCompId": "DESK", "Accounts": [ 1002 ] } ] } }""");
        Environment.SetEnvironmentVariable("BACKPACK_Fix__LogonTimeout", "00:00:03");
        try
        {
            var settings = GatewaySettings.Load(GatewayHost.LoadConfiguration(file, []));
            Assert.Equal(7, settings.Fix.MaxConnections);
            Assert.Equal("DESK", settings.Fix.Sessions[0].TargetCompId);
            Assert.Equal(TimeSpan.FromSeconds(3), settings.Fix.LogonTimeout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("BACKPACK_Fix__LogonTimeout", null);
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--Fxi:Listen=127.0.0.1:1", "Fxi: unknown section")]
    [InlineData("--Fix:Lisen=127.0.0.1:1", "'Lisen'")]
    [InlineData("--Fix:Listen=nowhere", "Fix:Listen 'nowhere'")]
    [InlineData("--Markets:0:TickSize=abc", "'Markets:0:TickSize'")]
    [InlineData("--Markets:0:TickSize=0", "Markets:0:TickSize must be > 0")]
    [InlineData("--Markets:1:Symbol=BTC_USDC_PERP", "symbol BTC_USDC_PERP is defined twice")]
    [InlineData("--Accounts:0:ApiKey=not-a-key", "Accounts:0:ApiKey")]
    [InlineData("--Accounts:1:ApiSecret=970ek0idPH77yzT28JNn+o8BCUZNP70tk50rAaM9pEc=", "Accounts:1:ApiSecret is not the private key of ApiKey")]
    [InlineData("--Accounts:1:Id=1001", "Accounts:1:Id 1001 is used twice")]
    [InlineData("--Fix:Sessions:0:Accounts:0=77", "Fix:Sessions:0:Accounts: account 77 is not in Accounts")]
    [InlineData("--Fix:Sessions:1:TargetCompId=ALICE", "Fix:Sessions:1: the session BACKPACK-ALICE is defined twice")]
    [InlineData("--Fix:Sessions:0:MinHeartBtInt=0", "Fix:Sessions:0:MinHeartBtInt")]
    [InlineData("--Sequencer:RingCapacity=1000", "Sequencer:RingCapacity must be a power of two")]
    [InlineData("--WebSocket:Listen=nowhere", "WebSocket:Listen 'nowhere'")]
    [InlineData("--WebSocket:Path=ws", "WebSocket:Path must start with /")]
    [InlineData("--WebSocket:HttpsListen=nowhere", "WebSocket:HttpsListen 'nowhere'")]
    [InlineData("--Fix:TlsListen=nowhere", "Fix:TlsListen 'nowhere'")]
    [InlineData("--Fix:MessageLog:QueueBytes=10", "Fix:MessageLog:QueueBytes must be at least 1024")]
    [InlineData("--Fix:MessageLog:FlushInterval=00:01:00", "Fix:MessageLog:FlushInterval must be between 0 and 10 s")]
    [InlineData("--Fix:MessageLog:Folder=log", "'Folder'")]
    [InlineData("--Tls:Certificate=/no/such/certificate.pfx", "Tls:Certificate: no file '/no/such/certificate.pfx'")]
    [InlineData("--Tls:ClientCertificates=Sometimes", "'Tls:ClientCertificates'")]
    [InlineData("--Tls:ClientCertificateAuthority=/no/ca.crt", "Tls:ClientCertificateAuthority: no file")]
    [InlineData("--WebSocket:RequestsPerSecond=0", "WebSocket:RequestsPerSecond must be at least 1")]
    [InlineData("--WebSocket:PingInterval=soon", "'WebSocket:PingInterval'")]
    [InlineData("--Engine:MaxOpenOrdersPerAccount=0", "Engine:MaxOpenOrdersPerAccount")]
    [InlineData("--Journal:SegmentBytes=10", "Journal:SegmentBytes must be at least 1048576")]
    [InlineData("--Journal:PreallocateBytes=4096", "Journal:PreallocateBytes must be 0 (off) or at least 1048576")]
    [InlineData("--Sequencer:EventBuffers=1", "Sequencer:EventBuffers must be at least 2")]
    [InlineData("--Journal:Fsync=Sometimes", "'Journal:Fsync'")]
    [InlineData("--Journal:FsyncInterval=00:00:05", "Journal:FsyncInterval must be more than 0 and at most 00:00:01")]
    [InlineData("--Journal:Enabled=false", "Snapshots:Enabled needs Journal:Enabled")]
    [InlineData("--Snapshots:Keep=0", "Snapshots:Keep must be at least 1")]
    [InlineData("--Snapshots:Interval=00:00:00.100", "Snapshots:Interval must be zero or at least 00:00:01")]
    [InlineData("--PriceFeed:Volatility=2", "PriceFeed:Volatility must be 0 to 0.05")]
    [InlineData("--PriceFeed:Interval=00:00:00", "PriceFeed:Interval must be at least")]
    [InlineData("--PriceFeed:ScenarioSpeed=0", "PriceFeed:ScenarioSpeed must be 0.01 to 1000")]
    [InlineData("--Demo:Traders:0:Account=9999", "Demo:Traders:0:Account: account 9999 is not in Accounts")]
    [InlineData("--Demo:Traders:0:Leverage=0", "Demo:Traders:0:Leverage must be 1 to 50")]
    [InlineData("--Demo:LiquidityProvider:Levels=0", "Demo:LiquidityProvider:Levels must be 1 to 50")]
    [InlineData("--Admin:Token=short", "Admin:Token must be at least 16 characters")]
    [InlineData("--Backstop:Providers:0:Account=5", "Backstop:Providers:0:Account: account 5 is not in Accounts")]
    [InlineData("--Backstop:InsuranceFundDeposit=-1", "Backstop:InsuranceFundDeposit must be")]
    public void A_bad_setting_stops_the_start_and_names_its_key(string setting, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(setting));
        Assert.Contains(error.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_scenario_to_start_at_launch_stops_the_start_and_lists_the_scenarios()
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayHost.Build(GatewayHost.LoadConfiguration(null, ["--PriceFeed:Scenario=nope"])));
        Assert.Equal("PriceFeed:Scenario: unknown scenario 'nope' (the scenarios are flash-crash, gap-down, october-10-2025, slow-bleed)", Assert.Single(error.Problems));
    }

    [Fact]
    public void The_production_style_example_turns_the_demo_off_and_keeps_the_admin_endpoints_closed()
    {
        var settings = GatewaySettings.Load(GatewayHost.LoadConfiguration(ConfigFiles.Resolve("config/production.example.json"), []));
        Assert.False(settings.Demo.Enabled);
        Assert.Equal("", settings.Admin.Token);
    }
}

using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backpack.Gateway.Host.Tests;

/// <summary>The venue as a user starts it: demo markets, accounts and FIX sessions from config/, a FIX client signing with a demo key.</summary>
public class GatewayRunTests
{
    private static byte[] SecretOf(string name) => Demo.SecretOf(name);

    [Fact]
    public async Task Demo_clients_trade_over_FIX_and_are_logged_out_when_the_host_stops()
    {
        string store = Path.Combine(Path.GetTempPath(), "bp-host-" + Guid.NewGuid().ToString("N"));
        using var host = GatewayHost.Build(GatewayHost.LoadConfiguration(null, ["--Fix:Listen=127.0.0.1:0", "--WebSocket:Listen=127.0.0.1:0", "--Fix:TlsListen=127.0.0.1:0", "--WebSocket:HttpsListen=127.0.0.1:0", "--Tls:DemoCertificate=" + Path.Combine(store, "tls", "demo-certificate.pfx"), "--Fix:StoreDirectory=" + store, "--Journal:Directory=" + Path.Combine(store, "journal"), "--Snapshots:Directory=" + Path.Combine(store, "snapshots"),
            // No market maker and a still index: alice and bob trade with each other at 180.
            "--Demo:Enabled=false", "--PriceFeed:Walk=false"]));
        await host.StartAsync();
        var endpoint = host.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
        using var alice = new FixTestClient(endpoint, "ALICE", SecretOf("alice"));
        using var bob = new FixTestClient(endpoint, "BOB", SecretOf("bob"));
        Assert.Equal("A", alice.Logon().GetString(FixTags.MsgType));
        bob.Logon();

        // The demo accounts were funded and the index set from ReferencePrice (SOL 180), so orders near it trade.
        alice.Send("D", FixTestClient.LimitOrder("a-1", '2', "2", "180"));
        var ack = alice.Expect("8");
        Assert.True(ack.GetString(FixTags.ExecType) == "0", ack.ToString());
        bob.Send("D", FixTestClient.LimitOrder("b-1", '1', "2", "180"));
        Assert.Equal("0", bob.Expect("8").GetString(FixTags.ExecType));
        var fill = bob.Expect("8");
        Assert.Equal(("F", "2", "180"), (fill.GetString(FixTags.ExecType), fill.GetString(FixTags.LastQty), fill.GetString(FixTags.LastPx)));
        Assert.Equal("F", alice.Expect("8").GetString(FixTags.ExecType));

        // The same venue over WebSocket: carol logs on with her demo key and trades against what rests.
        var ws = host.Services.GetRequiredService<WebSocketService>();
        await using var carol = await WsTestClient.ConnectAsync(new Uri(ws.Url));
        var logon = await carol.LogOnAsync(SecretOf("carol"), "account.orderUpdate");
        Assert.True(logon.GetProperty("result").ValueKind == System.Text.Json.JsonValueKind.Null, logon.GetRawText());
        var placed = await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "179", quantity = "1", clientId = 1 });
        Assert.Equal("New", placed.GetProperty("result").GetProperty("status").GetString());
        Assert.Equal("orderAccepted", (await carol.StreamAsync("account.orderUpdate")).GetProperty("e").GetString());

        try
        {
            await host.StopAsync();
            Assert.Equal("Gateway shutting down", alice.Expect("5").GetString(FixTags.Text));
            await carol.WaitClosedAsync(TimeSpan.FromSeconds(10));
            Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "Gateway shutting down"), (carol.CloseStatus, carol.CloseDescription));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task The_program_starts_with_its_embedded_defaults_and_stops_cleanly_on_SIGTERM()
    {
        string work = Directory.CreateTempSubdirectory("bp-run-").FullName;
        try
        {
            using var process = await HostProcess.StartAsync(work);
            using (var carol = new FixTestClient(process.FixEndpoint, "CAROL", SecretOf("carol")))
            {
                carol.Logon();
                carol.Send("D", FixTestClient.LimitOrder("c-1", '1', "1", "175"));
                Assert.Equal("0", carol.Expect("8").GetString(FixTags.ExecType));
            }
            Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(15)));
            var lines = process.Lines;
            Assert.Contains(lines, line => line.Contains("Engine stopped after", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains("Journal closed:", StringComparison.Ordinal));
            Assert.True(Directory.Exists(Path.Combine(work, "data", "fix")));
            Assert.True(Directory.Exists(Path.Combine(work, "data", "journal")));

            // The replay tool rebuilds the same state from the journal, and from the shutdown snapshot.
            string hash = System.Text.RegularExpressions.Regex.Match(string.Join("\n", lines), @"Engine stopped after \d+ commands \(sequence \d+, state hash ([0-9a-f]{16})\)").Groups[1].Value;
            Assert.Equal(16, hash.Length);
            string replayed = await RunToolAsync(work, "replay");
            Assert.Contains("state hash        " + hash, replayed);
            Assert.Contains("clean end", replayed);
            Assert.Contains("cash discrepancy 0 USDC, open interest balanced", replayed);
            string fromSnapshot = await RunToolAsync(work, "replay", "--from-snapshot");
            Assert.Contains("snapshot          ", fromSnapshot);
            Assert.Contains("commands          0,", fromSnapshot);
            Assert.Contains("state hash        " + hash, fromSnapshot);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Replay_prints_the_audit_trail_of_a_liquidation_from_the_journal()
    {
        string work = Directory.CreateTempSubdirectory("bp-trail-").FullName;
        try
        {
            using (var process = await HostProcess.StartAsync(work))
            {
                // The demo's leveraged traders, once they hold positions, are liquidated by a crash played fast.
                using var admin = new HttpClient { BaseAddress = process.BaseAddress };
                admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminClient.Token);
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    using var summary = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("admin/summary"));
                    if (summary.RootElement.GetProperty("accountsWithPositions").GetInt32() >= 5) break;
                    Assert.True(DateTime.UtcNow < deadline, "the demo's traders opened no positions within 60 s");
                    await Task.Delay(250);
                }
                (await admin.PostAsync("admin/scenarios/gap-down/start?speed=30", null)).EnsureSuccessStatusCode();
                deadline = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    using var summary = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("admin/summary"));
                    var l = summary.RootElement.GetProperty("liquidations");
                    if (l.GetProperty("started").GetInt64() >= 1 && l.GetProperty("active").GetInt64() == 0) break;
                    Assert.True(DateTime.UtcNow < deadline, "no liquidation ended within 60 s: " + summary.RootElement.GetRawText());
                    await Task.Delay(250);
                }
                Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(15)));
            }

            string trail = await RunToolAsync(work, "replay", "--liquidation", "1");
            var lines = trail.Split('\n').SkipWhile(line => !line.StartsWith("Liquidation 1", StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count > 4, trail);
            // In order: the start, the trigger's figures (mark, index, equity, maintenance, urgency, bankruptcy price),
            // the steps and their fills, the end; then what was closed per stage and the fund's result.
            Assert.Contains("started   account 20", lines[1]);
            Assert.Matches(@"trigger   \w+_USDC_PERP mark [\d.]+ index [\d.]+, equity -?[\d.]+, maintenance [\d.]+, notional [\d.]+, urgency [\d.]+%, bankruptcy [\d.]+", lines[2]);
            Assert.Contains(lines, line => line.Contains("fill      ", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains("ended     ", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.StartsWith("closed    ", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.StartsWith("fund      ", StringComparison.Ordinal));

            Assert.Contains("No liquidation 424242 in the replayed part of the journal", await RunToolAsync(work, expectedExit: 4, "replay", "--liquidation", "424242"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_journal_damaged_before_its_tail_stops_the_start_naming_the_file_and_offset()
    {
        string work = Directory.CreateTempSubdirectory("bp-damaged-").FullName;
        try
        {
            using (var first = await HostProcess.StartAsync(work, "--Demo:Enabled=false"))
            {
                using var carol = new FixTestClient(first.FixEndpoint, "CAROL", SecretOf("carol"));
                carol.Logon();
                for (int i = 0; i < 5; i++)
                {
                    carol.Send("D", FixTestClient.LimitOrder("d-" + i, '1', "1", "175"));
                    carol.Expect("8");
                }
                Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(15)));
            }
            string segment = Directory.GetFiles(Path.Combine(work, "data", "journal"), "*.bpj").Single();
            var bytes = File.ReadAllBytes(segment);
            bytes[40] ^= 0x55; // inside the second record, with many after it
            File.WriteAllBytes(segment, bytes);

            string output = await RunToolAsync(work, expectedExit: 3);
            Assert.Contains("Recovery failed: Journal " + segment + " is damaged at offset ", output);
            Assert.Contains("nothing was dropped", output);
            Assert.Contains("is damaged at offset", await RunToolAsync(work, expectedExit: 3, "replay"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Runs the program (or a subcommand) in <paramref name="work"/> and returns what it printed; it must exit with <paramref name="expectedExit"/>.</summary>
    private static Task<string> RunToolAsync(string work, params string[] arguments) => RunToolAsync(work, 0, arguments);

    private static async Task<string> RunToolAsync(string work, int expectedExit, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Backpack.Gateway.Host.dll"), .. arguments])
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == expectedExit, $"exit {process.ExitCode}: {await output}{await errors}");
        return await output + await errors;
    }

    [Fact]
    public async Task A_second_gateway_on_a_taken_FIX_port_does_not_start_and_says_why()
    {
        await using var first = await HostTestVenue.StartAsync("--Demo:Enabled=false");
        var taken = first.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
        var refused = await Assert.ThrowsAsync<IOException>(() => HostTestVenue.StartAsync("--Demo:Enabled=false", "--Fix:Listen=" + taken));
        Assert.Equal($"FIX: cannot listen on {taken}: address already in use (set another with --Fix:Listen=127.0.0.1:<port>)", refused.Message);
    }

}

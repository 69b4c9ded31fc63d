using System.Text.RegularExpressions;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.TestSupport;
using Xunit.Abstractions;

namespace Backpack.Gateway.Host.Tests;

/// <summary>kill -9 in the middle of a crash scenario, then a restart on the same data: nothing acknowledged is lost.</summary>
public class CrashRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_kill_9_mid_crash_every_acknowledged_order_is_recovered_and_the_FIX_client_catches_up()
    {
        string work = Directory.CreateTempSubdirectory("bp-kill-").FullName;
        try
        {
            var ackedFix = new Dictionary<string, long>();   // ClOrdID -> OrderID
            var ackedWs = new HashSet<long>();               // order ids
            int aliceNextSeq;
            string[] fast = ["--Demo:TradeInterval=00:00:00.200"];
            using (var first = await HostProcess.StartAsync(work, fast))
            {
                using var admin = new AdminClient(first.BaseAddress);
                using var alice = new FixTestClient(first.FixEndpoint, "ALICE", Demo.SecretOf("alice"));
                alice.Logon();
                await using var carol = await WsTestClient.ConnectAsync(first.WebSocketUri);
                await carol.LogOnAsync(Demo.SecretOf("carol"));
                await admin.WaitForSummaryAsync(s => s.GetProperty("accountsWithPositions").GetInt32() >= 5, "the demo traders in position", Patience);

                // gap-down at speed 10: the index gaps 12% three seconds in, the scenario ends after 12 s.
                await admin.PostAsync("admin/scenarios/gap-down/start?speed=10");
                // Orders from both channels while the index gaps and the liquidations run.
                string price = "";
                for (int i = 0; i < 40; i++)
                {
                    // 3% under the index as it falls: inside the price band, resting (or filled once the gap is through).
                    if (i % 8 == 0) price = decimal.Round(await IndexAsync(admin) * 0.97m, 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    string clOrdId = "k-" + i;
                    alice.Send("D", FixTestClient.LimitOrder(clOrdId, '1', "1", price));
                    // Only acknowledged orders count (in a gap the mark lags the index, and some prices fall outside
                    // the band). Fills of earlier orders come in between: read up to this order's answer.
                    while (true)
                    {
                        var report = alice.Expect("8");
                        string execType = report.GetString(FixTags.ExecType)!;
                        if (execType == "0") ackedFix[report.GetString(FixTags.ClOrdID)!] = long.Parse(report.GetString(FixTags.OrderID)!);
                        if (report.GetString(FixTags.ClOrdID) == clOrdId && execType is "0" or "8") break;
                    }
                    var placed = await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price, quantity = "1" });
                    if (placed.TryGetProperty("result", out var order)) ackedWs.Add(long.Parse(order.GetProperty("id").GetString()!));
                    await Task.Delay(25);
                }
                aliceNextSeq = alice.NextSeq;
                await admin.WaitForSummaryAsync(s => s.GetProperty("liquidations").GetProperty("started").GetInt64() > 0, "a liquidation", Patience);
                var feed = (await admin.GetJsonAsync("admin/scenarios")).GetProperty("feed");
                Assert.Equal("scenario", feed.GetProperty("mode").GetString()); // the crash is still playing
                first.KillHard();
                Assert.True(ackedFix.Count >= 10 && ackedWs.Count >= 10, $"acknowledged: {ackedFix.Count} over FIX, {ackedWs.Count} over WebSocket");
                Assert.Contains(first.Lines, l => l.Contains("Scenario gap-down started", StringComparison.Ordinal));
            }

            // A clean replay of the journal as the crash left it (read-only, before the restart touches it).
            string copy = Path.Combine(work, "journal-copy");
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(Path.Combine(work, "data", "journal"))) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            var engine = new MatchingEngine(Demo.Settings.Markets, Demo.Settings.Engine);
            var accepted = new HashSet<long>();
            var events = new FrameBuffer();
            var scan = JournalReader.Read(copy, 0, (frame, sequence) =>
            {
                events.Clear();
                engine.Process(frame, events);
                for (int i = 0; i < events.Count; i++)
                {
                    if (ProtocolCodec.TryReadType(events[i], out var type, out _) && type == MessageType.OrderAccepted)
                    {
                        accepted.Add(ProtocolCodec.Decode<OrderAccepted>(events[i]).OrderId);
                    }
                }
            });
            output.WriteLine($"journal after kill -9: {scan.Records} commands, torn bytes {scan.TornBytes}, hash {engine.ComputeStateHash():x16}, liquidations {engine.Liquidations.Started}; " +
                             $"acknowledged before the kill: {ackedFix.Count} orders over FIX, {ackedWs.Count} over WebSocket");
            Assert.Subset(accepted, ackedFix.Values.ToHashSet());
            Assert.Subset(accepted, ackedWs);
            Assert.True(engine.Liquidations.Started > 0, "the crash should have liquidated someone before the kill");
            var replayed = engine.Summarize();
            Assert.Equal(0, replayed.CashDiscrepancy);
            Assert.True(replayed.OpenInterestBalanced);

            using var second = await HostProcess.StartAsync(work, "--Demo:Enabled=false");
            var recovered = Regex.Match(second.Log, @"replayed (\d+) commands to sequence (\d+) in \d+ ms, state hash ([0-9a-f]{16})");
            Assert.True(recovered.Success, second.Log);
            Assert.Equal((scan.LastSequence, engine.ComputeStateHash().ToString("x16")), (long.Parse(recovered.Groups[2].Value), recovered.Groups[3].Value));

            using (var admin = new AdminClient(second.BaseAddress))
            {
                var summary = await admin.GetJsonAsync("admin/summary");
                var checks = summary.GetProperty("moneyChecks");
                Assert.Equal((0m, true), (checks.GetProperty("cashDiscrepancy").GetDecimal(), checks.GetProperty("openInterestBalanced").GetBoolean()));
            }

            // alice logs on without a reset and recovers every report she was sent, by resend.
            using var aliceAgain = new FixTestClient(second.FixEndpoint, "ALICE", Demo.SecretOf("alice")) { NextSeq = aliceNextSeq };
            Assert.Equal("A", aliceAgain.Logon(reset: false).GetString(FixTags.MsgType));
            aliceAgain.Send("2", (FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0"));
            var resent = new Dictionary<string, string>();
            try
            {
                while (true)
                {
                    var m = aliceAgain.Receive(TimeSpan.FromSeconds(2));
                    if (m.GetString(FixTags.MsgType) == "8" && m.GetString(FixTags.ExecType) == "0") resent[m.GetString(FixTags.ClOrdID)!] = m.GetString(FixTags.OrderID)!;
                }
            }
            catch (TimeoutException)
            {
            }
            var missing = ackedFix.Where(a => resent.GetValueOrDefault(a.Key) != a.Value.ToString()).Select(a => $"{a.Key}={a.Value} (resent {resent.GetValueOrDefault(a.Key)})").ToList();
            Assert.True(missing.Count == 0, $"{ackedFix.Count} acknowledged, {resent.Count} resent; missing or different: {string.Join(", ", missing)}");
            Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<decimal> IndexAsync(AdminClient admin)
    {
        var scenarios = await admin.GetJsonAsync("admin/scenarios");
        return scenarios.GetProperty("feed").GetProperty("index").GetProperty("SOL_USDC_PERP").GetDecimal();
    }
}

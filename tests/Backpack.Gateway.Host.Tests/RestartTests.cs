using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Backpack.Gateway.Host.Tests;

/// <summary>A venue stopped and started again on its journal and FIX stores: the same state, orders known to both front ends, FIX catching up.</summary>
public class RestartTests
{
    private static readonly string[] Quiet = ["--Demo:Enabled=false", "--PriceFeed:Walk=false", "--Sequencer:TickInterval=00:00:00"];

    [Fact]
    public async Task After_a_restart_the_state_is_the_journals_and_FIX_and_WebSocket_clients_find_their_orders()
    {
        string folder = Directory.CreateTempSubdirectory("bp-restart-").FullName;
        try
        {
            int aliceSeq;
            ulong hashAtStop;
            long sequenceAtStop;
            await using (var first = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                var endpoint = first.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
                using (var alice = new FixTestClient(endpoint, "ALICE", Demo.SecretOf("alice")))
                {
                    alice.Logon();
                    alice.Send("D", FixTestClient.LimitOrder("a-1", '2', "2", "181"));
                    Assert.Equal("0", alice.Expect("8").GetString(FixTags.ExecType));
                    // A replace before the restart: the order then goes by a-1r (a-1 before it).
                    alice.Send("G", (FixTags.OrigClOrdID, "a-1"), (FixTags.ClOrdID, "a-1r"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "2"),
                        (FixTags.OrderQty, "2"), (FixTags.OrdType, "2"), (FixTags.Price, "181.5"), (FixTags.TransactTime, FixTestClient.Now()));
                    Assert.Equal("5", alice.Expect("8").GetString(FixTags.ExecType));
                    aliceSeq = alice.NextSeq;
                }
                await using (var carol = await WsTestClient.ConnectAsync(first.WebSocketUri))
                {
                    await carol.LogOnAsync(Demo.SecretOf("carol"));
                    var placed = await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "179", quantity = "1", clientId = 42 });
                    Assert.Equal("New", placed.GetProperty("result").GetProperty("status").GetString());
                }
                (hashAtStop, sequenceAtStop) = await first.StopAsync();
            }

            await using var second = await HostTestVenue.StartInAsync(folder, keep: false, Quiet);
            var recovery = second.App.Services.GetRequiredService<Venue>().Recovery!;
            Assert.Equal((sequenceAtStop, hashAtStop, 0L), (recovery.LastSequence, recovery.StateHash, recovery.TornBytes));
            var summary = await second.GetJsonAsync("admin/summary");
            Assert.Equal(Demo.Settings.Accounts.Sum(a => a.Deposit) + Demo.Settings.Backstop.InsuranceFundDeposit, summary.GetProperty("deposits").GetDecimal()); // not paid twice
            Assert.Equal(2, summary.GetProperty("openOrders").GetInt32());

            // bob takes alice's order while she is away; her fill waits in the FIX store.
            var endpoint2 = second.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
            using (var bob = new FixTestClient(endpoint2, "BOB", Demo.SecretOf("bob")))
            {
                bob.Logon();
                bob.Send("D", FixTestClient.LimitOrder("b-1", '1', "1", "181.5"));
                Assert.Equal("0", bob.Expect("8").GetString(FixTags.ExecType));
                Assert.Equal("F", bob.Expect("8").GetString(FixTags.ExecType));
            }

            // alice logs on without a reset, asks for what she missed and gets her fill by its ClOrdID.
            using var aliceAgain = new FixTestClient(endpoint2, "ALICE", Demo.SecretOf("alice")) { NextSeq = aliceSeq };
            var logon = aliceAgain.Logon(reset: false);
            Assert.Equal("A", logon.GetString(FixTags.MsgType));
            aliceAgain.Send("2", (FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0"));
            var fill = Enumerable.Range(0, 20).Select(_ => aliceAgain.Receive(TimeSpan.FromSeconds(5)))
                .First(m => m.GetString(FixTags.MsgType) == "8" && m.GetString(FixTags.ExecType) == "F");
            Assert.Equal(("a-1r", "1", "181.5", "Y"), (fill.GetString(FixTags.ClOrdID), fill.GetString(FixTags.LastQty), fill.GetString(FixTags.LastPx), fill.GetString(FixTags.PossDupFlag)));

            // The rest of her order is still hers to cancel, also by the ClOrdID it had before the replace.
            aliceAgain.Send("F", (FixTags.OrigClOrdID, "a-1"), (FixTags.ClOrdID, "a-2"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "2"), (FixTags.TransactTime, FixTestClient.Now()));
            var canceled = Enumerable.Range(0, 30).Select(_ => aliceAgain.Receive(TimeSpan.FromSeconds(5)))
                .First(m => m.GetString(FixTags.MsgType) == "8" && m.GetString(FixTags.ExecType) == "4"); // after the rest of the resend
            Assert.Equal(("4", "a-2", "a-1", "1"), (canceled.GetString(FixTags.ExecType), canceled.GetString(FixTags.ClOrdID), canceled.GetString(FixTags.OrigClOrdID), canceled.GetString(FixTags.CumQty)));

            // carol's WebSocket order is in her open orders, and in the depth snapshot.
            await using var carolAgain = await WsTestClient.ConnectAsync(second.WebSocketUri);
            await carolAgain.LogOnAsync(Demo.SecretOf("carol"));
            var open = (await carolAgain.RequestAsync("orderQueryAll", new { })).GetProperty("result");
            Assert.Equal((42, "179"), (open[0].GetProperty("clientId").GetInt32(), open[0].GetProperty("price").GetString()));
            await carolAgain.SubscribeAsync("depth.SOL_USDC_PERP");
            var depth = await carolAgain.StreamAsync("depth.SOL_USDC_PERP", "depthSnapshot");
            Assert.Equal("[[\"179\",\"1\"]]", depth.GetProperty("b").GetRawText());

            // FIX market data starts from the recovered book too (carol's bid was placed before the restart).
            aliceAgain.Send("V", (FixTags.MDReqID, "snap"), (FixTags.SubscriptionRequestType, "0"), (FixTags.MarketDepth, "0"),
                (FixTags.NoMDEntryTypes, "2"), (FixTags.MDEntryType, "0"), (FixTags.MDEntryType, "1"), (FixTags.NoRelatedSym, "1"), (FixTags.Symbol, "SOL_USDC_PERP"));
            var snapshot = Enumerable.Range(0, 30).Select(_ => aliceAgain.Receive(TimeSpan.FromSeconds(5))).First(m => m.GetString(FixTags.MsgType) == "W");
            Assert.Equal(("1", "0", "179", "1"), (snapshot.GetString(FixTags.NoMDEntries), snapshot.GetString(FixTags.MDEntryType),
                snapshot.GetString(FixTags.MDEntryPx), snapshot.GetString(FixTags.MDEntrySize)));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_restart_starts_from_the_shutdown_snapshot_and_without_a_usable_one_replays_the_whole_journal()
    {
        string folder = Directory.CreateTempSubdirectory("bp-snapshot-restart-").FullName;
        string snapshots = Path.Combine(folder, "snapshots");
        try
        {
            (ulong Hash, long Sequence) stopped;
            await using (var first = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                await using var carol = await WsTestClient.ConnectAsync(first.WebSocketUri);
                await carol.LogOnAsync(Demo.SecretOf("carol"));
                for (int i = 0; i < 5; i++) await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = (175 + i).ToString(), quantity = "1" });
                stopped = await first.StopAsync();
            }
            Assert.Equal(stopped.Sequence, Assert.Single(Backpack.Gateway.Engine.State.EngineSnapshot.Files(snapshots)).Sequence);

            // From the snapshot: nothing to replay.
            await using (var second = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                var venue = second.App.Services.GetRequiredService<Venue>();
                Assert.NotNull(venue.SnapshotLoaded);
                Assert.Equal((0L, stopped.Sequence, stopped.Hash), (venue.Recovery!.Commands, venue.Recovery.LastSequence, venue.Recovery.StateHash));
                Assert.Equal(5, (await second.GetJsonAsync("admin/summary")).GetProperty("openOrders").GetInt32());
                stopped = await second.StopAsync();
            }

            // The newest snapshot damaged and the older one gone: the whole journal is replayed to the same state.
            var files = Backpack.Gateway.Engine.State.EngineSnapshot.Files(snapshots);
            foreach (var old in files.Skip(1)) File.Delete(old.Path);
            var bytes = File.ReadAllBytes(files[0].Path);
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(files[0].Path, bytes);
            await using (var third = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                var venue = third.App.Services.GetRequiredService<Venue>();
                Assert.Null(venue.SnapshotLoaded);
                Assert.Contains("CRC does not match", Assert.Single(venue.SnapshotsSkipped));
                Assert.Equal((stopped.Sequence, stopped.Sequence, stopped.Hash), (venue.Recovery!.Commands, venue.Recovery.LastSequence, venue.Recovery.StateHash));
                stopped = await third.StopAsync();
            }

            // The journal lost its last records (a power cut with Fsync Never): the shutdown snapshot is
            // ahead of it and is passed over; the venue comes back as far as the journal goes.
            string segment = Directory.GetFiles(Path.Combine(folder, "journal"), "*.bpj").Single();
            var records = new List<long>();
            Backpack.Gateway.Engine.Journal.JournalReader.Read(Path.Combine(folder, "journal"), 0, (frame, _) => records.Add(frame.Length));
            long keep = Backpack.Gateway.Engine.Journal.JournalFormat.SegmentHeaderSize + records.Take(records.Count - 3).Sum(l => l + Backpack.Gateway.Engine.Journal.JournalFormat.RecordHeaderSize);
            using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(keep);
            await using (var fourth = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                var venue = fourth.App.Services.GetRequiredService<Venue>();
                Assert.Contains(venue.SnapshotsSkipped, s => s.Contains("before the snapshot's", StringComparison.Ordinal));
                Assert.Null(venue.SnapshotLoaded);
                Assert.Equal(stopped.Sequence - 3, venue.Recovery!.LastSequence);
                stopped = await fourth.StopAsync();
            }

            // No snapshot folder at all: the same.
            Directory.Delete(snapshots, recursive: true);
            await using var fifth = await HostTestVenue.StartInAsync(folder, keep: false, Quiet);
            var recovery = fifth.App.Services.GetRequiredService<Venue>().Recovery!;
            Assert.Equal((stopped.Sequence, stopped.Hash), (recovery.LastSequence, recovery.StateHash));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_venue_on_the_same_data_does_not_start_and_leaves_the_journal_alone()
    {
        string folder = Directory.CreateTempSubdirectory("bp-twice-").FullName;
        try
        {
            await using var first = await HostTestVenue.StartInAsync(folder, keep: true, Quiet);
            await using (var carol = await WsTestClient.ConnectAsync(first.WebSocketUri))
            {
                await carol.LogOnAsync(Demo.SecretOf("carol"));
                await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "175", quantity = "1" });
            }
            var refused = await Assert.ThrowsAsync<RecoveryFailedException>(() => HostTestVenue.StartInAsync(folder, keep: true, Quiet));
            Assert.Contains("is in use by another process", refused.Message);

            // The first venue goes on journaling; its state survives its own restart.
            var (hash, sequence) = await first.StopAsync();
            await using var again = await HostTestVenue.StartInAsync(folder, keep: false, Quiet);
            var recovery = again.App.Services.GetRequiredService<Venue>().Recovery!;
            Assert.Equal((sequence, hash, 0L), (recovery.LastSequence, recovery.StateHash, recovery.TornBytes));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Opening_deposits_interrupted_or_added_later_are_completed_and_never_paid_twice()
    {
        string folder = Directory.CreateTempSubdirectory("bp-opening-").FullName;
        try
        {
            // As if the first start had stopped after alice's deposit: nobody else has one yet.
            string[] onlyAlice = [.. Quiet, .. Enumerable.Range(1, Demo.Settings.Accounts.Count - 1).Select(i => $"--Accounts:{i}:Deposit=0"), "--Backstop:InsuranceFundDeposit=0"];
            await using (var first = await HostTestVenue.StartInAsync(folder, keep: true, onlyAlice))
            {
                var summary = await first.WaitForSummaryAsync(s => s.GetProperty("accounts").GetInt32() == 1, "alice's deposit", TimeSpan.FromSeconds(10));
                Assert.Equal(100_000m, summary.GetProperty("deposits").GetDecimal());
                await first.StopAsync();
            }
            await using var second = await HostTestVenue.StartInAsync(folder, keep: false, Quiet);
            var after = await second.WaitForSummaryAsync(s => s.GetProperty("accounts").GetInt32() == Demo.Settings.Accounts.Count, "the other deposits", TimeSpan.FromSeconds(10));
            Assert.Equal(Demo.Settings.Accounts.Sum(a => a.Deposit) + Demo.Settings.Backstop.InsuranceFundDeposit, after.GetProperty("deposits").GetDecimal());
            Assert.Equal(Demo.Settings.Backstop.InsuranceFundDeposit, after.GetProperty("insuranceFund").GetDecimal());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Reports_the_FIX_stores_missed_at_a_crash_are_made_again_from_the_journal()
    {
        string folder = Directory.CreateTempSubdirectory("bp-catchup-").FullName;
        string copy = Directory.CreateTempSubdirectory("bp-catchup-copy-").FullName;
        var release = new ManualResetEventSlim();
        try
        {
            int aliceSeq;
            await using (var first = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                var fix = first.App.Services.GetRequiredService<FixService>().FrontEnd;
                var endpoint = fix.Acceptor.LocalEndPoint!;
                using var alice = new FixTestClient(endpoint, "ALICE", Demo.SecretOf("alice"));
                alice.Logon();
                alice.Send("D", FixTestClient.LimitOrder("a-1", '2', "2", "181"));
                Assert.Equal("0", alice.Expect("8").GetString(FixTags.ExecType));
                aliceSeq = alice.NextSeq;

                // The FIX dispatcher stalls on alice's session (as if the process died before it stored her fill).
                var session = fix.Sessions.Single(s => s.Settings.TargetCompId == "ALICE");
                var holding = new ManualResetEventSlim();
                var holder = new Thread(() => { lock (session.Lock) { holding.Set(); release.Wait(); } }) { IsBackground = true };
                holder.Start();
                holding.Wait();
                await using (var bob = await WsTestClient.ConnectAsync(first.WebSocketUri))
                {
                    await bob.LogOnAsync(Demo.SecretOf("bob"));
                    var taken = await bob.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "181", quantity = "1" });
                    Assert.Equal("New", taken.GetProperty("result").GetProperty("status").GetString()); // journaled before this answer
                }
                // The crash: what is on disk now is all the next start gets (the lock file is the live process's).
                try
                {
                    foreach (string dir in new[] { "journal", "fix" })
                    {
                        Directory.CreateDirectory(Path.Combine(copy, dir));
                        foreach (var file in Directory.GetFiles(Path.Combine(folder, dir)).Where(f => Path.GetFileName(f) != Backpack.Gateway.Engine.Journal.JournalLock.FileName))
                        {
                            File.Copy(file, Path.Combine(copy, dir, Path.GetFileName(file)));
                        }
                    }
                }
                finally
                {
                    release.Set();
                }
            }

            await using var second = await HostTestVenue.StartInAsync(copy, keep: false, Quiet);
            var catchUp = second.App.Services.GetRequiredService<Venue>().FixCatchUp;
            Assert.NotNull(catchUp);
            Assert.True(catchUp.Batches.Count > 0);
            var endpoint2 = second.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
            using var aliceAgain = new FixTestClient(endpoint2, "ALICE", Demo.SecretOf("alice")) { NextSeq = aliceSeq };
            Assert.Equal("A", aliceAgain.Logon(reset: false).GetString(FixTags.MsgType));
            aliceAgain.Send("2", (FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0"));
            var fill = Enumerable.Range(0, 20).Select(_ => aliceAgain.Receive(TimeSpan.FromSeconds(5)))
                .First(m => m.GetString(FixTags.MsgType) == "8" && m.GetString(FixTags.ExecType) == "F");
            Assert.Equal(("a-1", "1", "181", "1"), (fill.GetString(FixTags.ClOrdID), fill.GetString(FixTags.LastQty), fill.GetString(FixTags.LastPx), fill.GetString(FixTags.LeavesQty)));
        }
        finally
        {
            release.Set();
            foreach (string dir in new[] { folder, copy }) if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Pending_stop_orders_are_known_to_FIX_and_WebSocket_clients_after_a_restart()
    {
        string folder = Directory.CreateTempSubdirectory("bp-restart-stops-").FullName;
        try
        {
            int aliceSeq;
            await using (var first = await HostTestVenue.StartInAsync(folder, keep: true, Quiet))
            {
                var endpoint = first.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
                using (var alice = new FixTestClient(endpoint, "ALICE", Demo.SecretOf("alice")))
                {
                    alice.Logon();
                    alice.Send("D", (FixTags.ClOrdID, "stop-1"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "2"), (FixTags.TransactTime, FixTestClient.Now()),
                        (FixTags.OrderQty, "2"), (FixTags.OrdType, "3"), (FixTags.StopPx, "170"));
                    var placed = alice.Expect("8");
                    Assert.Equal(("0", "3", "170"), (placed.GetString(FixTags.ExecType), placed.GetString(FixTags.OrdType), placed.GetString(FixTags.StopPx)));
                    aliceSeq = alice.NextSeq;
                }
                await using (var carol = await WsTestClient.ConnectAsync(first.WebSocketUri))
                {
                    await carol.LogOnAsync(Demo.SecretOf("carol"));
                    var placed = await carol.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Market", triggerPrice = "190", triggerQuantity = "1", clientId = 43 });
                    Assert.Equal("TriggerPending", placed.GetProperty("result").GetProperty("status").GetString());
                }
                await first.StopAsync();
            }

            await using var second = await HostTestVenue.StartInAsync(folder, keep: false, Quiet);
            // carol's pending trigger order is in her open orders, with its trigger.
            await using (var carol = await WsTestClient.ConnectAsync(second.WebSocketUri))
            {
                await carol.LogOnAsync(Demo.SecretOf("carol"));
                var open = (await carol.RequestAsync("orderQueryAll", new { })).GetProperty("result").EnumerateArray().ToList();
                var trigger = Assert.Single(open, o => o.GetProperty("clientId").GetInt64() == 43);
                Assert.Equal(("TriggerPending", "190", "1"), (trigger.GetProperty("status").GetString(), trigger.GetProperty("triggerPrice").GetString(), trigger.GetProperty("triggerQuantity").GetString()));
            }
            // alice cancels her stop by its ClOrdID; the report still says it is a stop.
            var endpoint2 = second.App.Services.GetRequiredService<FixService>().FrontEnd.Acceptor.LocalEndPoint!;
            using var aliceAgain = new FixTestClient(endpoint2, "ALICE", Demo.SecretOf("alice")) { NextSeq = aliceSeq };
            aliceAgain.Logon(reset: false);
            aliceAgain.Send("F", (FixTags.OrigClOrdID, "stop-1"), (FixTags.ClOrdID, "stop-1c"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "2"), (FixTags.TransactTime, FixTestClient.Now()));
            var canceled = aliceAgain.Expect("8");
            Assert.Equal(("4", "stop-1c", "stop-1", "3", "170"), (canceled.GetString(FixTags.ExecType), canceled.GetString(FixTags.ClOrdID),
                canceled.GetString(FixTags.OrigClOrdID), canceled.GetString(FixTags.OrdType), canceled.GetString(FixTags.StopPx)));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}

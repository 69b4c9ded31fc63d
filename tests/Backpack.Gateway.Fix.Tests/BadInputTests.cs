using System.Net.Sockets;
using System.Text;
using Backpack.Gateway.Fix.Codec;
using Xunit.Abstractions;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>Hostile and broken input: the gateway answers as the reference says, keeps serving other sessions and never crashes.</summary>
public class BadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FixTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new FixTestHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Session B logs on and must keep working whatever session A's client does.</summary>
    private void OtherSessionStillWorks(FixTestClient other, string id)
    {
        other.Send("1", (FixTags.TestReqID, id));
        Assert.Equal(id, other.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void Garbage_bytes_before_logon_close_only_that_connection()
    {
        using var other = _host.Client(FixTestHost.ClientB);
        other.Logon();
        using (var tcp = new TcpClient())
        {
            tcp.Connect(_host.EndPoint);
            var random = new Random(1);
            var garbage = new byte[10_000];
            random.NextBytes(garbage);
            tcp.GetStream().Write(garbage);
            tcp.ReceiveTimeout = 3000;
            Assert.Equal(0, tcp.GetStream().Read(new byte[100]));
        }
        OtherSessionStillWorks(other, "after-garbage");
    }

    [Fact]
    public void Garbage_between_messages_of_a_logged_on_session_is_skipped()
    {
        using var client = _host.Client();
        client.Logon();
        client.SendRaw("xx\u0001not fix at all 8=FIZ\u00019=5\u0001"u8);
        client.Send("1", (FixTags.TestReqID, "after"));
        Assert.Equal("after", client.Expect("0").GetString(FixTags.TestReqID));
        Assert.True(_host.Acceptor.GarbledMessages > 0);
    }

    [Fact]
    public void A_one_megabyte_message_is_refused_and_the_other_sessions_keep_going()
    {
        using var other = _host.Client(FixTestHost.ClientB);
        other.Logon();
        using var client = _host.Client();
        client.Logon();
        client.Send("1", (FixTags.TestReqID, new string('x', 1 << 20)));
        var logout = client.Expect("5");
        Assert.Contains("larger than", logout.GetString(FixTags.Text));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        OtherSessionStillWorks(other, "after-1mb");
    }

    [Fact]
    public void A_message_split_byte_by_byte_across_reads_is_reassembled()
    {
        using var client = _host.Client();
        client.Logon();
        byte[] message = client.Build("1", [(FixTags.TestReqID, "slowly")]);
        foreach (byte b in message)
        {
            client.SendRaw([b]);
            Thread.Sleep(1);
        }
        Assert.Equal("slowly", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void Several_messages_in_one_write_are_all_processed()
    {
        using var client = _host.Client();
        client.Logon();
        var batch = Enumerable.Range(0, 20).SelectMany(i => client.Build("1", [(FixTags.TestReqID, "b" + i)])).ToArray();
        client.SendRaw(batch);
        for (int i = 0; i < 20; i++) Assert.Equal("b" + i, client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void Messages_before_logon_are_refused()
    {
        using var client = _host.Client();
        client.Send("D", (FixTags.ClOrdID, "sneaky"));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        Assert.Empty(client.Received);
    }

    [Fact]
    public void A_tag_that_is_not_a_number_is_rejected_as_an_invalid_tag()
    {
        using var client = _host.Client();
        client.Logon();
        string text = Encoding.ASCII.GetString(client.Build("1", [(FixTags.TestReqID, "x")]));
        text = text.Replace("112=x", "1a2=x");
        int cut = text.LastIndexOf("10=", StringComparison.Ordinal);
        string body = text[..cut];
        client.SendRaw(Encoding.ASCII.GetBytes(body + $"10={Encoding.ASCII.GetBytes(body).Sum(b => b) % 256:000}\u0001"));
        Assert.Equal("0", client.Expect("3").GetString(FixTags.SessionRejectReason));
    }

    [Fact]
    public async Task A_flood_from_one_client_does_not_stop_another_session()
    {
        await _host.DisposeAsync();
        _host = new FixTestHost(s => s.MaxMessagesPerSecond = 0); // no rate limit: the flood must not end in a logout
        using var other = _host.Client(FixTestHost.ClientB);
        other.Logon();
        using var flooder = _host.Client();
        flooder.Logon();
        var flooding = _host.Session(FixTestHost.ClientA);
        using var stop = new ManualResetEventSlim();
        var flood = new Thread(() =>
        {
            try
            {
                // Heartbeats in bursts of 400 until the other session is done (or 400,000 were sent).
                for (int burst = 0; burst < 1_000 && !stop.IsSet; burst++)
                {
                    flooder.SendRaw(Enumerable.Range(0, 400).SelectMany(_ => flooder.Build("0")).ToArray());
                }
            }
            catch (IOException)
            {
            }
        });
        flood.Start();
        Assert.True(SpinWait.SpinUntil(() => flooding.ExpectedSeqNum > 1_000, TimeSpan.FromSeconds(30)), "the flood never got going");

        // The other session makes round trips (20 at least) until the gateway has taken another
        // 10,000 flood messages: both advance at once (a busy machine slows both, it stops neither).
        int before = flooding.ExpectedSeqNum;
        int roundTrips = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((flooding.ExpectedSeqNum < before + 10_000 || roundTrips < 20) && DateTime.UtcNow < deadline)
        {
            OtherSessionStillWorks(other, "during-flood-" + roundTrips++);
        }
        int after = flooding.ExpectedSeqNum;
        bool stillFlooding = flood.IsAlive;
        stop.Set();
        output.WriteLine($"the other session made {roundTrips} round trips while the gateway took {after - before} flood messages");
        flood.Join();

        Assert.True(stillFlooding, "the flood had ended before the other session was served");
        Assert.True(after >= before + 10_000, $"the gateway took only {after - before} flood messages in 60 s");
        Assert.True(roundTrips >= 20, $"only {roundTrips} round trips while the flood went on");
    }

    [Fact]
    public async Task A_client_that_sends_more_than_its_rate_limit_is_logged_out()
    {
        await _host.DisposeAsync();
        _host = new FixTestHost(s => s.MaxMessagesPerSecond = 100);
        using var client = _host.Client();
        client.Logon();
        client.SendRaw(Enumerable.Range(0, 300).SelectMany(_ => client.Build("0")).ToArray());
        var logout = client.Expect("5");
        Assert.Equal("Message rate limit exceeded", logout.GetString(FixTags.Text));
    }

    [Fact]
    public void Random_bytes_and_mutated_messages_never_crash_the_acceptor()
    {
        var random = new Random(7);
        using var other = _host.Client(FixTestHost.ClientB);
        other.Logon();
        for (int round = 0; round < 30; round++)
        {
            using var client = _host.Client();
            byte[] logon = client.BuildLogon(); // signed, so mutations reach the checks after the signature too
            for (int flips = random.Next(1, 5); flips > 0; flips--) logon[random.Next(logon.Length)] = (byte)random.Next(256);
            try
            {
                client.SendRaw(logon);
                client.Closed(TimeSpan.FromMilliseconds(300));
            }
            catch (IOException)
            {
            }
        }
        OtherSessionStillWorks(other, "after-fuzz");
        using var fresh = _host.Client();
        Assert.Equal("A", fresh.Logon().GetString(FixTags.MsgType)); // the fuzzed session still takes a proper Logon
    }

    [Fact]
    public async Task A_connection_that_never_logs_on_is_closed_after_the_logon_timeout()
    {
        await using var host = new FixTestHost(acceptor: o => o.LogonTimeout = TimeSpan.FromSeconds(1));
        using var tcp = new TcpClient();
        tcp.Connect(host.EndPoint);
        tcp.ReceiveTimeout = 30_000; // our own timeout would throw; a 0-byte read is the gateway's close
        var started = DateTime.UtcNow;
        Assert.Equal(0, tcp.GetStream().Read(new byte[100]));
        // Not before the timeout (the gateway's clock started at or after our connect; 50 ms for timer
        // granularity); the upper bound only tells a closed-at-the-timeout from a never-closed, with room for a busy machine.
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(20));
        using var client = host.Client();
        client.Logon();
    }

    [Fact]
    public async Task Connections_beyond_the_cap_are_closed_and_a_session_can_still_log_on_once_one_leaves()
    {
        await using var host = new FixTestHost(acceptor: o => o.MaxConnections = 2);
        using var first = new TcpClient();
        using var second = new TcpClient();
        first.Connect(host.EndPoint);
        second.Connect(host.EndPoint);
        Assert.True(SpinWait.SpinUntil(() => host.Acceptor.ConnectionCount == 2, TimeSpan.FromSeconds(5)));
        using (var third = new TcpClient())
        {
            third.Connect(host.EndPoint);
            third.ReceiveTimeout = 3000;
            Assert.Equal(0, third.GetStream().Read(new byte[100]));
        }
        first.Close();
        Assert.True(SpinWait.SpinUntil(() => host.Acceptor.ConnectionCount == 1, TimeSpan.FromSeconds(5)));
        using var client = host.Client();
        client.Logon();
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_as_a_slow_consumer_and_others_keep_going()
    {
        await using var host = new FixTestHost(acceptor: o => o.MaxOutboundBytes = 256 * 1024);
        using var other = host.Client(FixTestHost.ClientB);
        other.Logon();
        using var slow = host.Client();
        slow.Logon();
        // Each TestRequest makes the gateway answer a 1 KB heartbeat; the client never reads them.
        string id = new('x', 1000);
        var session = host.Session(FixTestHost.ClientA);
        for (int i = 0; i < 30_000 && session.IsLoggedOn; i++)
        {
            try
            {
                slow.Send("1", (FixTags.TestReqID, id));
            }
            catch (IOException)
            {
                break; // the gateway closed the connection while we were still writing
            }
        }
        Assert.True(SpinWait.SpinUntil(() => !session.IsLoggedOn, TimeSpan.FromSeconds(10)), "the slow client is still logged on");
        Assert.True(SpinWait.SpinUntil(() => host.Acceptor.ConnectionCount == 1, TimeSpan.FromSeconds(10)), "the slow client's connection is still open");
        OtherSessionStillWorks(other, "after-slow-consumer");
    }
}

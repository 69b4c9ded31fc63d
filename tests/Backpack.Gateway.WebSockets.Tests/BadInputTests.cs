using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Xunit.Abstractions;

namespace Backpack.Gateway.WebSockets.Tests;

/// <summary>Bad input gets a clear answer and loses nothing; a misbehaving client never holds up the others.</summary>
public class BadInputTests(ITestOutputHelper output)
{
    /// <summary>An error's code: a string (our codes), or a number as text (Backpack's numeric codes of SUBSCRIBE and UNSUBSCRIBE errors).</summary>
    private static string Code(JsonElement response) => response.GetProperty("error").GetProperty("code") is { ValueKind: JsonValueKind.String } code ? code.GetString()! : response.GetProperty("error").GetProperty("code").GetRawText();

    [Fact]
    public async Task Invalid_json_unknown_methods_and_garbage_get_errors_and_the_connection_stays()
    {
        await using var host = new WsTestHost();
        await using var c = await host.ConnectAsync();

        await c.SendFrameAsync(Encoding.UTF8.GetBytes("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC_PERP\""), WebSocketMessageType.Text);
        var invalid = await c.ExpectAsync(m => m.TryGetProperty("error", out _), "an error");
        Assert.Equal(("INVALID_REQUEST", JsonValueKind.Null), (Code(invalid), invalid.GetProperty("id").ValueKind));
        Assert.StartsWith("Invalid JSON", invalid.GetProperty("error").GetProperty("message").GetString());

        Assert.Equal("UNKNOWN_METHOD", Code(await c.ResponseAsync(await c.SendAsync("ORDER_EVERYTHING"))));
        // SUBSCRIBE errors carry Backpack's numeric codes: 4006 for a stream it does not know, 4000 for params that are not a list.
        Assert.Equal("4006", Code(await c.ResponseAsync(await c.SendAsync("SUBSCRIBE", new[] { "depth.NOPE_USDC_PERP" }))));
        Assert.Equal("4000", Code(await c.ResponseAsync(await c.SendAsync("SUBSCRIBE", new { symbol = "SOL_USDC_PERP" }))));

        // Binary garbage on a JSON connection is read as MessagePack and refused (in JSON, the connection's format).
        await c.SendFrameAsync([0xc1, 0xff, 0x00, 0x13, 0x37], WebSocketMessageType.Binary);
        var garbage = await c.ExpectAsync(m => m.TryGetProperty("error", out _), "an error");
        Assert.Equal("INVALID_REQUEST", Code(garbage));
        var rng = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            byte[] noise = new byte[rng.Next(1, 200)];
            rng.NextBytes(noise);
            await c.SendFrameAsync(noise, WebSocketMessageType.Binary);
        }
        for (int i = 0; i < 50; i++) await c.ExpectAsync(m => m.TryGetProperty("error", out _), "an error for noise " + i);

        // Still connected and served.
        await c.SubscribeAsync("trade.SOL_USDC_PERP");
        Assert.False(c.Closed);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_closes_with_message_too_big_and_others_are_unaffected()
    {
        await using var host = new WsTestHost(o =>
        {
            o.MaxMessageSize = 4096;
            o.SlowConsumerCloseGrace = TimeSpan.FromSeconds(1);
        });
        await using var other = await host.ConnectAsync();
        using var raw = await RawWebSocket.ConnectAsync(host.Uri);
        await raw.SendTextAsync("{\"method\":\"SUBSCRIBE\",\"params\":[\"" + new string('x', 10_000) + "\"],\"id\":1}");
        var (code, reason, _, ended) = await raw.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.True(ended);
        Assert.Equal(((int)WebSocketCloseStatus.MessageTooBig, "Message larger than 4096 bytes"), (code, reason));
        await other.SubscribeAsync("trade.SOL_USDC_PERP");
    }

    [Fact]
    public async Task A_frame_that_breaks_the_protocol_ends_only_that_connection()
    {
        await using var host = new WsTestHost();
        await using var other = await host.ConnectAsync();
        using var raw = await RawWebSocket.ConnectAsync(host.Uri);
        await raw.SendFrameAsync(3, [1, 2, 3]); // opcode 3 is reserved
        var (_, _, _, ended) = await raw.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.True(ended);
        await other.SubscribeAsync("markPrice.SOL_USDC_PERP");
        Assert.True(SpinWait.SpinUntil(() => host.Gateway.OpenConnections == 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_flood_is_rate_limited_with_errors_and_the_connection_recovers()
    {
        await using var host = new WsTestHost(o =>
        {
            o.RequestsPerSecond = 20;
            o.RequestBurst = 40;
        });
        await using var c = await host.ConnectAsync();
        var ids = new List<long>();
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < 200; i++) ids.Add(await c.SendAsync("SUBSCRIBE", new[] { "trade.SOL_USDC_PERP" }));
        int limited = 0, served = 0;
        foreach (long id in ids)
        {
            var response = await c.ResponseAsync(id);
            if (response.TryGetProperty("error", out var error))
            {
                Assert.Equal("RATE_LIMITED", error.GetProperty("code").GetString());
                limited++;
            }
            else
            {
                served++;
            }
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine($"200 requests in {seconds * 1000:F1} ms: {served} served, {limited} rate limited");
        // A token bucket: the burst, plus what refilled while the requests came in (however slow the machine).
        Assert.InRange(served, 40, 40 + (int)Math.Ceiling(20 * seconds) + 1);
        Assert.Equal(200, served + limited);
        await Task.Delay(1000);
        await c.SubscribeAsync("depth.SOL_USDC_PERP");
    }

    [Fact]
    public async Task A_reader_that_stops_reading_is_closed_as_a_slow_consumer_while_others_keep_their_latency()
    {
        await using var host = new WsTestHost(o =>
        {
            o.MaxQueuedMessages = 64;
            o.MaxQueuedBytes = 256 * 1024;
            o.RequestsPerSecond = 100_000; // the healthy client times thousands of orders; the slow one paces itself
            o.RequestBurst = 100_000;
            o.SlowConsumerCloseGrace = TimeSpan.FromSeconds(5);
        });
        host.Index(18_000);
        host.Fund(WsTestHost.AccountA, 10_000_000);
        host.Fund(WsTestHost.AccountB, 100_000);
        // A deep book makes every depth snapshot about 12 KB.
        for (int i = 1; i <= 300; i++)
        {
            host.Command(new NewOrder(new CommandHeader(0, 0, 0), WsTestHost.AccountA, 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc, 18_000 - i, 1_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
            host.Command(new NewOrder(new CommandHeader(0, 0, 0), WsTestHost.AccountA, 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 18_000 + i, 1_000, OrderFlags.None, SelfTradePrevention.RejectTaker));
        }

        await using var healthy = await host.ConnectAsync();
        await healthy.LogOnAsync(WsTestHost.KeyB);
        // The healthy client's order round trip, alone, as the reference.
        for (int i = 0; i < 30; i++) await OrderRoundTripAsync(healthy); // warm-up
        var baseline = new List<double>();
        for (int i = 0; i < 100; i++) baseline.Add(await OrderRoundTripAsync(healthy));

        using var slow = await RawWebSocket.ConnectAsync(host.Uri, receiveBuffer: 4096);
        // Ask for a depth snapshot (12 KB) about 100 times a second (a rate the default request limit
        // allows) and never read them: the socket's buffers fill, then its unsent messages pile up in
        // the gateway until it is cut off (64 messages).
        var flood = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < 100_000 && host.Gateway.SlowConsumerDisconnects == 0; i++)
                {
                    await slow.SendTextAsync(i % 2 == 0 ? "{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.SOL_USDC_PERP\"]}" : "{\"method\":\"UNSUBSCRIBE\",\"params\":[\"depth.SOL_USDC_PERP\"]}");
                    if (i % 20 == 19) await Task.Delay(100);
                }
            }
            catch (IOException)
            {
                // closed under us: expected
            }
        });

        // Once the slow reader's socket buffers are full its messages queue up in the gateway; from
        // then until it is cut off the healthy client places and cancels orders and times each answer.
        Assert.True(SpinWait.SpinUntil(() => host.Gateway.DeepestOutboundQueue >= 4, TimeSpan.FromSeconds(60)), "the slow reader's queue never filled");
        var during = new List<double>();
        for (int i = 0; i < 500 && host.Gateway.SlowConsumerDisconnects == 0; i++)
        {
            during.Add(await OrderRoundTripAsync(healthy)); // sent while the slow reader was still connected
        }
        await flood.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(SpinWait.SpinUntil(() => host.Gateway.SlowConsumerDisconnects == 1, TimeSpan.FromSeconds(30)));
        // Once it reads again it finds the reason at the end of what was queued for it.
        var (code, reason, bytes, ended) = await slow.ReadUntilClosedAsync(TimeSpan.FromSeconds(30));
        Assert.True(ended);
        Assert.Equal((int)WebSocketCloseStatus.PolicyViolation, code);
        Assert.StartsWith("Slow consumer", reason);
        baseline.Sort();
        during.Sort();
        output.WriteLine($"slow reader got {bytes / 1024} KB before the close; healthy client alone: p50 {baseline[baseline.Count / 2]:F2} ms, max {baseline[^1]:F2} ms; "
            + $"while the slow reader was flooded: {during.Count} orders, p50 {(during.Count > 0 ? during[during.Count / 2] : double.NaN):F2} ms, max {(during.Count > 0 ? during[^1] : double.NaN):F2} ms");
        Assert.True(during.Count >= 50, $"only {during.Count} orders could be sent while the slow reader was being flooded (slowest answer {during.DefaultIfEmpty().Max():F1} ms)");
        // Its backlog costs the others nothing they would notice: the median within 4x the same
        // client's alone, the 90th percentile within 4x; plus 2 and 20 ms for a busy 2-core machine's
        // scheduling (a gateway that waited on the slow socket answered in seconds).
        double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
        foreach (var (p, slack) in new[] { (0.5, 2.0), (0.9, 20.0) })
        {
            Assert.True(Percentile(during, p) <= 4 * Percentile(baseline, p) + slack,
                $"p{p * 100:F0} {Percentile(during, p):F2} ms during the flood against {Percentile(baseline, p):F2} ms alone");
        }

        // The healthy client is still served.
        var after = await healthy.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "170", quantity = "0.01" });
        Assert.Equal("New", after.GetProperty("result").GetProperty("status").GetString());
    }

    private static async Task<double> OrderRoundTripAsync(WsTestClient client)
    {
        long start = Stopwatch.GetTimestamp();
        var placed = await client.RequestAsync("orderExecute", new { symbol = "SOL_USDC_PERP", side = "Bid", orderType = "Limit", price = "170", quantity = "0.01" });
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        await client.RequestAsync("orderCancel", new { symbol = "SOL_USDC_PERP", orderId = placed.GetProperty("result").GetProperty("id").GetString() });
        return ms;
    }

    [Fact]
    public async Task A_client_that_never_answers_pings_is_closed_and_one_that_does_stays()
    {
        await using var host = new WsTestHost(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PongTimeout = TimeSpan.FromMilliseconds(500);
        });
        await using var polite = await host.ConnectAsync();
        using var silent = await RawWebSocket.ConnectAsync(host.Uri);
        var (_, _, bytes, ended) = await silent.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.True(ended, "the server did not close a connection that never answered its pings");
        Assert.True(bytes > 0, "no ping arrived");
        await polite.SubscribeAsync("trade.SOL_USDC_PERP");
        Assert.False(polite.Closed);
    }
}

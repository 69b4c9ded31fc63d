using Backpack.Gateway.Benchmarks;

namespace Backpack.Gateway.LoadTests.Tests;

/// <summary>
/// The quickfix-race benchmark (loadtests/Backpack.Gateway.Benchmarks/QuickFixRace) kept working:
/// its two QuickFIX C++ programs build, and one short run against the echo acceptor and the gateway
/// (journal fsync per batch and Fsync=Never) answers every order. Counts and the shape of the
/// report only; never timing.
/// </summary>
public class QuickFixRaceSmokeTests
{
    [Fact]
    public void A_short_quickfix_race_answers_every_order_of_each_initiator_against_each_target()
    {
        var output = new StringWriter();
        var results = QuickFixRace.Run(pings: 100, inflight: 400, runs: 1, fourInitiators: true, output: output);

        Assert.Equal(["echo acceptor", "gateway, fsync batch", "gateway, batch, no prealloc", "gateway, fsync never"], results.Select(r => r.Target));
        foreach (var result in results)
        {
            Assert.Equal(100, result.Pings);
            Assert.Equal(400, result.InFlightOrders);
            Assert.Equal(400, result.FourOrders);
            Assert.True(result.P50 > 0 && result.P99 >= result.P50, $"{result.Target}: p50 {result.P50}, p99 {result.P99}");
            Assert.True(result.OrdersPerSecond > 0 && result.FourOrdersPerSecond > 0, result.ToString());
        }
        string report = output.ToString();
        Assert.Contains("gateway, fsync batch / echo acceptor (medians): ping-pong p50 ", report);
        Assert.Contains("gateway, fsync never / echo acceptor (medians): ping-pong p50 ", report);
    }
}

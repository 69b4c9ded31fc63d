using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Tests;

public class DeliveryAuditTests
{
    private static readonly RunRecorder Recorder = new(new RunClock());

    private static EngineLiquidationEvent Event(long seq, string kind, int account, long? liquidation = 1, long? trade = null, int? counterparty = null,
        string? stage = null, string? role = null) =>
        new(seq, 1_000_000 + seq, kind, account, liquidation, kind is "liquidationFill" or "adl" ? "SOL_USDC_PERP" : null, stage,
            kind is "liquidationFill" or "adl" ? "Ask" : null, kind is "liquidationFill" or "adl" ? 170.09m : null, kind is "liquidationFill" or "adl" ? 10m : null,
            trade, counterparty, role, null);

    private static readonly EngineLiquidationEvent[] Log =
    [
        Event(10, "marginCall", 7, liquidation: null),
        Event(11, "liquidationStarted", 7),
        Event(12, "liquidationFill", 7, trade: 100, counterparty: 0, stage: "Book"),
        Event(13, "liquidationFill", 7, trade: 101, counterparty: 8, stage: "Backstop"),
        Event(14, "adl", 7, role: "Liquidated"),
        Event(14, "adl", 9, role: "Counterparty"),
        Event(15, "liquidationEnded", 7),
    ];

    [Fact]
    public void Every_event_received_once_is_delivered_and_nothing_is_lost()
    {
        var ws = Received(Channel.WebSocket, 7, "marginCall|1000", "liquidationStarted|1", "liquidationFill|1|100", "liquidationFill|1|101",
            Deliveries.Adl(1, "SOL_USDC_PERP", "Liquidated", "Ask", 170.09m, 10m), "liquidationEnded|1");
        // The backstop provider (8) on FIX gets its side of the takeover; the ADL counterparty (9) its notice.
        var provider = Received(Channel.Fix, 8, "liquidationFill|1|101");
        var counterparty = Received(Channel.Fix, 9, Deliveries.Adl(1, "SOL_USDC_PERP", "Counterparty", "Ask", 170.090m, 10.0m));
        var publicFeed = Received(Channel.WebSocket, 0, "liquidation|100", "liquidation|101");

        var lines = DeliveryAudit.Run(Log, 0, long.MaxValue, [ws, provider, counterparty], [publicFeed], Recorder);

        Assert.Equal([("FIX", 2, 2L, 2L, 0L, 0L, 0L), ("WebSocket", 1, 6L, 6L, 0L, 0L, 0L), ("WebSocket public", 1, 2L, 2L, 0L, 0L, 0L)],
            lines.Select(l => (l.Channel, l.Clients, l.Expected, l.Delivered, l.Lost, l.Duplicated, l.Unexpected)));
        Assert.Empty(lines.SelectMany(l => l.Examples));
    }

    [Fact]
    public void Repeated_and_foreign_events_are_counted_on_the_FIX_and_public_rows_too()
    {
        // The provider gets its fill twice and another liquidation's fill; the subscriber a fill twice and one the engine never made.
        var provider = Received(Channel.Fix, 8, "liquidationFill|1|101", "liquidationFill|1|101", "liquidationFill|1|100");
        var publicFeed = Received(Channel.WebSocket, 0, "liquidation|100", "liquidation|101", "liquidation|100", "liquidation|999");

        var lines = DeliveryAudit.Run(Log, 0, long.MaxValue, [provider], [publicFeed], Recorder);

        Assert.Equal((1L, 1L, 0L, 1L, 1L), (lines[0].Expected, lines[0].Delivered, lines[0].Lost, lines[0].Duplicated, lines[0].Unexpected));
        Assert.Equal((2L, 2L, 0L, 1L, 1L), (lines[2].Expected, lines[2].Delivered, lines[2].Lost, lines[2].Duplicated, lines[2].Unexpected));
        Assert.Contains(lines[2].Examples, e => e.Contains("liquidation|100 received more than once"));
        Assert.Contains(lines[2].Examples, e => e.Contains("liquidation|999 received but not in the engine's log"));
    }

    [Fact]
    public void A_missing_event_is_lost_a_repeated_one_duplicated_and_a_foreign_one_unexpected()
    {
        var ws = Received(Channel.WebSocket, 7, "marginCall|1000", "liquidationStarted|1", "liquidationStarted|1", "liquidationFill|1|100", "liquidationFill|1|101",
            Deliveries.Adl(1, "SOL_USDC_PERP", "Liquidated", "Ask", 170.09m, 10m), "liquidationEnded|2");

        var line = DeliveryAudit.Run(Log, 0, long.MaxValue, [ws], [], Recorder)[1];

        Assert.Equal((6L, 5L, 1L, 1L, 1L), (line.Expected, line.Delivered, line.Lost, line.Duplicated, line.Unexpected));
        Assert.Contains(line.Examples, e => e.Contains("liquidationEnded|1 (sequence 15) never arrived"));
        Assert.Contains(line.Examples, e => e.Contains("liquidationStarted|1 received more than once"));
        Assert.Contains(line.Examples, e => e.Contains("liquidationEnded|2 received but not in the engine's log"));
    }

    [Fact]
    public void Events_after_the_cut_are_neither_expected_nor_held_against_the_client_and_disconnected_clients_are_left_out()
    {
        var early = Received(Channel.WebSocket, 7, "marginCall|1000", "liquidationStarted|1", "liquidationEnded|1");
        var gone = Received(Channel.Fix, 7);
        gone.Disconnected = "closed by the gateway";

        var lines = DeliveryAudit.Run(Log, 0, 1_000_011, [early, gone], [], Recorder);

        Assert.Equal((2L, 2L, 0L, 0L), (lines[1].Expected, lines[1].Delivered, lines[1].Lost, lines[1].Unexpected));
        Assert.Equal(0L, lines[0].Expected);
        Assert.Contains(lines[0].Examples, e => e.Contains("left out"));
        Assert.Equal(1, lines[0].LeftOut);
    }

    [Fact]
    public void Events_before_the_run_started_may_arrive_but_are_not_required()
    {
        // The margin call (10) and the start (11) came before the measured run: one of them arrived, the other did not.
        var ws = Received(Channel.WebSocket, 7, "liquidationStarted|1", "liquidationFill|1|100", "liquidationFill|1|101",
            Deliveries.Adl(1, "SOL_USDC_PERP", "Liquidated", "Ask", 170.09m, 10m), "liquidationEnded|1");

        var line = DeliveryAudit.Run(Log, fromSequence: 11, long.MaxValue, [ws], [], Recorder)[1];

        Assert.Equal((4L, 4L, 0L, 0L), (line.Expected, line.Delivered, line.Lost, line.Unexpected));
    }

    private static Deliveries Received(Channel channel, int account, params string[] keys)
    {
        var d = new Deliveries(channel, account, $"{channel}-{account}");
        foreach (string key in keys) d.Add(key, 2_000_000, 0);
        return d;
    }
}

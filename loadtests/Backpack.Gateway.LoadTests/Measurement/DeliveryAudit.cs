using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Measurement;

/// <summary>How the events of one channel reached their clients.</summary>
/// <param name="LeftOut">clients whose connection ended during the run (their events cannot be audited)</param>
public sealed record AuditLine(string Channel, int Clients, long Expected, long Delivered, long Lost, long Duplicated, long Unexpected, int LeftOut,
    IReadOnlyList<string> Examples);

/// <summary>
/// Compares the margin-call, liquidation and ADL events the engine emitted (its log, read from the
/// admin endpoint) with what each client of the run received, one to one: every event meant for a
/// connected client must arrive exactly once on its channel. The events a client should get:
/// <list type="bullet">
/// <item>WebSocket (account.liquidation, account.adl): the account's marginCall, liquidationStarted,
/// liquidationFill and liquidationEnded, and ADL notices of either role.</item>
/// <item>FIX: the same as U1-U4 and forced-fill ExecutionReports, plus the forced fills of backstop and
/// ADL closes in which the account took the other side.</item>
/// <item>Public subscribers: every liquidationFill on the <c>liquidation</c> stream.</item>
/// </list>
/// Matched events also give the delivery latency from the engine's exact time (FIX times carry
/// only milliseconds, the log has microseconds).
/// </summary>
public static class DeliveryAudit
{
    /// <param name="events">the engine's events since before the clients connected</param>
    /// <param name="fromSequence">the audit starts after this sequence (the measured run's start); earlier events may or may not have reached the clients</param>
    /// <param name="cutoffMicros">engine time up to which events are audited (later ones may still be on their way)</param>
    public static IReadOnlyList<AuditLine> Run(IReadOnlyList<EngineLiquidationEvent> events, long fromSequence, long cutoffMicros,
        IReadOnlyList<Deliveries> traders, IReadOnlyList<Deliveries> subscribers, RunRecorder recorder)
    {
        var lines = new List<AuditLine>();
        foreach (var channel in new[] { Channel.Fix, Channel.WebSocket })
        {
            var clients = traders.Where(t => t.Channel == channel).ToList();
            lines.Add(Audit(channel == Channel.Fix ? "FIX" : "WebSocket", clients, fromSequence, cutoffMicros, d => ExpectedFor(d, events),
                (received, e) => recorder.Figures(channel, recorder.PhaseOf(received.ReceivedTicks)).LiquidationDelivery.Record(received.ReceivedMicros - e.Time)));
        }
        lines.Add(Audit("WebSocket public", subscribers, fromSequence, cutoffMicros,
            _ => events.Where(e => e.Kind == "liquidationFill").Select(e => (Deliveries.PublicFill(e.TradeId ?? 0), e)),
            (received, e) => recorder.PublicLiquidationDelivery[(int)recorder.PhaseOf(received.ReceivedTicks)].Record(received.ReceivedMicros - e.Time)));
        return lines;
    }

    private static IEnumerable<(string Key, EngineLiquidationEvent Event)> ExpectedFor(Deliveries client, IReadOnlyList<EngineLiquidationEvent> events)
    {
        foreach (var e in events)
        {
            if (e.Account == client.Account)
            {
                string? key = e.Kind switch
                {
                    "marginCall" => Deliveries.MarginCall(e.Time),
                    "liquidationStarted" => Deliveries.Started(e.LiquidationId ?? 0),
                    "liquidationEnded" => Deliveries.Ended(e.LiquidationId ?? 0),
                    "liquidationFill" => Deliveries.Fill(e.LiquidationId ?? 0, e.TradeId ?? 0),
                    "adl" => Deliveries.Adl(e.LiquidationId ?? 0, e.Symbol ?? "", e.Role ?? "", e.Side ?? "", e.Price ?? 0, e.Quantity ?? 0),
                    _ => null,
                };
                if (key is not null) yield return (key, e);
            }
            else if (client.Channel == Channel.Fix && e.Kind == "liquidationFill" && e.Counterparty == client.Account && e.Stage is "Backstop" or "Adl")
            {
                yield return (Deliveries.Fill(e.LiquidationId ?? 0, e.TradeId ?? 0), e);
            }
        }
    }

    private static AuditLine Audit(string channel, IReadOnlyList<Deliveries> clients, long fromSequence, long cutoffMicros,
        Func<Deliveries, IEnumerable<(string Key, EngineLiquidationEvent Event)>> expectedFor, Action<Delivery, EngineLiquidationEvent> matched)
    {
        long expectedCount = 0, delivered = 0, lost = 0, duplicated = 0, unexpected = 0;
        int leftOut = 0;
        var examples = new List<string>();
        void Example(string text)
        {
            if (examples.Count < 10) examples.Add(text);
        }
        foreach (var client in clients)
        {
            if (client.Disconnected is not null)
            {
                Example($"{client.Client}: left out, its connection ended during the run ({client.Disconnected})");
                leftOut++;
                continue;
            }
            var due = new Dictionary<string, Queue<EngineLiquidationEvent>>(StringComparer.Ordinal);
            // Before the run's start or after the cut: allowed to arrive, not required to.
            var outside = new HashSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, e) in expectedFor(client))
            {
                if (e.Sequence <= fromSequence || e.Time > cutoffMicros)
                {
                    outside.Add(key);
                    continue;
                }
                expectedCount++;
                if (!due.TryGetValue(key, out var queue)) due[key] = queue = new Queue<EngineLiquidationEvent>();
                queue.Enqueue(e);
            }
            foreach (var received in client.Received.OrderBy(r => r.ReceivedTicks))
            {
                if (due.TryGetValue(received.Key, out var queue) && queue.Count > 0)
                {
                    matched(received, queue.Dequeue());
                    delivered++;
                    seen.Add(received.Key);
                }
                else if (seen.Contains(received.Key))
                {
                    duplicated++;
                    Example($"{client.Client}: {received.Key} received more than once");
                }
                else if (!outside.Contains(received.Key))
                {
                    unexpected++;
                    Example($"{client.Client}: {received.Key} received but not in the engine's log for this account");
                }
            }
            foreach (var (key, queue) in due)
            {
                lost += queue.Count;
                if (queue.Count > 0) Example($"{client.Client}: {key} (sequence {queue.Peek().Sequence}) never arrived");
            }
        }
        return new AuditLine(channel, clients.Count, expectedCount, delivered, lost, duplicated, unexpected, leftOut, examples);
    }
}

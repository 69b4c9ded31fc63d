using System.Collections.Concurrent;
using System.Globalization;

namespace Backpack.Gateway.LoadTests.Measurement;

/// <summary>
/// The margin-call, liquidation and ADL events one client received, each under a key that names
/// the engine event it reports, so that the audit can match them one to one with the engine's log.
/// The same key functions build the keys from the WebSocket messages, the FIX messages and the log.
/// </summary>
public sealed class Deliveries(Channel channel, int account, string client)
{
    private readonly ConcurrentQueue<Delivery> _received = new();

    public Channel Channel { get; } = channel;
    public int Account { get; } = account;
    public string Client { get; } = client;

    /// <summary>Set when the client lost its connection before the end of the run (its events after that cannot be expected).</summary>
    public string? Disconnected { get; set; }

    private Delivery[]? _frozen;

    /// <summary>What was received; after <see cref="Freeze"/>, what had been received by then.</summary>
    public IReadOnlyCollection<Delivery> Received => _frozen ?? (IReadOnlyCollection<Delivery>)_received;

    public void Add(string key, long receivedMicros, long receivedTicks) => _received.Enqueue(new Delivery(key, receivedMicros, receivedTicks));

    /// <summary>A copy of another process's deliveries (its received times are on the same machine's clocks).</summary>
    public static Deliveries From(DeliveriesSnapshot snapshot)
    {
        var copy = new Deliveries((Channel)snapshot.Channel, snapshot.Account, snapshot.Client) { Disconnected = snapshot.Disconnected };
        foreach (var d in snapshot.Received) copy._received.Enqueue(d);
        copy.Freeze();
        return copy;
    }

    public DeliveriesSnapshot Snapshot() => new((int)Channel, Account, Client, Disconnected, [.. Received]);

    /// <summary>Fixes <see cref="Received"/> before the engine's log is read, so that nothing arriving later can lack its log entry.</summary>
    public void Freeze() => _frozen = [.. _received];

    public static string MarginCall(long engineMicros) => "marginCall|" + (engineMicros / 1000).ToString(CultureInfo.InvariantCulture);
    public static string Started(long liquidationId) => "liquidationStarted|" + liquidationId.ToString(CultureInfo.InvariantCulture);
    public static string Ended(long liquidationId) => "liquidationEnded|" + liquidationId.ToString(CultureInfo.InvariantCulture);
    public static string Fill(long liquidationId, long tradeId) => $"liquidationFill|{liquidationId}|{tradeId}";
    public static string PublicFill(long tradeId) => "liquidation|" + tradeId.ToString(CultureInfo.InvariantCulture);

    /// <param name="role"><c>Liquidated</c> or <c>Counterparty</c></param>
    /// <param name="side"><c>Bid</c> or <c>Ask</c>: the side of this account's close</param>
    public static string Adl(long liquidationId, string symbol, string role, string side, decimal price, decimal quantity) =>
        $"adl|{liquidationId}|{symbol}|{role}|{side}|{Number(price)}|{Number(quantity)}";

    public static string Number(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}

public readonly record struct Delivery(string Key, long ReceivedMicros, long ReceivedTicks);

/// <summary>One client's deliveries as plain data.</summary>
public sealed record DeliveriesSnapshot(int Channel, int Account, string Client, string? Disconnected, Delivery[] Received);

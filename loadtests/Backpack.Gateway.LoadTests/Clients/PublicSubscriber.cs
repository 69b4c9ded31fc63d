using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Clients;

/// <summary>
/// A passive WebSocket client on the public streams: mark prices of every market (which keep the
/// run's <see cref="MarketView"/> current), the public liquidation feed, and the depth and trades of
/// one market. It places nothing; it is there to be pushed to, and it checks that every public
/// liquidation event reaches it once. Only the first <see cref="WithMarketStreams"/> subscribers take
/// the mark prices, depth and trades; the others take the liquidation feed alone, so that thousands
/// of subscribers measure the liquidation feed's fan-out, not the load generator parsing mark prices
/// (the WebSocket fan-out benchmark measures the venue's market-data fan-out).
/// </summary>
public sealed class PublicSubscriber(Uri uri, int number, MarketView markets) : IAsyncDisposable
{
    /// <summary>Subscribers 1 to this one also take every mark price and one market's depth and trades (the standard run's 16 all do).</summary>
    public const int WithMarketStreams = 16;

    private WsConnection? _connection;
    private readonly TaskCompletionSource<string?> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Deliveries Deliveries { get; } = new(Channel.WebSocket, 0, $"subscriber-{number:00}");
    /// <summary>Messages from the gateway this subscriber could not read, and the first of them.</summary>
    public (int Count, string? First) Unreadable => (_connection?.HandlerErrors ?? 0, _connection?.FirstHandlerError);

    public async Task ConnectAsync(CancellationToken cancellation)
    {
        _connection = await WsConnection.ConnectAsync(uri, OnMessage, cancellation);
        _ = _connection.Closed.ContinueWith(t => Deliveries.Disconnected ??= t.Result, TaskScheduler.Default);
        var own = markets.Markets[number % markets.Markets.Count].Symbol;
        var streams = number <= WithMarketStreams
            ? markets.Markets.Select(m => "markPrice." + m.Symbol).Append("liquidation").Append("depth." + own).Append("trade." + own).ToList()
            : ["liquidation"];
        await _connection.SubscribeAsync(1, streams, signature: null, cancellation);
        string? refused = await _subscribed.Task.WaitAsync(TradingClient.AnswerTimeout, cancellation);
        if (refused is not null) throw new InvalidOperationException($"{Deliveries.Client}: subscription refused: {refused}");
    }

    private void OnMessage(JsonElement m, long ticks, long micros)
    {
        if (!m.TryGetProperty("stream", out var stream))
        {
            if (m.TryGetProperty("id", out _)) _subscribed.TrySetResult(m.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null);
            return;
        }
        string name = stream.GetString() ?? "";
        var d = m.GetProperty("data");
        if (name == "liquidation")
        {
            Deliveries.Add(Deliveries.PublicFill(d.GetProperty("t").GetInt64()), micros, ticks);
        }
        else if (name.StartsWith("markPrice.", StringComparison.Ordinal) && markets.Find(d.GetProperty("s").GetString() ?? "") is { } market)
        {
            market.OnMark(decimal.Parse(d.GetProperty("p").GetString()!, CultureInfo.InvariantCulture), decimal.Parse(d.GetProperty("i").GetString()!, CultureInfo.InvariantCulture));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}

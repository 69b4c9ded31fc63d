using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Venue;
using Backpack.Gateway.WebSockets;

namespace Backpack.Gateway.LoadTests.Clients;

/// <summary>
/// A retail trader on the WebSocket API (JSON): a signed logon subscribed to the account's order,
/// liquidation and ADL streams, orders by orderExecute with a clientId, cancels by clientId. The API
/// has no replace, so a replace is an orderCancel followed at once by an orderExecute (the cancel
/// counts as a cancel, the new order as the replace).
/// </summary>
public sealed class WsTrader(Uri uri, FleetAccount account, MarketView markets, RunRecorder recorder, int seed)
    : TradingClient(Channel.WebSocket, account, account.Name, markets, recorder, seed)
{
    private static readonly string[] AccountStreams = ["account.orderUpdate", "account.liquidation", "account.adl"];

    private WsConnection? _connection;
    private readonly TaskCompletionSource<string?> _logon = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId = 1;

    public override (int Count, string? First) Unreadable => (_connection?.HandlerErrors ?? 0, _connection?.FirstHandlerError);

    public override async Task ConnectAsync(CancellationToken cancellation)
    {
        _connection = await WsConnection.ConnectAsync(uri, OnMessage, cancellation);
        _ = _connection.Closed.ContinueWith(t => Deliveries.Disconnected ??= t.Result, TaskScheduler.Default);
        string[] signature = SubscribeSignature.Create(Account.PrivateKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await _connection.SubscribeAsync(0, AccountStreams, signature, cancellation);
        string? refused = await _logon.Task.WaitAsync(AnswerTimeout, cancellation);
        if (refused is not null) throw new InvalidOperationException($"{Name}: logon refused: {refused}");
    }

    protected override async ValueTask SendRequestAsync(TradeAction action, long key)
    {
        var connection = _connection ?? throw new InvalidOperationException("not connected");
        var order = action.Order;
        if (action.Kind != RequestKind.New)
        {
            // Cancel (for a replace, under its own id: its answer is the cancel's).
            long cancelKey = action.Kind == RequestKind.Cancel ? key : -Interlocked.Increment(ref _nextId);
            await connection.SendAsync(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("id", cancelKey);
                w.WriteString("method", "orderCancel");
                w.WriteStartObject("params");
                w.WriteString("symbol", order.Market.Symbol);
                w.WriteNumber("clientId", order.Key);
                w.WriteEndObject();
                w.WriteEndObject();
            }, CancellationToken.None);
            if (action.Kind == RequestKind.Cancel) return;
        }
        decimal price = action.Kind == RequestKind.Replace ? action.NewPrice : order.Price;
        await connection.SendAsync(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("id", key);
            w.WriteString("method", "orderExecute");
            w.WriteStartObject("params");
            w.WriteString("symbol", order.Market.Symbol);
            w.WriteString("side", order.Buy ? "Bid" : "Ask");
            w.WriteString("orderType", "Limit");
            w.WriteString("price", Deliveries.Number(price));
            w.WriteString("quantity", Deliveries.Number(order.Quantity));
            if (action.Aggressive) w.WriteString("timeInForce", "IOC");
            w.WriteNumber("clientId", key);
            w.WriteEndObject();
            w.WriteEndObject();
        }, CancellationToken.None);
    }

    private void OnMessage(JsonElement m, long ticks, long micros)
    {
        if (m.TryGetProperty("stream", out var stream))
        {
            OnStream(stream.GetString() ?? "", m.GetProperty("data"), ticks, micros);
            return;
        }
        if (!m.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number) return;
        long id = idElement.GetInt64();
        string? error = m.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() ?? "ERROR" : null;
        if (id == 0)
        {
            _logon.TrySetResult(error);
            return;
        }
        if (id < 0) return; // the cancel half of a replace: the order went, or was already gone
        Answered(id, ticks, error);
    }

    private void OnStream(string stream, JsonElement d, long ticks, long micros)
    {
        string kind = d.GetProperty("e").GetString() ?? "";
        switch (stream)
        {
            case "account.orderUpdate":
                long clientId = d.TryGetProperty("c", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : 0;
                if (kind == "orderFill")
                {
                    var market = Markets.Find(d.GetProperty("s").GetString() ?? "");
                    if (market is not null)
                    {
                        long lots = (long)(decimal.Parse(d.GetProperty("l").GetString()!, CultureInfo.InvariantCulture) / market.StepSize);
                        OnFill(market.Symbol, d.GetProperty("S").GetString() == "Bid" ? lots : -lots, d.GetProperty("E").GetInt64(), micros, ticks);
                    }
                    if (d.GetProperty("X").GetString() == "Filled") Flow.Gone(clientId);
                }
                else if (kind is "orderCancelled" or "orderExpired")
                {
                    Flow.Gone(clientId);
                }
                break;
            case "account.liquidation":
                string? key = kind switch
                {
                    "marginCall" => Deliveries.MarginCall(d.GetProperty("E").GetInt64()),
                    "liquidationStarted" => Deliveries.Started(d.GetProperty("liquidationId").GetInt64()),
                    "liquidationFill" => Deliveries.Fill(d.GetProperty("liquidationId").GetInt64(), d.GetProperty("t").GetInt64()),
                    "liquidationEnded" => Deliveries.Ended(d.GetProperty("liquidationId").GetInt64()),
                    _ => null,
                };
                if (key is not null) Deliveries.Add(key, micros, ticks);
                break;
            case "account.adl":
                Deliveries.Add(Deliveries.Adl(d.GetProperty("liquidationId").GetInt64(), d.GetProperty("s").GetString()!, d.GetProperty("role").GetString()!,
                    d.GetProperty("S").GetString()!, Decimal(d, "p"), Decimal(d, "q")), micros, ticks);
                break;
        }
    }

    private static decimal Decimal(JsonElement d, string name) => decimal.Parse(d.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    public override async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Clients;

/// <summary>
/// What the FIX and WebSocket traders share: the order flow, the requests in flight (by the key the
/// answer will carry) with their planned times, the measurements, and the leveraged set-up. A
/// subclass speaks its channel's protocol and reports answers through <see cref="Answered"/>.
/// </summary>
public abstract class TradingClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly ConcurrentDictionary<string, long> _boughtLots = new(StringComparer.Ordinal);

    protected TradingClient(Channel channel, FleetAccount account, string name, MarketView markets, RunRecorder recorder, int seed)
    {
        Channel = channel;
        Account = account;
        Name = name;
        Markets = markets;
        Recorder = recorder;
        Flow = new OrderFlow(markets, seed);
        Deliveries = new Deliveries(channel, account.Id, name);
    }

    public Channel Channel { get; }
    public FleetAccount Account { get; }
    public string Name { get; }
    public Deliveries Deliveries { get; }
    protected MarketView Markets { get; }
    protected RunRecorder Recorder { get; }
    protected OrderFlow Flow { get; }

    /// <summary>True while the measured run goes on: requests sent then are recorded (the set-up's and the warm-up's are not), and fills received then.</summary>
    public bool Measuring { get; set; }

    public int Outstanding => _pending.Count;

    /// <summary>Messages from the gateway this client could not read, and the first of them.</summary>
    public abstract (int Count, string? First) Unreadable { get; }

    /// <summary>Connects and logs on (and subscribes to the account's streams).</summary>
    public abstract Task ConnectAsync(CancellationToken cancellation);

    /// <summary>Sends the order flow's next request, planned for <paramref name="plannedTicks"/> (open model).</summary>
    public ValueTask SendNextAsync(long plannedTicks) => SendAsync(Flow.Next(), plannedTicks, null);

    /// <summary>Sends the next request and waits for its answer (closed model).</summary>
    public async Task SendNextAndWaitAsync(long plannedTicks)
    {
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync(Flow.Next(), plannedTicks, answered);
        await answered.Task.WaitAsync(AnswerTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async ValueTask SendAsync(TradeAction action, long plannedTicks, TaskCompletionSource? answered)
    {
        long key = action.Kind == RequestKind.New ? action.Order.Key : Flow.NextKey();
        long sentTicks = Stopwatch.GetTimestamp();
        Phase? phase = Measuring ? Recorder.Sent(Channel, action.Kind, plannedTicks, sentTicks) : null;
        _pending[key] = new Pending(action, plannedTicks, answered, phase) { SentTicks = sentTicks };
        try
        {
            await SendRequestAsync(action, key);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            if (_pending.TryRemove(key, out _))
            {
                if (phase is { } ph) Recorder.Failed(Channel, action.Kind, ph, "SEND_FAILED");
                answered?.TrySetResult();
                if (action.Kind != RequestKind.New) Flow.Released(action.Order.Key, gone: false);
            }
        }
    }

    /// <summary>Puts <paramref name="action"/> on the wire; the answer will carry <paramref name="key"/>.</summary>
    protected abstract ValueTask SendRequestAsync(TradeAction action, long key);

    /// <summary>The answer to the request with <paramref name="key"/>: acknowledged when <paramref name="reason"/> is null.</summary>
    protected void Answered(long key, long receivedTicks, string? reason)
    {
        if (!_pending.TryRemove(key, out var p)) return;
        if (p.Phase is { } phase) Recorder.Answered(Channel, p.Action.Kind, phase, p.PlannedTicks, p.SentTicks, receivedTicks, reason);
        if (reason is not null) p.OnRefused?.Invoke(reason);
        var order = p.Action.Order;
        switch (p.Action.Kind)
        {
            case RequestKind.New:
                if (reason is null && !p.Action.Aggressive) Flow.Rests(order);
                break;
            case RequestKind.Replace:
                if (reason is null) Flow.Replaced(order, key, p.Action.NewPrice);
                else Flow.Released(order.Key, gone: reason.Contains("NOT_FOUND", StringComparison.Ordinal) || reason.Contains("TOO_LATE", StringComparison.Ordinal));
                break;
            case RequestKind.Cancel:
                if (reason is null) Flow.Gone(order.Key);
                else Flow.Released(order.Key, gone: true);
                break;
        }
        p.Answered?.TrySetResult();
    }

    /// <summary>A fill of one of this account's orders: <paramref name="engineMicros"/> is the engine time it carries; <paramref name="boughtLots"/> the quantity bought (negative: sold) in the market's steps.</summary>
    protected void OnFill(string symbol, long boughtLots, long engineMicros, long receivedMicros, long receivedTicks)
    {
        _boughtLots.AddOrUpdate(symbol, boughtLots, (_, n) => n + boughtLots);
        if (Measuring) Recorder.Fill(Channel, engineMicros, receivedMicros, receivedTicks);
    }

    /// <summary>Counts the requests still unanswered as failed ("NO_ANSWER") and forgets them.</summary>
    public int FailUnanswered()
    {
        int n = 0;
        foreach (var key in _pending.Keys)
        {
            if (!_pending.TryRemove(key, out var p)) continue;
            if (p.Phase is { } phase) Recorder.Failed(Channel, p.Action.Kind, phase, "NO_ANSWER");
            p.Answered?.TrySetResult();
            n++;
        }
        return n;
    }

    /// <summary>
    /// The leveraged set-up: buys <paramref name="notional"/> USDC of <paramref name="market"/> in
    /// IOC slices just above the mark until it is reached, the margin is used up, or
    /// <paramref name="deadline"/>. Returns the quantity bought.
    /// </summary>
    public async Task<decimal> BuildLongAsync(MarketInfo market, decimal notional, TimeSpan deadline, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        decimal slice = Math.Min(notional / 4, 15_000m);
        long Bought() => _boughtLots.GetValueOrDefault(market.Symbol);
        long startLots = Bought();
        string? lastRefusal = null;
        while (clock.Elapsed < deadline && !cancellation.IsCancellationRequested)
        {
            decimal bought = (Bought() - startLots) * market.StepSize;
            if (bought * market.Mark >= notional * 0.95m) break;
            decimal price = market.RoundPrice(market.Mark * 1.004m);
            decimal quantity = market.RoundQuantity(Math.Min(slice, notional - bought * market.Mark) / price);
            var order = new WorkingOrder(market, true, price, quantity, Flow.NextKey());
            var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var action = new TradeAction(RequestKind.New, order, Aggressive: true, price);
            _pending[order.Key] = new Pending(action, Stopwatch.GetTimestamp(), answered, Phase: null) { OnRefused = r => lastRefusal = r };
            try
            {
                await SendRequestAsync(action, order.Key);
                await answered.Task.WaitAsync(AnswerTimeout, cancellation);
            }
            catch (Exception e) when (IsConnectionFailure(e) || e is TimeoutException)
            {
                _pending.TryRemove(order.Key, out _);
                break; // the report shows what it got; a dropped client is named by the audit
            }
            if (lastRefusal is not null && lastRefusal.Contains("MARGIN", StringComparison.OrdinalIgnoreCase)) break;
            await Task.Delay(150, cancellation); // fills follow the acknowledgement; the maker requotes
        }
        return (Bought() - startLots) * market.StepSize;
    }

    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private static bool IsConnectionFailure(Exception e) =>
        e is IOException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or ObjectDisposedException
            or InvalidOperationException or OperationCanceledException;

    public abstract ValueTask DisposeAsync();

    /// <param name="Phase">the phase it was counted in when sent during the measured run (null: not measured)</param>
    protected sealed record Pending(TradeAction Action, long PlannedTicks, TaskCompletionSource? Answered, Phase? Phase)
    {
        public Action<string>? OnRefused { get; init; }

        /// <summary>When it actually went out (the planned time for requests made outside the pacer).</summary>
        public long SentTicks { get; init; } = PlannedTicks;
    }
}

using System.Diagnostics.Metrics;
using Backpack.Gateway.Host.Services;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Host.Metrics;

/// <summary>
/// The venue's instruments on the System.Diagnostics.Metrics meter "Backpack.Gateway", so that
/// /metrics, dotnet-counters and OpenTelemetry read the same figures. Engine figures are counted
/// from the engine's events on the engine thread (plain increments of fields only that thread
/// writes, read by the observable instruments when a reader asks), the command latency is a
/// histogram recorded per command, and the front ends' figures are read from them when observed.
/// </summary>
public sealed class GatewayMetrics : IEventConsumer, IDisposable
{
    public const string MeterName = "Backpack.Gateway";

    /// <summary>Bucket bounds of the engine command latency, in seconds (0.5 us to 10 ms).</summary>
    public static readonly double[] CommandDurationBuckets =
        [0.5e-6, 1e-6, 2e-6, 5e-6, 10e-6, 20e-6, 50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3, 10e-3];

    private readonly Venue _venue;
    private readonly Histogram<double> _commandDuration;
    private readonly KeyValuePair<string, object?>[] _commandTags = new KeyValuePair<string, object?>[256];
    private readonly double[] _usdcPerTickLot;

    // Written by the engine thread only.
    private long _ordersAccepted, _ordersCanceled, _fills, _trades, _marginCalls, _liquidationsStarted, _adlNotices;
    private readonly long[][] _rejects = [new long[256], new long[256], new long[256]];
    private readonly long[] _liquidationFills = new long[4];
    private readonly double[] _liquidationNotional = new double[4];
    private readonly long[] _liquidationsEnded = new long[8];
    private double _insuranceFund;

    private static readonly string[] RejectKinds = ["order", "cancel", "command"];

    public GatewayMetrics(IMeterFactory meters, Venue venue, FixService fix, WebSocketService webSocket)
    {
        _venue = venue;
        Meter = meters.Create(MeterName);
        _usdcPerTickLot = venue.Markets.Select(m => (double)(m.TickSize * m.StepSize)).ToArray();
        for (int t = 0; t < _commandTags.Length; t++)
        {
            if (Enum.IsDefined((MessageType)t)) _commandTags[t] = new("command", ((MessageType)t).ToString());
        }

        Meter.CreateObservableCounter("backpack.engine.commands", () => _venue.Runner.Processed, "{command}", "Commands the engine processed");
        Meter.CreateObservableGauge("backpack.engine.sequence", () => _venue.Engine.LastSequence, "{command}", "Sequence number of the last command processed");
        Meter.CreateObservableGauge("backpack.engine.queue_depth", () => _venue.Runner.QueueDepth, "{command}", "Commands waiting in the engine's inbound ring");
        Meter.CreateObservableGauge("backpack.engine.event_buffers_held", () => _venue.Runner.EventBuffers.Capacity - _venue.Runner.EventBuffers.Free, "{batch}",
            "Event batches released by the engine and not yet read by every consumer (out of Sequencer:EventBuffers)");
        Meter.CreateObservableCounter("backpack.engine.event_buffer_waits", () => _venue.Runner.EventBuffers.Waits, "{wait}",
            "Times the engine waited for a free event buffer (a consumer held them all)");
        _commandDuration = Meter.CreateHistogram("backpack.engine.command.duration", "s", "Engine time to process one command",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommandDurationBuckets });

        Meter.CreateObservableCounter("backpack.orders.accepted", () => Volatile.Read(ref _ordersAccepted), "{order}", "Orders the engine accepted");
        Meter.CreateObservableCounter("backpack.orders.canceled", () => Volatile.Read(ref _ordersCanceled), "{order}", "Orders canceled (by the owner, expiry of IOC/FOK rests, liquidation or self-trade prevention)");
        Meter.CreateObservableCounter("backpack.rejects", Rejects, "{reject}", "Rejected orders, cancels and other commands, by kind and reason");
        Meter.CreateObservableCounter("backpack.fills", () => Volatile.Read(ref _fills), "{fill}", "Order fills (each side of a trade, and off-book backstop and ADL closes)");
        Meter.CreateObservableCounter("backpack.trades", () => Volatile.Read(ref _trades), "{trade}", "Trades on the order books");
        Meter.CreateObservableCounter("backpack.margin_calls", () => Volatile.Read(ref _marginCalls), "{call}", "Margin calls");
        Meter.CreateObservableCounter("backpack.liquidations.started", () => Volatile.Read(ref _liquidationsStarted), "{liquidation}", "Liquidations started");
        Meter.CreateObservableCounter("backpack.liquidations.ended", LiquidationsEnded, "{liquidation}", "Liquidations ended, by outcome");
        Meter.CreateObservableCounter("backpack.liquidation.fills", LiquidationFills, "{fill}", "Forced closes, by stage (Book, Backstop, Adl)");
        Meter.CreateObservableCounter("backpack.liquidation.notional", LiquidationNotional, "USDC", "Notional closed by liquidations, by stage");
        Meter.CreateObservableCounter("backpack.adl.notices", () => Volatile.Read(ref _adlNotices), "{notice}", "ADL notices (one per account side of each ADL close)");
        Meter.CreateObservableGauge("backpack.insurance_fund.balance", () => Volatile.Read(ref _insuranceFund), "USDC", "Insurance fund balance");

        Meter.CreateObservableGauge("backpack.fix.sessions", () => FixSessions(fix), "{session}", "Configured FIX sessions, by state");
        Meter.CreateObservableCounter("backpack.fix.message_log.dropped_lines", () => fix.FrontEnd.MessageLog?.DroppedLines ?? 0, "{line}",
            "FIX message log lines dropped because the log's queue was full (the disk behind the traffic)");
        Meter.CreateObservableGauge("backpack.websocket.connections", () => webSocket.FrontEnd.Gateway.OpenConnections, "{connection}", "Open WebSocket connections");
        Meter.CreateObservableCounter("backpack.websocket.slow_consumer_disconnects", () => webSocket.FrontEnd.Gateway.SlowConsumerDisconnects, "{connection}", "WebSocket connections closed because their outbound queue overflowed");
        Meter.CreateObservableGauge("backpack.websocket.deepest_outbound_queue", () => webSocket.FrontEnd.Gateway.DeepestOutboundQueue, "{message}",
            "The most messages any WebSocket connection has had waiting to be sent at once since the start");
        Meter.CreateObservableGauge("backpack.dispatch.backlog", () => new[]
        {
            new Measurement<long>(fix.FrontEnd.Gateway.Backlog, new KeyValuePair<string, object?>("channel", "fix")),
            new Measurement<long>(webSocket.FrontEnd.Gateway.Backlog, new KeyValuePair<string, object?>("channel", "websocket")),
        }, "{batch}", "Engine event batches waiting for a front end's dispatcher");

        // The process, under the names .NET's own System.Runtime meter uses (our exporter reads only this meter).
        Meter.CreateObservableCounter("process.cpu.time", () => Environment.CpuUsage.TotalTime.TotalSeconds, "s", "CPU time the gateway process used (user and system)");
        Meter.CreateObservableCounter("dotnet.gc.collections", GcCollections, "{collection}", "Garbage collections, by the generation collected (gen2 includes the full ones)");
        Meter.CreateObservableCounter("dotnet.gc.pause.time", () => GC.GetTotalPauseDuration().TotalSeconds, "s", "Time the runtime paused the process for garbage collection");
        Meter.CreateObservableCounter("dotnet.gc.heap.total_allocated", () => GC.GetTotalAllocatedBytes(), "By", "Bytes allocated on the managed heap since the start");

        venue.Runner.OnCommandProcessed = RecordCommand;
        venue.Observers.Add(this);
    }

    public Meter Meter { get; }

    private void RecordCommand(MessageType type, TimeSpan elapsed) => _commandDuration.Record(elapsed.TotalSeconds, _commandTags[(byte)type]);

    /// <summary>Counts one batch of engine events (on the observers' thread, which follows the engine's ring).</summary>
    public void OnEvents(FrameBuffer events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            var frame = events[i];
            if (!ProtocolCodec.TryReadType(frame, out var type, out _)) continue;
            switch (type)
            {
                case MessageType.OrderAccepted: _ordersAccepted++; break;
                case MessageType.OrderCanceled: _ordersCanceled++; break;
                case MessageType.OrderFilled: _fills++; break;
                case MessageType.Trade: _trades++; break;
                case MessageType.MarginCall: _marginCalls++; break;
                case MessageType.LiquidationStarted: _liquidationsStarted++; break;
                case MessageType.AdlNotice: _adlNotices++; break;
                case MessageType.OrderRejected:
                    if (ProtocolCodec.TryDecode(frame, out OrderRejected rejected, out _)) _rejects[0][(byte)rejected.Reason]++;
                    break;
                case MessageType.OrderCancelRejected:
                    if (ProtocolCodec.TryDecode(frame, out OrderCancelRejected cancelRejected, out _)) _rejects[1][(byte)cancelRejected.Reason]++;
                    break;
                case MessageType.CommandRejected:
                    if (ProtocolCodec.TryDecode(frame, out CommandRejected commandRejected, out _)) _rejects[2][(byte)commandRejected.Reason]++;
                    break;
                case MessageType.LiquidationFill:
                    if (ProtocolCodec.TryDecode(frame, out LiquidationFill fill, out _) && (uint)fill.Stage < 4 && (uint)(fill.MarketId - 1) < (uint)_usdcPerTickLot.Length)
                    {
                        _liquidationFills[(int)fill.Stage]++;
                        _liquidationNotional[(int)fill.Stage] += fill.Price * (double)fill.Quantity * _usdcPerTickLot[fill.MarketId - 1];
                    }
                    break;
                case MessageType.LiquidationEnded:
                    if (ProtocolCodec.TryDecode(frame, out LiquidationEnded ended, out _) && (uint)ended.Outcome < 8) _liquidationsEnded[(int)ended.Outcome]++;
                    break;
                case MessageType.InsuranceFundChanged:
                    if (ProtocolCodec.TryDecode(frame, out InsuranceFundChanged fund, out _)) Volatile.Write(ref _insuranceFund, fund.Balance / 1_000_000.0);
                    break;
            }
        }
    }

    /// <summary>Collections of each generation only (GC.CollectionCount counts a gen2 collection in gen0 and gen1 too).</summary>
    private static IEnumerable<Measurement<long>> GcCollections()
    {
        for (int g = 0; g <= GC.MaxGeneration; g++)
        {
            long only = GC.CollectionCount(g) - (g < GC.MaxGeneration ? GC.CollectionCount(g + 1) : 0);
            yield return new Measurement<long>(only, new KeyValuePair<string, object?>("generation", "gen" + g));
        }
    }

    private IEnumerable<Measurement<long>> Rejects()
    {
        for (int kind = 0; kind < _rejects.Length; kind++)
        {
            for (int reason = 0; reason < 256; reason++)
            {
                long count = Volatile.Read(ref _rejects[kind][reason]);
                if (count > 0) yield return new Measurement<long>(count, new("kind", RejectKinds[kind]), new("reason", ((RejectReason)reason).ToString()));
            }
        }
    }

    private IEnumerable<Measurement<long>> LiquidationFills()
    {
        foreach (var stage in Enum.GetValues<LiquidationStage>())
        {
            yield return new Measurement<long>(Volatile.Read(ref _liquidationFills[(int)stage]), new KeyValuePair<string, object?>("stage", stage.ToString()));
        }
    }

    private IEnumerable<Measurement<double>> LiquidationNotional()
    {
        foreach (var stage in Enum.GetValues<LiquidationStage>())
        {
            yield return new Measurement<double>(Volatile.Read(ref _liquidationNotional[(int)stage]), new KeyValuePair<string, object?>("stage", stage.ToString()));
        }
    }

    private IEnumerable<Measurement<long>> LiquidationsEnded()
    {
        foreach (var outcome in Enum.GetValues<LiquidationOutcome>())
        {
            yield return new Measurement<long>(Volatile.Read(ref _liquidationsEnded[(int)outcome]), new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        }
    }

    private static IEnumerable<Measurement<int>> FixSessions(FixService fix)
    {
        int loggedOn = fix.FrontEnd.Sessions.Count(s => s.IsLoggedOn);
        yield return new Measurement<int>(loggedOn, new KeyValuePair<string, object?>("state", "logged_on"));
        yield return new Measurement<int>(fix.FrontEnd.Sessions.Count - loggedOn, new KeyValuePair<string, object?>("state", "logged_off"));
    }

    public void Dispose() => Meter.Dispose();
}

using System.Threading.Channels;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Books;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.WebSockets.Connections;
using Backpack.Gateway.WebSockets.Requests;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// The event side of the WebSocket front end. The engine hands over its event batches (on the
/// engine thread, copied at once); one dispatcher thread then does everything else in engine
/// order: it keeps the depth replicas and the views of logged-on accounts, answers the requests
/// the engine replied to, and turns events into stream messages for the subscribed connections.
/// Subscriptions, connections opening and closing, and logons reach the dispatcher through the
/// same queue, so a depth snapshot or a position snapshot is always consistent with the updates
/// that follow it. The dispatcher never waits for a client: each connection has its own bounded
/// queue and send loop. This file holds construction and what the connections call (any thread);
/// the dispatcher is in WsGateway.Dispatch.cs, subscriptions in WsGateway.Subscriptions.cs, the
/// fan-out in WsGateway.PublicStreams.cs and WsGateway.PrivateStreams.cs, and the answers to
/// requests in WsGateway.Replies.cs.
/// </summary>
public sealed partial class WsGateway : IEventFollower, IAsyncDisposable
{
    private readonly MarketDirectory _markets;
    private readonly StreamEncoder _encoder;
    private readonly WebSocketApiOptions _options;
    private readonly ICommandSubmitter _submitter;
    // Items in _work (the single-reader channel cannot count them).
    private int _backlog;
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    // Owned by the dispatcher thread.
    private readonly MessageWriter _writer = new();
    private readonly Dictionary<int, WsConnection> _connections = [];
    private readonly List<WsConnection>[] _subscribers;
    private readonly byte[][] _streamNames;
    private readonly BookReplica[] _books;
    private readonly long[] _marks;
    private readonly long[] _indexes;
    private readonly FundingEstimate[] _funding;
    private readonly Dictionary<int, AccountView> _views = [];
    private readonly List<LevelChange> _depthChanges = [];
    private long _lastTime;
    private Task? _dispatcher;

    private long _slowConsumers;
    private long _busy;
    private int _open;

    public WsGateway(IReadOnlyList<MarketDefinition> markets, ICommandSubmitter submitter, WebSocketApiOptions options)
    {
        _markets = new MarketDirectory(markets);
        _encoder = new StreamEncoder(_markets);
        _options = options;
        _submitter = submitter;
        _subscribers = new List<WsConnection>[KeyCount];
        _streamNames = new byte[KeyCount][];
        CreateStreams(); // WsGateway.MarketData.cs
        _books = new BookReplica[_markets.Count + 1];
        for (int m = 1; m <= _markets.Count; m++) _books[m] = new BookReplica();
        _marks = new long[_markets.Count + 1];
        _indexes = new long[_markets.Count + 1];
        _funding = new FundingEstimate[_markets.Count + 1];
    }

    public MarketDirectory Markets => _markets;
    public WebSocketApiOptions Options => _options;

    /// <summary>
    /// Gives the depth replica of a market the engine's book as it stands (levels and book sequence
    /// number), for an engine recovered from its journal. Call before <see cref="Start"/>: the
    /// replica then follows the BookDelta events that come after that sequence.
    /// </summary>
    public void SeedBook(int marketId, IEnumerable<(Side Side, long Price, long Quantity)> levels, long bookSequence)
    {
        if (_dispatcher is not null) throw new InvalidOperationException("seed the books before Start");
        _books[marketId].Seed(levels, bookSequence);
    }

    /// <summary>Connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Connections closed because their outbound queue overflowed.</summary>
    public long SlowConsumerDisconnects => Interlocked.Read(ref _slowConsumers);

    /// <summary>The most messages any connection has had waiting to be sent at once, since the start (each is cut off past <see cref="WebSocketApiOptions.MaxQueuedMessages"/>).</summary>
    public int DeepestOutboundQueue => QueueMark.Deepest;

    internal OutboundQueueMark QueueMark { get; } = new();

    /// <summary>Requests refused because the engine's inbound ring was full.</summary>
    public long Busy => Interlocked.Read(ref _busy);

    /// <summary>Event batches and control items waiting for the dispatcher.</summary>
    public int Backlog => Volatile.Read(ref _backlog) + (int)Reader.Backlog;

    /// <summary>Called on the dispatcher thread when an event could not be turned into messages (it is skipped).</summary>
    public Action<Exception>? OnError { get; set; }

    public void Start()
    {
        _dispatcher = EventBatch.StartDispatcher("ws-dispatch", DispatchLoop);
    }

    // ------------------------------------------------------------------ from the connections (any thread)

    internal void Opened(WsConnection connection)
    {
        Interlocked.Increment(ref _open);
        Post(new WorkItem(WorkKind.Open, connection));
    }

    internal void Closed(WsConnection connection)
    {
        Interlocked.Decrement(ref _open);
        Post(new WorkItem(WorkKind.Close, connection));
    }

    internal void Subscribe(WsConnection connection, List<StreamKey> streams, RequestId id) =>
        Post(new WorkItem(WorkKind.Subscribe, connection) { Streams = streams, Id = id });

    internal void Unsubscribe(WsConnection connection, List<StreamKey> streams, RequestId id) =>
        Post(new WorkItem(WorkKind.Unsubscribe, connection) { Streams = streams, Id = id });

    internal void CountSlowConsumer() => Interlocked.Increment(ref _slowConsumers);

    /// <summary>
    /// Hands a command to the engine from a connection's reader (which holds no lock): waits while
    /// the ring is full, as every front end does (CommandWait), then encodes it into its slot; false = busy.
    /// </summary>
    internal bool Submit<T>(in T command) where T : struct, IProtocolMessage<T>
    {
        if (CommandWait.Submit(_submitter, command)) return true;
        Interlocked.Increment(ref _busy);
        return false;
    }

    private void Post(WorkItem item)
    {
        if (!_work.Writer.TryWrite(item)) return; // stopped
        Interlocked.Increment(ref _backlog);
        Reader.Wake();
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        Reader.Stop();
        if (_dispatcher is not null) await _dispatcher.ConfigureAwait(false);
        else Reader.Close();
    }
}

using System.Threading.Channels;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// The order gateway behind the FIX sessions. Inbound: NewOrderSingle, OrderCancelRequest,
/// OrderCancelReplaceRequest, OrderStatusRequest, OrderMassCancelRequest and RequestForPositions
/// become protocol commands, tagged with the session's number so that the replies find their way
/// back. Outbound: the engine's events (handed over on the engine thread, processed on the
/// gateway's own dispatcher thread) become ExecutionReports, OrderCancelRejects,
/// OrderMassCancelReports, RequestForPositionsAcks and PositionReports; forced fills, margin
/// calls, liquidation and ADL notices go to every session of the account, with an unsolicited
/// PositionReport after each forced step (FixGateway.Forced.cs). Stops, stop-loss / take-profit
/// legs and funding payments are in FixGateway.Conditional.cs; security lists and market data
/// (served on the dispatcher from its own book replicas) in FixGateway.MarketData.cs. Sessions that are offline store
/// what they would have sent; the client gets it through sequence recovery on its next logon.
/// This file holds construction, start, logon and the inbound switch; order entry is in
/// FixGateway.OrderEntry.cs, execution reports in FixGateway.ExecutionReports.cs, positions in
/// FixGateway.Positions.cs, the dispatcher in FixGateway.Dispatch.cs, and each session's state in
/// FixSessionState.cs.
/// </summary>
public sealed partial class FixGateway : IFixApplication, IEventFollower, IAsyncDisposable
{
    private readonly MarketDirectory _markets;
    private readonly ICommandSubmitter _submitter;
    private readonly Func<long> _clock;
    private readonly Dictionary<int, FixSessionState> _byNumber = [];
    private readonly Dictionary<FixSession, FixSessionState> _bySession = [];
    private readonly Dictionary<int, List<FixSessionState>> _byAccount = [];
    // Items in _work (the single-reader channel cannot count them).
    private int _backlog;
    // Market data requests from the sessions' threads (FixGateway.MarketData.cs) and catch-up batches; the engine's events come from the ring.
    private readonly Channel<DispatchItem> _work = Channel.CreateUnbounded<DispatchItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly HashSet<FixSessionState> _touched = [];
    private Task? _dispatcher;

    public FixGateway(IReadOnlyList<MarketDefinition> markets, ICommandSubmitter submitter, Func<long> clock)
    {
        _markets = new MarketDirectory(markets);
        _submitter = submitter;
        _clock = clock;
        CreateMarketFeeds(); // FixGateway.MarketData.cs
    }

    public MarketDirectory Markets => _markets;

    /// <summary>Orders and requests refused because the engine's inbound ring was full.</summary>
    public long Busy => Interlocked.Read(ref _busy);

    private long _busy;

    /// <summary>Called on the dispatcher thread when an engine event could not be turned into FIX messages (the event is skipped).</summary>
    public Action<Exception>? OnError { get; set; }

    /// <summary>Event batches and market data requests waiting for the dispatcher.</summary>
    public int Backlog => Volatile.Read(ref _backlog) + (int)Reader.Backlog;

    /// <summary>Where the sequence of the last event batch saved in the stores is kept (set before <see cref="Start"/>).</summary>
    public AppliedSequence? Applied { get; set; }

    /// <summary>
    /// Registers the sessions (created with this gateway as their application) with their order logs,
    /// and starts the dispatcher. After a recovery, <paramref name="openOrders"/> gives each account's
    /// open orders as the engine holds them (read before the engine thread started): the orders a
    /// session's log names are known again by their ClOrdIDs, so their fills and cancels are reported.
    /// </summary>
    public void Start(IEnumerable<(FixSession Session, FixOrderLog Log)> sessions, Func<int, IReadOnlyList<OrderSnapshot>>? openOrders = null)
    {
        foreach (var (session, log) in sessions)
        {
            var state = new FixSessionState(session, log, _clock());
            if (openOrders is not null) FixSessionState.Restore(state, openOrders);
            if (session.Settings.DropCopy) AddDropCopy(state, openOrders);
            _byNumber.Add(session.Settings.Number, state);
            _bySession.Add(session, state);
            foreach (int account in session.Settings.Accounts)
            {
                if (!_byAccount.TryGetValue(account, out var list)) _byAccount[account] = list = [];
                list.Add(state);
            }
        }
        _dispatcher = EventBatch.StartDispatcher("fix-dispatch", DispatchLoop);
    }

    // ------------------------------------------------------------------ logon

    /// <summary>
    /// The Logon must carry one of the session's API keys in Username(553) and, in RawData(96), the
    /// base64 Ed25519 signature of the pre-hash SendingTime|MsgType|MsgSeqNum|SenderCompID|TargetCompID|Username
    /// (the Logon's own values, joined with SOH), or of Binance's MsgType|SenderCompID|TargetCompID|MsgSeqNum|SendingTime
    /// (<see cref="LogonSignature"/>). docs/fix.md shows an example.
    /// </summary>
    public string? Authenticate(FixSession session, FixMessage logon)
    {
        ReadCancelOnDisconnect(session, logon);
        if (!session.Settings.RequireSignature) return null;
        string? key = logon.GetString(FixTags.Username);
        if (key is null || !session.Settings.ApiKeys.Contains(key, StringComparer.Ordinal)) return "Unknown API key in Username(553)";
        if (!logon.TryGet(FixTags.RawData, out var rawData)) return "Missing signature in RawData(96)";
        return Ed25519.VerifyBase64Signature(key, LogonSignature.PreHash(logon), rawData)
            || Ed25519.VerifyBase64Signature(key, LogonSignature.BinancePreHash(logon), rawData) ? null : "Invalid signature";
    }

    public void OnLogon(FixSession session) => StartCancelOnDisconnect(session); // FixGateway.CancelOnDisconnect.cs

    public void OnLogout(FixSession session)
    {
        EndCancelOnDisconnect(session); // FixGateway.CancelOnDisconnect.cs
        EndMarketData(session); // FixGateway.MarketData.cs
    }

    // ------------------------------------------------------------------ inbound orders

    public void OnMessage(FixSession session, FixMessage m)
    {
        var state = _bySession[session];
        if (RefusedToDropCopy(state, m)) return;
        var type = m.MsgType;
        if (type.Length == 1)
        {
            switch ((char)type[0])
            {
                case 'D': NewOrderSingle(state, m); return;
                case 'F': CancelRequest(state, m); return;
                case 'G': ReplaceRequest(state, m); return;
                case 'H': StatusRequest(state, m); return;
                case 'q': MassCancelRequest(state, m); return;
                case 'x': SecurityListRequest(state, m); return;
                case 'V': MarketDataRequest(state, m); return;
            }
        }
        else if (type.SequenceEqual("AN"u8))
        {
            RequestForPositions(state, m);
            return;
        }
        else if (type.SequenceEqual("AF"u8))
        {
            MassStatusRequest(state, m);
            return;
        }
        else if (type.SequenceEqual("AD"u8))
        {
            TradeCaptureRequest(state, m);
            return;
        }
        m.TryGetInt(FixTags.MsgSeqNum, out int seq);
        session.SendBusinessReject(seq, m, 3, "Unsupported message type");
    }

    /// <summary>
    /// Encodes the command into the engine's ring, once: the caller holds the session lock, so it
    /// never waits here (the connection waited for room before taking the lock, CommandWait);
    /// false = busy, and the caller tells the client.
    /// </summary>
    private bool Submit<T>(in T command) where T : struct, IProtocolMessage<T>
    {
        if (_submitter.TrySubmit(command)) return true;
        Interlocked.Increment(ref _busy);
        return false;
    }

    /// <summary>Before a message is handled, outside the session lock: waits while the engine's ring is full (CommandWait).</summary>
    public void BeforeMessage() => CommandWait.ForRoom(_submitter);

    /// <summary>The order's Account(1), which must be one of the session's; the first account when absent; 0 when not allowed.</summary>
    private static int AccountOf(FixSessionState state, FixMessage m)
    {
        var accounts = state.Session.Settings.Accounts;
        if (!m.TryGet(FixTags.Account, out var text)) return accounts.Count > 0 ? accounts[0] : 0;
        return FixValues.TryParseInt(text, out int account) && accounts.Contains(account) ? account : 0;
    }

    public async ValueTask DisposeAsync()
    {
        StopGraceTimer();
        _work.Writer.TryComplete();
        Reader.Stop();
        if (_dispatcher is not null) await _dispatcher.ConfigureAwait(false);
        else Reader.Close();
    }
}

using System.Text;
using System.Threading.Channels;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
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
/// </summary>
public sealed partial class FixGateway : IFixApplication, IEventConsumer, IAsyncDisposable
{
    private readonly MarketDirectory _markets;
    private readonly ICommandSubmitter _submitter;
    private readonly Func<long> _clock;
    private readonly Dictionary<int, SessionState> _byNumber = [];
    private readonly Dictionary<FixSession, SessionState> _bySession = [];
    private readonly Dictionary<int, List<SessionState>> _byAccount = [];
    // Batches in _events (the single-reader channel cannot count them).
    private int _backlog;
    // Event batches from the engine thread, and market data requests from the sessions' threads (FixGateway.MarketData.cs).
    private readonly Channel<DispatchItem> _events = Channel.CreateUnbounded<DispatchItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly HashSet<SessionState> _touched = [];
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
    public int Backlog => Volatile.Read(ref _backlog);

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
            var state = new SessionState(session, log, _clock());
            if (openOrders is not null) Restore(state, openOrders);
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

    private void NewOrderSingle(SessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        int account = AccountOf(state, m);
        if (state.Orders.IsUsed(clOrdId))
        {
            RejectOrder(state, m, clOrdId, account, new OrderProblem(6, "Duplicate ClOrdID", RejectCodes.Of(RejectReason.DuplicateClientOrderId)));
            return;
        }
        if (account == 0)
        {
            state.Orders.UseClOrdId(clOrdId);
            RejectOrder(state, m, clOrdId, account, new OrderProblem(15, "Unknown account for this session", RejectCodes.Of(RejectReason.UnknownAccount)));
            return;
        }
        if (ConditionalTranslator.IsConditional(m))
        {
            NewConditionalOrder(state, m, clOrdId, account);
            return;
        }
        long clientOrderId = state.NextClientOrderId();
        long requestId = state.NextRequestId();
        var problem = OrderTranslator.TranslateNewOrder(m, _markets, account, clientOrderId, requestId, state.Command, out NewOrder command, out int length);
        if (problem is not null)
        {
            state.Orders.UseClOrdId(clOrdId);
            RejectOrder(state, m, clOrdId, account, problem.Value);
            return;
        }
        Place(state, m, new FixOrder
        {
            ClOrdId = clOrdId,
            ClientOrderId = clientOrderId,
            AccountId = account,
            MarketId = command.MarketId,
            Side = command.Side,
            Type = command.OrderType,
            TimeInForce = command.TimeInForce,
            Price = command.Price,
            Quantity = command.Quantity,
            Leaves = command.Quantity,
        }, length);
    }

    /// <summary>Records a translated order (its command is in the session's buffer) and submits it.</summary>
    private void Place(SessionState state, FixMessage m, FixOrder order, int length)
    {
        state.Orders.Add(order);
        state.OrderLog.New(order.ClientOrderId, order.ClOrdId);
        if (!Submit(state.Command.AsSpan(0, length)))
        {
            order.OrdStatus = '8';
            state.Orders.Finished(order);
            RejectOrder(state, m, order.ClOrdId, order.AccountId, new OrderProblem(99, "Gateway busy, try again", "BUSY"));
        }
    }

    private void CancelRequest(SessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        string origClOrdId = m.GetString(FixTags.OrigClOrdID)!;
        var order = state.Orders.ByClOrdId(origClOrdId);
        if (state.Orders.IsUsed(clOrdId))
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '1', 6, "Duplicate ClOrdID", RejectCodes.Of(RejectReason.DuplicateClientOrderId));
            return;
        }
        state.Orders.UseClOrdId(clOrdId);
        if (order is null || order.IsDone)
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '1', order is null ? 1 : 0, order is null ? "Unknown order" : "Order already done", RejectCodes.Of(RejectReason.OrderNotFound));
            return;
        }
        long requestId = state.NextRequestId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.Cancel, ClOrdId = clOrdId, OrigClOrdId = origClOrdId, Order = order });
        int length = ProtocolCodec.Encode(new CancelOrder(new CommandHeader(0, 0, requestId), order.AccountId, order.MarketId,
            order.OrderId, order.OrderId == 0 ? order.ClientOrderId : 0), state.Command);
        if (!Submit(state.Command.AsSpan(0, length)))
        {
            state.Orders.TakePending(requestId);
            SendCancelReject(state, clOrdId, origClOrdId, order, '1', 99, "Gateway busy, try again", "BUSY");
        }
    }

    private void ReplaceRequest(SessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        string origClOrdId = m.GetString(FixTags.OrigClOrdID)!;
        var order = state.Orders.ByClOrdId(origClOrdId);
        if (state.Orders.IsUsed(clOrdId))
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', 6, "Duplicate ClOrdID", RejectCodes.Of(RejectReason.DuplicateClientOrderId));
            return;
        }
        state.Orders.UseClOrdId(clOrdId);
        if (order is null || order.IsDone)
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', order is null ? 1 : 0, order is null ? "Unknown order" : "Order already done", RejectCodes.Of(RejectReason.OrderNotFound));
            return;
        }
        var problem = OrderTranslator.ReadOrder(m, _markets, out int marketId, out var side, out var type, out _, out long price, out long quantity, out _, out _);
        if (problem is null) problem = ReplaceProblem(m, order, marketId, side, type);
        if (problem is not null)
        {
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', 99, problem.Value.Text, problem.Value.Code);
            return;
        }
        long requestId = state.NextRequestId();
        long newClientOrderId = state.NextClientOrderId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.Replace, ClOrdId = clOrdId, OrigClOrdId = origClOrdId, Order = order, NewClientOrderId = newClientOrderId });
        state.OrderLog.Replaced(newClientOrderId, order.ClientOrderId, clOrdId);
        int length = ProtocolCodec.Encode(new ReplaceOrder(new CommandHeader(0, 0, requestId), order.AccountId, order.MarketId, order.OrderId,
            order.OrderId == 0 ? order.ClientOrderId : 0, newClientOrderId, price, quantity), state.Command);
        if (!Submit(state.Command.AsSpan(0, length)))
        {
            state.Orders.TakePending(requestId);
            SendCancelReject(state, clOrdId, origClOrdId, order, '2', 99, "Gateway busy, try again", "BUSY");
        }
    }

    private void StatusRequest(SessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        var order = state.Orders.ByClOrdId(clOrdId);
        var w = state.Session.Begin("8"u8);
        if (order is null)
        {
            w.Field(FixTags.OrderID, "NONE"u8);
            w.Field(FixTags.ClOrdID, clOrdId);
            state.NextExecId().Write(ref w);
            w.Field(FixTags.ExecType, 'I');
            w.Field(FixTags.OrdStatus, '8');
            w.Field(FixTags.OrdRejReason, 5);
            if (m.TryGet(FixTags.Symbol, out var symbol)) w.Field(FixTags.Symbol, symbol);
            if (m.TryGet(FixTags.Side, out var side)) w.Field(FixTags.Side, side);
            w.Field(FixTags.LeavesQty, 0);
            w.Field(FixTags.CumQty, 0);
            w.Field(FixTags.AvgPx, 0);
            w.Field(FixTags.Text, "Unknown order");
        }
        else
        {
            OrderFields(ref w, state, order, state.NextExecId(), 'I');
        }
        w.Timestamp(FixTags.TransactTime, _clock());
        state.Session.Send(ref w);
    }

    private void MassCancelRequest(SessionState state, FixMessage m)
    {
        string clOrdId = m.GetString(FixTags.ClOrdID)!;
        char kind = m.GetChar(FixTags.MassCancelRequestType);
        int account = AccountOf(state, m);
        int marketId = 0;
        if (kind == '1') marketId = m.TryGet(FixTags.Symbol, out var symbol) ? _markets.Find(symbol) : 0;
        string? problem = account == 0 ? "Unknown account for this session"
            : kind is not ('1' or '7') ? "MassCancelRequestType must be 1 (by symbol) or 7 (all orders)"
            : kind == '1' && marketId == 0 ? "Unknown symbol"
            : m.Has(FixTags.Side) ? "Mass cancel by Side is not supported"
            : null;
        if (problem is not null)
        {
            // MassCancelRejectReason: 0 type not supported, 1 invalid or unknown security, 99 other.
            int reason = kind is not ('1' or '7') ? 0 : problem == "Unknown symbol" ? 1 : 99;
            SendMassCancelReport(state, clOrdId, kind, 0, reason, problem);
            return;
        }
        long requestId = state.NextRequestId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.MassCancel, ClOrdId = clOrdId, MassCancelType = kind, AccountId = account });
        int length = ProtocolCodec.Encode(new CancelAll(new CommandHeader(0, 0, requestId), account, marketId), state.Command);
        if (!Submit(state.Command.AsSpan(0, length)))
        {
            state.Orders.TakePending(requestId);
            SendMassCancelReport(state, clOrdId, kind, 0, 99);
        }
    }

    private void RequestForPositions(SessionState state, FixMessage m)
    {
        string posReqId = m.GetString(FixTags.PosReqID)!;
        int account = AccountOf(state, m);
        int marketId = m.TryGet(FixTags.Symbol, out var symbol) ? _markets.Find(symbol) : 0;
        if (account == 0 || m.GetChar(FixTags.PosReqType) != '0' || (m.Has(FixTags.Symbol) && marketId == 0))
        {
            SendPositionsAck(state, posReqId, account, 0, account == 0 ? '3' : '4', '2');
            return;
        }
        long requestId = state.NextRequestId();
        state.Orders.AddPending(requestId, new PendingRequest { Kind = PendingKind.Positions, ClOrdId = posReqId, AccountId = account, Positions = [] });
        int length = ProtocolCodec.Encode(new QueryAccount(new CommandHeader(0, 0, requestId), account, marketId), state.Command);
        if (!Submit(state.Command.AsSpan(0, length)))
        {
            state.Orders.TakePending(requestId);
            SendPositionsAck(state, posReqId, account, 0, '4', '2');
        }
    }

    private bool Submit(ReadOnlySpan<byte> command)
    {
        // Back-pressure: give the engine a moment before refusing.
        for (int attempt = 0; attempt < 100; attempt++)
        {
            if (_submitter.TrySubmit(command)) return true;
            Thread.SpinWait(50);
        }
        Interlocked.Increment(ref _busy);
        return false;
    }

    /// <summary>The order's Account(1), which must be one of the session's; the first account when absent; 0 when not allowed.</summary>
    private static int AccountOf(SessionState state, FixMessage m)
    {
        var accounts = state.Session.Settings.Accounts;
        if (!m.TryGet(FixTags.Account, out var text)) return accounts.Count > 0 ? accounts[0] : 0;
        return FixValues.TryParseInt(text, out int account) && accounts.Contains(account) ? account : 0;
    }

    private void RejectOrder(SessionState state, FixMessage m, string clOrdId, int account, OrderProblem problem)
    {
        var w = state.Session.Begin("8"u8);
        w.Field(FixTags.OrderID, "NONE"u8);
        w.Field(FixTags.ClOrdID, clOrdId);
        state.NextExecId().Write(ref w);
        w.Field(FixTags.ExecType, '8');
        w.Field(FixTags.OrdStatus, '8');
        if (account != 0) w.Field(FixTags.Account, account);
        if (m.TryGet(FixTags.Symbol, out var symbol)) w.Field(FixTags.Symbol, symbol);
        if (m.TryGet(FixTags.Side, out var side)) w.Field(FixTags.Side, side);
        if (m.TryGet(FixTags.OrderQty, out var qty)) w.Field(FixTags.OrderQty, qty);
        w.Field(FixTags.LeavesQty, 0);
        w.Field(FixTags.CumQty, 0);
        w.Field(FixTags.AvgPx, 0);
        w.Field(FixTags.OrdRejReason, problem.OrdRejReason);
        w.Field(FixTags.Text, problem.Text);
        w.Field(FixTags.RejectCode, problem.Code);
        w.Timestamp(FixTags.TransactTime, _clock());
        state.Session.Send(ref w);
    }

    // ------------------------------------------------------------------ events from the engine

    /// <summary>Called on the engine thread: copies the batch and returns at once.</summary>
    public void OnEvents(FrameBuffer events)
    {
        if (_events.Writer.TryWrite(new DispatchItem(EventBatch.Copy(events), null))) Interlocked.Increment(ref _backlog);
    }

    private void PostMarketData(MarketDataWork work)
    {
        if (_events.Writer.TryWrite(new DispatchItem(default, work))) Interlocked.Increment(ref _backlog);
    }

    /// <summary>What the dispatcher takes: an event batch, or a market data request or logout (<see cref="Work"/> set).</summary>
    private readonly record struct DispatchItem(EventBatch Batch, MarketDataWork? Work);

    /// <summary>
    /// The dispatcher thread: takes event batches in engine order and turns them into FIX messages
    /// for the sessions concerned, with the market data incrementals of each batch after them; market
    /// data requests come through the same queue, so a snapshot sits between two batches. (It blocks
    /// when idle: spinning here competes with the engine thread on a small machine.)
    /// </summary>
    private void DispatchLoop()
    {
        var reader = _events.Reader;
        long lastSequence;
        while (true)
        {
            if (reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _backlog);
            }
            else
            {
                var wait = reader.WaitToReadAsync();
                bool more = wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
                if (!more) return;
                continue;
            }
            if (item.Work is { } work)
            {
                try
                {
                    ServeMarketData(work);
                }
                catch (Exception e)
                {
                    OnError?.Invoke(e);
                }
                FlushTouched();
                continue;
            }
            {
                var batch = item.Batch;
                try
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        try
                        {
                            Route(batch[i]);
                        }
                        catch (Exception e)
                        {
                            // A bug in one report must not stop the reports of every session.
                            OnError?.Invoke(e);
                        }
                    }
                }
                finally
                {
                    lastSequence = batch.Count > 0 && EventHeader.TryRead(batch[batch.Count - 1], out var header) ? header.Sequence : -1;
                    batch.Return();
                }
                try
                {
                    PublishMarketData();
                }
                catch (Exception e)
                {
                    OnError?.Invoke(e);
                }
                FlushTouched();
                // Every event of the batch is in the stores now.
                if (lastSequence >= 0) Applied?.Record(lastSequence);
            }
        }
    }

    /// <summary>Each session's messages go to its store and then to its socket in one write.</summary>
    private void FlushTouched()
    {
        foreach (var state in _touched)
        {
            lock (state.Session.Lock) state.Session.Flush();
        }
        _touched.Clear();
    }

    private void Route(ReadOnlySpan<byte> frame)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return;
        switch (type)
        {
            case MessageType.OrderAccepted:
            {
                if (!Read(frame, out OrderAccepted e)) break;
                if (Owner(e.ClientOrderId) is { } s) lock (Touch(s)) OnAccepted(s, e);
                break;
            }
            case MessageType.OrderRejected:
            {
                if (!Read(frame, out OrderRejected e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnRejected(s, e);
                break;
            }
            case MessageType.OrderFilled:
            {
                if (!Read(frame, out OrderFilled e)) break;
                RememberFill(e);
                if (e.Origin == OrderOrigin.User)
                {
                    if (OwnerOf(e.AccountId, e.ClientOrderId, e.OrderId) is { } s) lock (Touch(s)) OnFilled(s, e);
                }
                else
                {
                    foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnForcedFill(s, e);
                }
                break;
            }
            case MessageType.OrderCanceled:
            {
                if (!Read(frame, out OrderCanceled e)) break;
                if (OwnerOf(e.AccountId, e.ClientOrderId, e.OrderId) is { } s) lock (Touch(s)) OnCanceled(s, e);
                break;
            }
            case MessageType.OrderReplaced:
            {
                if (!Read(frame, out OrderReplaced e)) break;
                if ((OwnerOf(e.AccountId, e.OriginalClientOrderId, e.OrderId) ?? Owner(e.ClientOrderId)) is { } s) lock (Touch(s)) OnReplaced(s, e);
                break;
            }
            case MessageType.OrderCancelRejected:
            {
                if (!Read(frame, out OrderCancelRejected e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnCancelRejected(s, e);
                break;
            }
            case MessageType.CommandAccepted:
            {
                if (!Read(frame, out CommandAccepted e)) break;
                if (e.CommandType == MessageType.CancelAll && Owner(e.RequestId) is { } s) lock (Touch(s)) OnMassCanceled(s, e.RequestId, e.Count);
                break;
            }
            case MessageType.CommandRejected:
            {
                if (!Read(frame, out CommandRejected e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnCommandRejected(s, e);
                break;
            }
            case MessageType.PositionSnapshot:
            {
                if (!Read(frame, out PositionSnapshot e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) s.Orders.Pending(e.RequestId)?.Positions?.Add(e);
                break;
            }
            case MessageType.OrderSnapshot:
            {
                if (!Read(frame, out OrderSnapshot e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) s.Orders.Pending(e.RequestId)?.MassStatus?.Orders.Add(e);
                break;
            }
            case MessageType.AccountSnapshot:
            {
                if (!Read(frame, out AccountSnapshot e)) break;
                if (Owner(e.RequestId) is { } s) lock (Touch(s)) OnPositions(s, e);
                break;
            }
            case MessageType.PositionChanged:
            {
                if (!Read(frame, out PositionChanged e)) break;
                foreach (var s in SessionsOf(e.AccountId))
                {
                    if (s.ForcedStep(e.AccountId) is { Sequence: var seq, LiquidationId: var id } && seq == e.Header.Sequence) lock (Touch(s)) OnForcedPosition(s, e, id);
                }
                break;
            }
            case MessageType.MarginCall:
            {
                if (!Read(frame, out MarginCall e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnMarginCall(s, e);
                break;
            }
            case MessageType.LiquidationStarted:
            {
                if (!Read(frame, out LiquidationStarted e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnLiquidationStarted(s, e);
                break;
            }
            case MessageType.LiquidationEnded:
            {
                if (!Read(frame, out LiquidationEnded e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnLiquidationEnded(s, e);
                break;
            }
            case MessageType.AdlNotice:
            {
                if (!Read(frame, out AdlNotice e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnAdlNotice(s, e);
                break;
            }
            case MessageType.BookDelta:
            case MessageType.Trade:
                RouteMarketData(type, frame);
                break;
            default:
                RouteConditional(type, frame);
                break;
        }
        if (_dropCopies.Count > 0) RouteDropCopy(type, frame);
    }

    private SessionState? Owner(long taggedId) =>
        taggedId > 0 && RequestTag.FrontEnd(taggedId) == RequestTag.Fix ? _byNumber.GetValueOrDefault(RequestTag.Connection(taggedId)) : null;

    private List<SessionState> SessionsOf(int account) => _byAccount.TryGetValue(account, out var list) ? list : NoSessions;

    private static readonly List<SessionState> NoSessions = [];

    /// <summary>Marks the session for the flush at the end of the batch and returns the lock to hold while writing to it.</summary>
    private object Touch(SessionState state)
    {
        _touched.Add(state);
        return state.Session.Lock;
    }

    /// <summary>Decodes an engine event; one that does not decode is a bug, reported and skipped.</summary>
    private bool Read<T>(ReadOnlySpan<byte> frame, out T e) where T : struct, IProtocolMessage<T>
    {
        if (ProtocolCodec.TryDecode(frame, out e, out var error)) return true;
        OnError?.Invoke(new ProtocolDecodeException(error));
        return false;
    }

    private void OnAccepted(SessionState s, OrderAccepted e)
    {
        var order = s.Orders.ByClientOrderId(e.ClientOrderId);
        if (order is null) return;
        s.Orders.Accepted(order, e.OrderId);
        order.OrdStatus = '0';
        order.Price = e.Price;
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), '0');
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnRejected(SessionState s, OrderRejected e)
    {
        var order = s.Orders.ByClientOrderId(e.ClientOrderId);
        if (order is null) return;
        order.OrdStatus = '8';
        order.Leaves = 0;
        s.Orders.Finished(order);
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), '8');
        w.Field(FixTags.OrdRejReason, OrdRejReasonOf(e.Reason));
        w.Field(FixTags.Text, RejectCodes.Text(e.Reason));
        w.Field(FixTags.RejectCode, RejectCodes.Of(e.Reason));
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnFilled(SessionState s, OrderFilled e)
    {
        var order = Find(s, e.ClientOrderId, e.OrderId);
        if (order is null) return;
        order.CumQty = e.CumulativeQuantity;
        order.CumQuote = e.CumulativeQuote;
        order.Leaves = e.LeavesQuantity;
        order.OrdStatus = e.LeavesQuantity == 0 ? '2' : '1';
        if (order.IsDone) s.Orders.Finished(order);
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, TradeExecId(e.TradeId, e.Side), 'F');
        FillFields(ref w, e);
        s.Session.Send(ref w);
    }

    /// <summary>A fill of a liquidation, backstop or ADL close: to every session of the account.</summary>
    private void OnForcedFill(SessionState s, OrderFilled e)
    {
        ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
        var w = s.Session.Begin("8"u8);
        if (e.OrderId != 0) w.Field(FixTags.OrderID, e.OrderId);
        else w.Field(FixTags.OrderID, "LIQ-" + e.LiquidationId);
        TradeExecId(e.TradeId, e.Side).Write(ref w);
        w.Field(FixTags.ExecType, 'F');
        w.Field(FixTags.OrdStatus, e.LeavesQuantity == 0 ? '2' : '1');
        w.Field(FixTags.Account, e.AccountId);
        w.Field(FixTags.Symbol, _markets.SymbolOf(e.MarketId));
        w.Field(FixTags.Side, e.Side == Side.Buy ? '1' : '2');
        w.Scaled(FixTags.OrderQty, (e.CumulativeQuantity + e.LeavesQuantity) * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.LeavesQty, e.LeavesQuantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.CumQty, e.CumulativeQuantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.AvgPx, market.AveragePrice(e.CumulativeQuote, e.CumulativeQuantity, out int scale), scale);
        FillFields(ref w, e);
        s.Session.Send(ref w);
        s.MarkForcedStep(e.AccountId, e.Header.Sequence, e.LiquidationId);
    }

    private void FillFields(ref FixWriter w, OrderFilled e)
    {
        ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
        w.Scaled(FixTags.LastQty, e.Quantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.LastPx, e.Price * market.TickUnits, market.PriceScale);
        w.Scaled(FixTags.Commission, e.Fee, 6);
        w.Field(FixTags.CommType, '3');
        w.Field(FixTags.LastLiquidityInd, e.Liquidity == Liquidity.Maker ? 1 : 2);
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        w.Field(FixTags.OrderOrigin, (int)e.Origin);
        if (e.LiquidationId != 0)
        {
            w.Field(FixTags.LiquidationID, e.LiquidationId);
            w.Field(FixTags.LiquidationStage, e.Origin switch
            {
                OrderOrigin.BackstopLiquidityProvider => 2,
                OrderOrigin.AdlAutoclose => 3,
                _ => 1,
            });
        }
    }

    private void OnCanceled(SessionState s, OrderCanceled e)
    {
        var order = Find(s, e.ClientOrderId, e.OrderId);
        if (order is null) return;
        // Only a cancel request is answered by this event (a mass cancel waits for its report).
        var pending = e.RequestId != 0 && s.Orders.Pending(e.RequestId) is { Kind: PendingKind.Cancel } ? s.Orders.TakePending(e.RequestId) : null;
        order.Leaves = 0;
        order.OrdStatus = e.Reason == CancelReason.Expired || e.Reason == CancelReason.FillOrKillNotFilled ? 'C' : '4';
        s.Orders.Finished(order);
        var w = s.Session.Begin("8"u8);
        if (pending is { Kind: PendingKind.Cancel })
        {
            // The cancel request's ClOrdID answers it; the order's becomes OrigClOrdID.
            w.Field(FixTags.OrderID, order.OrderId);
            w.Field(FixTags.ClOrdID, pending.ClOrdId);
            w.Field(FixTags.OrigClOrdID, pending.OrigClOrdId ?? order.ClOrdId);
            CommonOrderFields(ref w, order, s.NextExecId(e.Header.Sequence), order.OrdStatus == 'C' ? 'C' : '4');
        }
        else
        {
            OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), order.OrdStatus == 'C' ? 'C' : '4');
        }
        w.Field(FixTags.Text, order.CanceledOnDisconnect && e.Reason == CancelReason.UserCanceled ? "Canceled on disconnect" : CancelTextOf(e.Reason));
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnReplaced(SessionState s, OrderReplaced e)
    {
        var order = Find(s, e.OriginalClientOrderId, e.OrderId) ?? s.Orders.ByClientOrderId(e.ClientOrderId);
        if (order is null) return;
        var pending = e.RequestId != 0 ? s.Orders.TakePending(e.RequestId) : null;
        if (pending is { Kind: PendingKind.Replace }) s.Orders.Renamed(order, pending.ClOrdId, pending.NewClientOrderId);
        order.Price = e.Price;
        order.Quantity = e.Quantity;
        order.Leaves = e.LeavesQuantity;
        order.CumQty = e.CumulativeQuantity;
        order.OrdStatus = e.CumulativeQuantity > 0 ? '1' : '0';
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), e.Reason == ReplaceReason.ReduceOnlyTrim ? 'D' : '5');
        if (e.Reason == ReplaceReason.ReduceOnlyTrim) w.Field(FixTags.Text, "Reduce-only order trimmed to the position");
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnCancelRejected(SessionState s, OrderCancelRejected e)
    {
        var pending = s.Orders.TakePending(e.RequestId);
        if (pending is null) return;
        SendCancelReject(s, pending.ClOrdId, pending.OrigClOrdId ?? "NONE", pending.Order,
            e.ResponseTo == CancelRejectResponseTo.Cancel ? '1' : '2', e.Reason == RejectReason.OrderNotFound ? 1 : 99, RejectCodes.Text(e.Reason), RejectCodes.Of(e.Reason));
    }

    private void OnCommandRejected(SessionState s, CommandRejected e)
    {
        var pending = s.Orders.TakePending(e.RequestId);
        if (pending is null) return;
        if (pending.Kind == PendingKind.MassCancel) SendMassCancelReport(s, pending.ClOrdId, pending.MassCancelType, 0, 99);
        else if (pending.Kind == PendingKind.Positions) SendPositionsAck(s, pending.ClOrdId, pending.AccountId, 0, '4', '2');
        else if (pending.Kind == PendingKind.MassStatus) MassStatusFailed(s, pending.MassStatus!, RejectCodes.Text(e.Reason));
    }

    private void OnMassCanceled(SessionState s, long requestId, long count)
    {
        var pending = s.Orders.TakePending(requestId);
        if (pending is null) return;
        SendMassCancelReport(s, pending.ClOrdId, pending.MassCancelType, count, -1);
    }

    private void OnPositions(SessionState s, AccountSnapshot e)
    {
        var pending = s.Orders.TakePending(e.RequestId);
        if (pending is { Kind: PendingKind.MassStatus })
        {
            OnMassStatusAnswer(s, pending);
            return;
        }
        if (pending?.Positions is null) return;
        var positions = pending.Positions.Where(p => p.Quantity != 0).ToList();
        // PosReqResult 2: no positions found matching the request.
        SendPositionsAck(s, pending.ClOrdId, pending.AccountId, positions.Count, positions.Count == 0 ? '2' : '0', '0');
        int n = 0;
        foreach (var p in positions)
        {
            SendPositionReport(s, pending.ClOrdId + "-" + (++n), pending.ClOrdId, p.AccountId, p.MarketId, p.Quantity, p.EntryNotional,
                p.RealizedPnl, p.MarkPrice, e.Collateral, p.AdlQuintile, 0, e.Header.Time);
        }
    }

    // ------------------------------------------------------------------ message bodies

    /// <summary>OrderID, ClOrdID (and OrigClOrdID) then the common fields of an order's ExecutionReport.</summary>
    private void OrderFields(ref FixWriter w, SessionState s, FixOrder order, ExecId execId, char execType)
    {
        if (order.OrderId != 0) w.Field(FixTags.OrderID, order.OrderId);
        else w.Field(FixTags.OrderID, "NONE"u8);
        w.Field(FixTags.ClOrdID, order.ClOrdId);
        if (order.OrigClOrdId is not null && execType == '5') w.Field(FixTags.OrigClOrdID, order.OrigClOrdId);
        CommonOrderFields(ref w, order, execId, execType);
    }

    private void CommonOrderFields(ref FixWriter w, FixOrder order, ExecId execId, char execType)
    {
        ref readonly MarketUnits market = ref _markets.Units(order.MarketId);
        execId.Write(ref w);
        w.Field(FixTags.ExecType, execType);
        w.Field(FixTags.OrdStatus, order.OrdStatus == 'A' ? '0' : order.OrdStatus);
        w.Field(FixTags.Account, order.AccountId);
        w.Field(FixTags.Symbol, _markets.SymbolOf(order.MarketId));
        w.Field(FixTags.Side, order.Side == Side.Buy ? '1' : '2');
        w.Field(FixTags.OrdType, order.FixOrdType);
        if (order.Type == OrderType.Limit) w.Scaled(FixTags.Price, order.Price * market.TickUnits, market.PriceScale);
        if (order.TriggerPrice != 0) TriggerFields(ref w, order, in market);
        w.Field(FixTags.TimeInForce, order.TimeInForce switch { TimeInForce.Ioc => '3', TimeInForce.Fok => '4', _ => '1' });
        w.Scaled(FixTags.OrderQty, order.Quantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.LeavesQty, order.Leaves * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.CumQty, order.CumQty * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.AvgPx, market.AveragePrice(order.CumQuote, order.CumQty, out int scale), scale);
    }

    /// <summary>Average price (CumulativeQuote / quantity) with 4 more decimals than the tick, rounded half up.</summary>
    private void SendCancelReject(SessionState s, string clOrdId, string origClOrdId, FixOrder? order, char responseTo, int reason, string text, string code)
    {
        var w = s.Session.Begin("9"u8);
        if (order is { OrderId: not 0 }) w.Field(FixTags.OrderID, order.OrderId);
        else w.Field(FixTags.OrderID, "NONE"u8);
        w.Field(FixTags.ClOrdID, clOrdId);
        w.Field(FixTags.OrigClOrdID, origClOrdId);
        w.Field(FixTags.OrdStatus, order is null ? '8' : order.OrdStatus == 'A' ? '0' : order.OrdStatus);
        if (order is not null) w.Field(FixTags.Account, order.AccountId);
        w.Field(FixTags.CxlRejResponseTo, responseTo);
        w.Field(FixTags.CxlRejReason, reason);
        w.Field(FixTags.Text, text);
        w.Field(FixTags.RejectCode, code);
        s.Session.Send(ref w);
    }

    /// <summary>OrderMassCancelReport; <paramref name="rejectReason"/> -1 when accepted.</summary>
    private void SendMassCancelReport(SessionState s, string clOrdId, char kind, long count, int rejectReason, string? text = null)
    {
        var w = s.Session.Begin("r"u8);
        w.Field(FixTags.OrderID, "MC-" + clOrdId);
        w.Field(FixTags.ClOrdID, clOrdId);
        w.Field(FixTags.MassCancelRequestType, kind);
        w.Field(FixTags.MassCancelResponse, rejectReason < 0 ? kind : '0');
        if (rejectReason >= 0) w.Field(FixTags.MassCancelRejectReason, rejectReason);
        w.Field(FixTags.TotalAffectedOrders, count);
        if (text is not null) w.Field(FixTags.Text, text);
        s.Session.Send(ref w);
    }

    private void SendPositionsAck(SessionState s, string posReqId, int account, int reports, char result, char status)
    {
        var w = s.Session.Begin("AO"u8);
        w.Field(FixTags.PosMaintRptID, "ACK-" + posReqId);
        w.Field(FixTags.PosReqID, posReqId);
        w.Field(FixTags.TotalNumPosReports, reports);
        w.Field(FixTags.PosReqResult, result);
        w.Field(FixTags.PosReqStatus, status);
        w.Field(FixTags.Account, account == 0 ? "UNKNOWN" : account.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.Field(FixTags.AccountType, 1);
        s.Session.Send(ref w);
    }

    private void SendPositionReport(SessionState s, string reportId, string? posReqId, int account, int marketId, long quantity, long entryNotional,
        long realizedPnl, long markPrice, long collateral, int quintile, long liquidationId, long time)
    {
        ref readonly MarketUnits market = ref _markets.Units(marketId);
        var w = s.Session.Begin("AP"u8);
        w.Field(FixTags.PosMaintRptID, reportId);
        if (posReqId is not null) w.Field(FixTags.PosReqID, posReqId);
        w.Field(FixTags.PosReqResult, '0');
        w.Date(FixTags.ClearingBusinessDate, time);
        w.Field(FixTags.Account, account);
        w.Field(FixTags.AccountType, 1);
        w.Field(FixTags.Symbol, _markets.SymbolOf(marketId));
        w.Scaled(FixTags.SettlPrice, markPrice * market.TickUnits, market.PriceScale);
        w.Field(FixTags.SettlPriceType, '2');
        w.Scaled(FixTags.PriorSettlPrice, markPrice * market.TickUnits, market.PriceScale);
        w.Field(FixTags.NoPositions, 1);
        w.Field(FixTags.PosType, "TOT"u8);
        w.Scaled(FixTags.LongQty, Math.Max(quantity, 0) * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.ShortQty, Math.Max(-quantity, 0) * market.StepUnits, market.QuantityScale);
        if (liquidationId != 0) w.Field(FixTags.LiquidationID, liquidationId);
        if (quintile > 0) w.Field(FixTags.AdlQuintile, quintile);
        w.Scaled(FixTags.RealizedPnl, realizedPnl, 6);
        long value = markPrice * quantity * market.QuotePerTickLot;
        long signedCost = quantity >= 0 ? entryNotional : -entryNotional;
        w.Scaled(FixTags.UnrealizedPnl, value - signedCost, 6);
        if (quantity != 0) w.Scaled(FixTags.EntryPrice, market.AveragePrice(entryNotional, Math.Abs(quantity), out int scale), scale);
        w.Scaled(FixTags.Collateral, collateral, 6);
        s.Session.Send(ref w);
    }

    /// <summary>A fill's ExecID: T (buy side) or S (sell side) then the trade id, so the two sides of a trade share the number.</summary>
    private static ExecId TradeExecId(long tradeId, Side side) => new(side == Side.Buy ? 'T' : 'S', tradeId, -1, -1);

    /// <summary>An ExecID written straight into the message: E{command sequence}-{session}-{counter}, X{session}-{counter}, or a trade's.</summary>
    private readonly record struct ExecId(char Prefix, long First, long Second, long Third)
    {
        public void Write(ref FixWriter w) => w.Id(FixTags.ExecID, Prefix, First, Second, Third);
    }

    private static int OrdRejReasonOf(RejectReason reason) => reason switch
    {
        RejectReason.UnknownMarket => 1,
        RejectReason.MarketNotReady or RejectReason.MarketPaused => 2,
        RejectReason.InsufficientMargin or RejectReason.TooManyOrders => 3,
        RejectReason.DuplicateClientOrderId => 6,
        RejectReason.InvalidQuantity => 13,
        RejectReason.UnknownAccount => 15,
        RejectReason.InvalidOrder or RejectReason.PostOnlyWouldTake or RejectReason.ReduceOnlyNotReducing => 11,
        _ => 99,
    };

    private static string CancelTextOf(CancelReason reason) => reason switch
    {
        CancelReason.UserCanceled => "Canceled",
        CancelReason.Expired => "Unfilled rest expired",
        CancelReason.FillOrKillNotFilled => "Fill-or-kill could not fill completely",
        CancelReason.SelfTradePrevention => "Canceled by self-trade prevention",
        CancelReason.ReduceOnly => "Reduce-only order can no longer reduce",
        CancelReason.Liquidation => "Canceled by liquidation",
        CancelReason.Oco => "Canceled: the other leg of its stop-loss / take-profit pair fired",
        _ => reason.ToString(),
    };

    public async ValueTask DisposeAsync()
    {
        StopGraceTimer();
        _events.Writer.TryComplete();
        if (_dispatcher is not null) await _dispatcher.ConfigureAwait(false);
    }


    /// <summary>What the gateway keeps per session.</summary>
    private static void Restore(SessionState state, Func<int, IReadOnlyList<OrderSnapshot>> openOrders)
    {
        state.AdvanceOrderCounter(state.OrderLog.MaxClientOrderId);
        foreach (string clOrdId in state.OrderLog.ClOrdIds) state.Orders.UseClOrdId(clOrdId);
        foreach (int account in state.Session.Settings.Accounts)
        {
            foreach (var o in openOrders(account))
            {
                var chain = state.OrderLog.Chain(o.ClientOrderId);
                if (chain.Count == 0) continue; // not this session's
                // Known by its first ClOrdID, then renamed by each replace, as it was before the restart.
                var order = FromSnapshot(o);
                order.ClOrdId = chain[0].ClOrdId;
                order.ClientOrderId = chain[0].ClientOrderId;
                state.Orders.Add(order);
                for (int i = 1; i < chain.Count; i++) state.Orders.Renamed(order, chain[i].ClOrdId, chain[i].ClientOrderId);
                state.Orders.Accepted(order, o.OrderId);
            }
        }
    }

    private sealed class SessionState(FixSession session, FixOrderLog orderLog, long now)
    {
        // Counters start from the clock so ids stay unique across restarts of the gateway: the tagged
        // ids have 40 bits of counter, so they start from the time in milliseconds (2^40 ms is 34
        // years) and stay ahead of an earlier run's ids while a session averages fewer than 1,000
        // ids a millisecond; ExecIDs start from the time in microseconds.
        private long _orderCounter = now / 1000;
        private long _requestCounter = now / 1000;
        private long _execCounter = now;
        private readonly Dictionary<int, (long Sequence, long LiquidationId)> _forcedStep = [];

        public FixSession Session { get; } = session;
        public FixOrders Orders { get; } = new();
        public FixOrderLog OrderLog { get; } = orderLog;

        /// <summary>Where the session's commands are encoded: its messages are handled on its connection's reader thread, under the session's lock.</summary>
        public byte[] Command { get; } = new byte[ProtocolCodec.MaxMessageSize];

        private int Number => Session.Settings.Number;

        public long NextClientOrderId() => RequestTag.Make(RequestTag.Fix, Number, ++_orderCounter);

        /// <summary>Keeps new client order ids above <paramref name="used"/> (an id of this session from an earlier run).</summary>
        public void AdvanceOrderCounter(long used) => _orderCounter = Math.Max(_orderCounter, RequestTag.Counter(used));
        public long NextRequestId() => RequestTag.Make(RequestTag.Fix, Number, ++_requestCounter);
        public ExecId NextExecId() => new('X', Number, ++_execCounter, -1);
        public ExecId NextExecId(long sequence) => new('E', sequence, Number, ++_execCounter);

        /// <summary>The last command in which the account had a forced fill or ADL notice (its position report follows in the same command).</summary>
        public void MarkForcedStep(int account, long sequence, long liquidationId) => _forcedStep[account] = (sequence, liquidationId);
        public (long Sequence, long LiquidationId)? ForcedStep(int account) => _forcedStep.TryGetValue(account, out var step) ? step : null;
    }
}

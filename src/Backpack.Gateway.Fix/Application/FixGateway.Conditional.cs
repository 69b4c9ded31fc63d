using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Orders;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// Conditional orders and funding over FIX (docs/fix.md): stops, stop limits and attached
/// stop-loss / take-profit in (a NewOrderSingle becomes a NewTriggerOrder), their reports out
/// (placed: New with WorkingIndicator N; fired: ExecType L; failed on firing: Rejected), the legs
/// the engine arms reported to the session that placed their parent under a ClOrdID derived from
/// the parent's, and funding payments as U5 messages to every session of the account.
/// </summary>
public sealed partial class FixGateway
{
    private static readonly OrderProblem ReplaceOnlyLimit = new(99, "A replace may change only price and quantity of a limit order", RejectCodes.Of(RejectReason.InvalidOrder));
    private static readonly OrderProblem ReplaceKeepsStopPx = new(99, "A replace cannot change StopPx(99)", RejectCodes.Of(RejectReason.InvalidOrder));

    private void NewConditionalOrder(FixSessionState state, FixMessage m, string clOrdId, int account)
    {
        long clientOrderId = state.NextClientOrderId();
        long requestId = state.NextRequestId();
        var problem = ConditionalTranslator.Translate(m, _markets, account, clientOrderId, requestId, out var command);
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
            Progress = OrderProgress.Pending(command.Quantity),
            TriggerPrice = command.TriggerPrice,
            TriggerBy = command.TriggerBy,
        }, command);
    }

    /// <summary>
    /// What a replace may not do: change Symbol, Side or OrdType, or touch anything but a limit
    /// order (a stop limit once fired). A replace of a stop that has not fired goes to the engine,
    /// which refuses it with TRIGGER_PENDING (it knows whether the stop fired in the meantime).
    /// </summary>
    private OrderProblem? ReplaceProblem(FixMessage m, FixOrder order, int marketId, Side side, OrderType type)
    {
        bool pendingStop = order.TriggerPrice != 0 && !order.Triggered;
        if (marketId != order.MarketId || side != order.Side || m.GetChar(FixTags.OrdType) != order.FixOrdType || (type != OrderType.Limit && !pendingStop))
        {
            return ReplaceOnlyLimit;
        }
        if (m.TryGet(FixTags.StopPx, out var stopPx) && (!_markets.Units(marketId).TryParsePrice(stopPx, out long trigger) || trigger != order.TriggerPrice))
        {
            return ReplaceKeepsStopPx;
        }
        return null;
    }

    // ------------------------------------------------------------------ events

    private void RouteConditional(MessageType type, ReadOnlySpan<byte> frame)
    {
        switch (type)
        {
            case MessageType.TriggerPlaced:
            {
                if (!Read(frame, out TriggerPlaced e)) break;
                // A leg is found by its own order id once reported, at first by its parent's.
                var owner = OwnerOf(e.AccountId, e.ClientOrderId, e.OrderId) ?? (e.ParentOrderId != 0 ? Holding(e.AccountId, e.ParentOrderId) : null);
                if (owner is { } s) lock (Touch(s)) OnTriggerPlaced(s, e);
                break;
            }
            case MessageType.TriggerFired:
            {
                if (!Read(frame, out TriggerFired e)) break;
                if (OwnerOf(e.AccountId, e.ClientOrderId, e.OrderId) is { } s) lock (Touch(s)) OnTriggerFired(s, e);
                break;
            }
            case MessageType.TriggerFailed:
            {
                if (!Read(frame, out TriggerFailed e)) break;
                if (OwnerOf(e.AccountId, e.ClientOrderId, e.OrderId) is { } s) lock (Touch(s)) OnTriggerFailed(s, e);
                break;
            }
            case MessageType.FundingPayment:
            {
                if (!Read(frame, out FundingPayment e)) break;
                foreach (var s in SessionsOf(e.AccountId)) lock (Touch(s)) OnFundingPayment(s, e);
                break;
            }
        }
    }

    /// <summary>
    /// The session of an order event: by the client order id the session tagged; an order the
    /// engine made without one (a stop-loss / take-profit leg) by its order id among the account's sessions.
    /// </summary>
    private FixSessionState? OwnerOf(int account, long clientOrderId, long orderId) => clientOrderId != 0 ? Owner(clientOrderId) : Holding(account, orderId);

    /// <summary>The session of <paramref name="account"/> that knows the engine order <paramref name="orderId"/>.</summary>
    private FixSessionState? Holding(int account, long orderId)
    {
        foreach (var s in SessionsOf(account))
        {
            lock (s.Session.Lock)
            {
                if (s.Orders.ByOrderId(orderId) is not null) return s;
            }
        }
        return null;
    }

    private static FixOrder? Find(FixSessionState s, long clientOrderId, long orderId) =>
        clientOrderId != 0 ? s.Orders.ByClientOrderId(clientOrderId) : s.Orders.ByOrderId(orderId);

    private void OnTriggerPlaced(FixSessionState s, TriggerPlaced e)
    {
        var order = Find(s, e.ClientOrderId, e.OrderId);
        if (e.Kind == TriggerKind.Trigger)
        {
            if (order is null) return;
            s.Orders.Accepted(order, e.OrderId);
            order.Progress.Accept();
            order.Price = e.Price;
            SendOrderReport(s, order, e.Header, '0');
            return;
        }
        if (order is not null)
        {
            // A later fill of the parent enlarged the leg: a restatement.
            order.Progress.Resize(e.Quantity);
            SendOrderReport(s, order, e.Header, 'D', "Leg enlarged to the parent's filled quantity");
            return;
        }
        var parent = s.Orders.ByOrderId(e.ParentOrderId);
        if (parent is null) return;
        var leg = new FixOrder
        {
            ClOrdId = LegClOrdId(s, parent.ClOrdId, e.Kind, e.OrderId),
            ClientOrderId = -e.OrderId, // the engine gave it none
            AccountId = e.AccountId,
            MarketId = e.MarketId,
            Side = e.Side,
            Type = e.OrderType,
            TimeInForce = e.TimeInForce,
            Price = e.Price,
            Progress = OrderProgress.Open(e.Quantity),
            TriggerPrice = e.TriggerPrice,
            TriggerBy = e.TriggerBy,
            Kind = e.Kind,
            ParentOrderId = e.ParentOrderId,
            ParentClOrdId = parent.ClOrdId,
        };
        s.Orders.Add(leg);
        s.Orders.Accepted(leg, e.OrderId);
        SendOrderReport(s, leg, e.Header, '0');
    }

    /// <summary>The parent's ClOrdID and -SL or -TP; with the leg's order id appended if the session has used that ClOrdID already.</summary>
    private static string LegClOrdId(FixSessionState s, string parentClOrdId, TriggerKind kind, long orderId)
    {
        string id = parentClOrdId + (kind == TriggerKind.StopLoss ? "-SL" : "-TP");
        return s.Orders.IsUsed(id) ? id + "-" + orderId.ToString(System.Globalization.CultureInfo.InvariantCulture) : id;
    }

    private void OnTriggerFired(FixSessionState s, TriggerFired e)
    {
        var order = Find(s, e.ClientOrderId, e.OrderId);
        if (order is null) return;
        order.Triggered = true;
        ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(e.Header.Sequence), 'L');
        w.Scaled(FixTags.TriggeredPrice, e.FiredAt * market.TickUnits, market.PriceScale);
        w.Timestamp(FixTags.TransactTime, e.Header.Time);
        s.Session.Send(ref w);
    }

    private void OnTriggerFailed(FixSessionState s, TriggerFailed e)
    {
        var order = Find(s, e.ClientOrderId, e.OrderId);
        if (order is null) return;
        SendRejected(s, order, e.Header, e.Reason);
    }

    private void SendOrderReport(FixSessionState s, FixOrder order, EventHeader header, char execType, string? text = null)
    {
        var w = s.Session.Begin("8"u8);
        OrderFields(ref w, s, order, s.NextExecId(header.Sequence), execType);
        if (text is not null) w.Field(FixTags.Text, text);
        w.Timestamp(FixTags.TransactTime, header.Time);
        s.Session.Send(ref w);
    }

    /// <summary>StopPx, the price source, whether the order works yet, and what kind of conditional order it is (a leg's parent too).</summary>
    private static void TriggerFields(ref FixWriter w, FixOrder order, in MarketUnits market)
    {
        w.Scaled(FixTags.StopPx, order.TriggerPrice * market.TickUnits, market.PriceScale);
        w.Field(FixTags.TriggerPriceSource, (int)order.TriggerBy);
        w.Field(FixTags.WorkingIndicator, order.Triggered);
        w.Field(FixTags.TriggerKind, (int)order.Kind);
        if (order.ParentOrderId == 0) return;
        w.Field(FixTags.ParentOrderID, order.ParentOrderId);
        if (order.ParentClOrdId is not null) w.Field(FixTags.ClOrdLinkID, order.ParentClOrdId);
    }

    /// <summary>U5: one position's funding payment at a funding time (amount signed: positive received, negative paid).</summary>
    private void OnFundingPayment(FixSessionState s, FundingPayment e)
    {
        ref readonly MarketUnits market = ref _markets.Units(e.MarketId);
        var w = s.Session.Begin("U5"u8);
        w.Field(FixTags.Account, e.AccountId);
        w.Field(FixTags.Symbol, _markets.SymbolOf(e.MarketId));
        w.Scaled(FixTags.FundingRate, e.Rate, 9);
        w.Scaled(FixTags.PositionQty, e.Quantity * market.StepUnits, market.QuantityScale);
        w.Scaled(FixTags.MarkPrice, e.MarkPrice * market.TickUnits, market.PriceScale);
        w.Scaled(FixTags.FundingAmount, e.Amount, 6);
        w.Field(FixTags.Currency, "USDC"u8);
        w.Scaled(FixTags.Collateral, e.Collateral, 6);
        w.Timestamp(FixTags.TransactTime, e.IntervalEnd);
        s.Session.Send(ref w);
    }
}

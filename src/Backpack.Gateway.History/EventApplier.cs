using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;

namespace Backpack.Gateway.History;

/// <summary>What each engine event means for the history tables.</summary>
internal sealed class EventApplier(CandleBook candles)
{
    public void Apply(ReadOnlySpan<byte> frame, HistoryWriter w, int position)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return;
        switch (type)
        {
            case MessageType.Trade:
            {
                var e = ProtocolCodec.Decode<Trade>(frame);
                w.Trade(e);
                candles.Add(e.MarketId, CandlePrice.Last, e.Header.Time, e.Price, e.Quantity, e.Price * e.Quantity, w.LoadCandle);
                break;
            }
            case MessageType.MarkPrice:
            {
                var e = ProtocolCodec.Decode<MarkPrice>(frame);
                if (e.Price > 0) candles.Add(e.MarketId, CandlePrice.Mark, e.Header.Time, e.Price, 0, 0, w.LoadCandle);
                if (e.IndexPrice > 0) candles.Add(e.MarketId, CandlePrice.Index, e.Header.Time, e.IndexPrice, 0, 0, w.LoadCandle);
                break;
            }
            case MessageType.OrderAccepted:
            {
                var e = ProtocolCodec.Decode<OrderAccepted>(frame);
                w.OrderPlaced(e.OrderId, e.AccountId, e.MarketId, e.ClientOrderId, e.Side, e.OrderType, e.TimeInForce, e.Price, e.Quantity,
                    e.Flags, e.SelfTradePrevention, e.Origin, 0, TriggerSource.MarkPrice, TriggerKind.Trigger, 0, OrderStatus.New, e.Header.Time);
                break;
            }
            case MessageType.TriggerPlaced:
            {
                var e = ProtocolCodec.Decode<TriggerPlaced>(frame);
                w.OrderPlaced(e.OrderId, e.AccountId, e.MarketId, e.ClientOrderId, e.Side, e.OrderType, e.TimeInForce, e.Price, e.Quantity,
                    e.Flags, e.SelfTradePrevention, OrderOrigin.User, e.TriggerPrice, e.TriggerBy, e.Kind, e.ParentOrderId, OrderStatus.TriggerPending, e.Header.Time);
                break;
            }
            case MessageType.TriggerFired:
            {
                var e = ProtocolCodec.Decode<TriggerFired>(frame);
                w.OrderStatusChanged(e.OrderId, OrderStatus.New, null, e.Header.Time);
                break;
            }
            case MessageType.TriggerFailed:
            {
                var e = ProtocolCodec.Decode<TriggerFailed>(frame);
                w.OrderStatusChanged(e.OrderId, OrderStatus.TriggerFailed, RejectCodes.Of(e.Reason), e.Header.Time);
                break;
            }
            case MessageType.OrderFilled:
            {
                var e = ProtocolCodec.Decode<OrderFilled>(frame);
                w.Fill(e);
                if (e.OrderId != 0) w.OrderFilled(e.OrderId, e.CumulativeQuantity, e.CumulativeQuote, e.LeavesQuantity == 0, e.Header.Time);
                break;
            }
            case MessageType.OrderCanceled:
            {
                var e = ProtocolCodec.Decode<OrderCanceled>(frame);
                string status = e.Reason is CancelReason.Expired or CancelReason.FillOrKillNotFilled ? OrderStatus.Expired : OrderStatus.Cancelled;
                w.OrderStatusChanged(e.OrderId, status, e.Reason.ToString(), e.Header.Time);
                break;
            }
            case MessageType.OrderReplaced:
            {
                var e = ProtocolCodec.Decode<OrderReplaced>(frame);
                w.OrderReplaced(e.OrderId, e.ClientOrderId, e.Price, e.Quantity, e.Header.Time);
                break;
            }
            case MessageType.FundingRate:
            {
                var e = ProtocolCodec.Decode<FundingRate>(frame);
                if (e.Settled) w.FundingRate(e.MarketId, e.IntervalEnd, e.Rate);
                break;
            }
            case MessageType.FundingPayment:
                w.FundingPayment(ProtocolCodec.Decode<FundingPayment>(frame));
                break;
            case MessageType.BalanceChanged:
            {
                var e = ProtocolCodec.Decode<BalanceChanged>(frame);
                w.Transfer(e.Header.Sequence, e.AccountId, e.Reason.ToString(), e.Change, e.Balance, e.Header.Time);
                break;
            }
            case MessageType.MarginCall:
            {
                var e = ProtocolCodec.Decode<MarginCall>(frame);
                w.LiquidationEvent(e.Header, position, "marginCall", e.AccountId, 0, 0, 0, 0, 0, 0, 0, 0, e.MarginRatio);
                break;
            }
            case MessageType.LiquidationStarted:
            {
                var e = ProtocolCodec.Decode<LiquidationStarted>(frame);
                w.LiquidationEvent(e.Header, position, "liquidationStarted", e.AccountId, e.LiquidationId, 0, 0, 0, 0, 0, 0, 0, e.MarginRatio);
                break;
            }
            case MessageType.LiquidationFill:
            {
                var e = ProtocolCodec.Decode<LiquidationFill>(frame);
                w.LiquidationEvent(e.Header, position, "liquidationFill", e.AccountId, e.LiquidationId, e.MarketId, (int)e.Stage, (int)e.Side,
                    e.Price, e.Quantity, e.TradeId, e.CounterpartyAccountId, e.BankruptcyPrice);
                break;
            }
            case MessageType.AdlNotice:
            {
                var e = ProtocolCodec.Decode<AdlNotice>(frame);
                w.LiquidationEvent(e.Header, position, "adl", e.AccountId, e.LiquidationId, e.MarketId, (int)LiquidationStage.Adl, (int)e.Side,
                    e.Price, e.Quantity, 0, e.CounterpartyAccountId, (long)e.Role);
                break;
            }
            case MessageType.LiquidationStep:
                w.LiquidationStep(ProtocolCodec.Decode<LiquidationStep>(frame), position);
                break;
            case MessageType.InsuranceFundChanged:
                w.FundMovement(ProtocolCodec.Decode<InsuranceFundChanged>(frame), position);
                break;
            case MessageType.LiquidationEnded:
            {
                var e = ProtocolCodec.Decode<LiquidationEnded>(frame);
                w.LiquidationEvent(e.Header, position, "liquidationEnded", e.AccountId, e.LiquidationId, 0, 0, 0, 0, 0, 0, 0, (long)e.Outcome);
                break;
            }
        }
    }
}

/// <summary>Order statuses as Backpack spells them.</summary>
public static class OrderStatus
{
    public const string New = "New";
    public const string PartiallyFilled = "PartiallyFilled";
    public const string Filled = "Filled";
    public const string Cancelled = "Cancelled";
    public const string Expired = "Expired";
    public const string TriggerPending = "TriggerPending";
    public const string TriggerFailed = "TriggerFailed";
}

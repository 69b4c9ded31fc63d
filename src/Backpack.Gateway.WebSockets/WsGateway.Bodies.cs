using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Books;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

public sealed partial class WsGateway
{
    // The message bodies: one small ref struct per kind of event, so that the fan-out above is one
    // generic method without closures or boxing.

    private readonly ref struct OrderUpdateBody(StreamEncoder encoder, ReadOnlySpan<byte> eventName, in OrderInfo order, ReadOnlySpan<byte> status, long time) : IBody
    {
        private readonly ReadOnlySpan<byte> _eventName = eventName;
        private readonly ReadOnlySpan<byte> _status = status;
        private readonly OrderInfo _order = order;

        public void Write(MessageWriter w) => encoder.OrderUpdate(w, _eventName, _order, _status, time);
    }

    private readonly ref struct FillBody(StreamEncoder encoder, in OrderInfo order, in OrderFilled fill) : IBody
    {
        private readonly OrderInfo _order = order;
        private readonly OrderFilled _fill = fill;

        public void Write(MessageWriter w) =>
            encoder.OrderUpdate(w, "orderFill"u8, _order, StreamEncoder.StatusOf(_order.Progress.Status), _fill.Header.Time, _fill);
    }

    private readonly ref struct OffBookFillBody(StreamEncoder encoder, in OrderFilled fill) : IBody
    {
        private readonly OrderFilled _fill = fill;

        public void Write(MessageWriter w) => encoder.OffBookFill(w, _fill);
    }

    private readonly ref struct CancelBody(StreamEncoder encoder, in OrderInfo order, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> status, CancelReason reason, long time) : IBody
    {
        private readonly OrderInfo _order = order;
        private readonly ReadOnlySpan<byte> _eventName = eventName;
        private readonly ReadOnlySpan<byte> _status = status;

        public void Write(MessageWriter w) => encoder.OrderUpdate(w, _eventName, _order, _status, time, reason);
    }

    private readonly ref struct PositionBody(StreamEncoder encoder, ReadOnlySpan<byte> eventName, int marketId, in PositionInfo position, long time, AccountView view, long[] marks) : IBody
    {
        private readonly ReadOnlySpan<byte> _eventName = eventName;
        private readonly PositionInfo _position = position;

        public void Write(MessageWriter w) => encoder.Position(w, _eventName, marketId, _position, time, view, marks);
    }

    private readonly ref struct MarkPriceBody(StreamEncoder encoder, in MarkPrice e, in FundingEstimate funding) : IBody
    {
        private readonly MarkPrice _e = e;
        private readonly FundingEstimate _funding = funding;

        public void Write(MessageWriter w) => encoder.MarkPrice(w, _e, _funding);
    }

    private readonly ref struct FailedBody(StreamEncoder encoder, in OrderInfo order, in TriggerFailed e) : IBody
    {
        private readonly OrderInfo _order = order;
        private readonly TriggerFailed _e = e;

        public void Write(MessageWriter w) => encoder.OrderUpdate(w, "triggerFailed"u8, _order, "TriggerFailed"u8, _e.Header.Time, _e.Reason);
    }

    private readonly ref struct FundingPaymentBody(StreamEncoder encoder, in FundingPayment e) : IBody
    {
        private readonly FundingPayment _e = e;

        public void Write(MessageWriter w) => encoder.FundingPayment(w, _e);
    }

    private readonly ref struct TradeBody(StreamEncoder encoder, in Trade e, in TradeOrders orders) : IBody
    {
        private readonly Trade _e = e;
        private readonly TradeOrders _orders = orders;

        public void Write(MessageWriter w) => encoder.Trade(w, _e, _orders);
    }

    private readonly ref struct DepthBody(StreamEncoder encoder, int marketId, List<LevelChange> levels, long first, long last, long time) : IBody
    {
        public void Write(MessageWriter w) => encoder.DepthDelta(w, marketId, levels, first, last, time);
    }

    private readonly ref struct LiquidationBody(StreamEncoder encoder, in LiquidationFill e, bool toAccount) : IBody
    {
        private readonly LiquidationFill _e = e;

        public void Write(MessageWriter w)
        {
            if (toAccount) encoder.LiquidationStep(w, _e);
            else encoder.Liquidation(w, _e);
        }
    }

    private readonly ref struct MarginCallBody(in MarginCall e) : IBody
    {
        private readonly MarginCall _e = e;

        public void Write(MessageWriter w) => StreamEncoder.MarginCall(w, _e);
    }

    private readonly ref struct LiquidationStartedBody(in LiquidationStarted e) : IBody
    {
        private readonly LiquidationStarted _e = e;

        public void Write(MessageWriter w) => StreamEncoder.LiquidationStarted(w, _e);
    }

    private readonly ref struct LiquidationEndedBody(in LiquidationEnded e) : IBody
    {
        private readonly LiquidationEnded _e = e;

        public void Write(MessageWriter w) => StreamEncoder.LiquidationEnded(w, _e);
    }

    private readonly ref struct LiquidationStepBody(StreamEncoder encoder, in LiquidationStep e) : IBody
    {
        private readonly LiquidationStep _e = e;

        public void Write(MessageWriter w) => encoder.LiquidationStep(w, _e);
    }

    private readonly ref struct UnsettledEquityBody(in UnsettledEquityCovered e) : IBody
    {
        private readonly UnsettledEquityCovered _e = e;

        public void Write(MessageWriter w) => StreamEncoder.UnsettledEquityCovered(w, _e);
    }

    private readonly ref struct AdlBody(StreamEncoder encoder, in AdlNotice e) : IBody
    {
        private readonly AdlNotice _e = e;

        public void Write(MessageWriter w) => encoder.Adl(w, _e);
    }

    private readonly ref struct InsuranceFundBody(in InsuranceFundChanged e) : IBody
    {
        private readonly InsuranceFundChanged _e = e;

        public void Write(MessageWriter w) => StreamEncoder.InsuranceFund(w, _e);
    }
}

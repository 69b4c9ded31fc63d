using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol;

/// <summary>
/// Decodes a frame of any message type into a boxed record (for tools, logs and tests: it
/// allocates). Hot paths switch on <see cref="ProtocolCodec.TryReadType"/> and decode the struct.
/// </summary>
public static class MessageDecoder
{
    public static bool TryDecodeAny(ReadOnlySpan<byte> frame, out object? message, out DecodeError error)
    {
        if (!ProtocolCodec.TryReadType(frame, out MessageType type, out error))
        {
            message = null;
            return false;
        }
        message = type switch
        {
            MessageType.NewOrder => Box<Commands.NewOrder>(frame, out error),
            MessageType.CancelOrder => Box<Commands.CancelOrder>(frame, out error),
            MessageType.ReplaceOrder => Box<Commands.ReplaceOrder>(frame, out error),
            MessageType.CancelAll => Box<Commands.CancelAll>(frame, out error),
            MessageType.Deposit => Box<Commands.Deposit>(frame, out error),
            MessageType.Withdraw => Box<Commands.Withdraw>(frame, out error),
            MessageType.SetIndexPrice => Box<Commands.SetIndexPrice>(frame, out error),
            MessageType.Tick => Box<Commands.Tick>(frame, out error),
            MessageType.RegisterBackstopProvider => Box<Commands.RegisterBackstopProvider>(frame, out error),
            MessageType.QueryAccount => Box<Commands.QueryAccount>(frame, out error),
            MessageType.NewTriggerOrder => Box<Commands.NewTriggerOrder>(frame, out error),
            MessageType.OrderAccepted => Box<Events.OrderAccepted>(frame, out error),
            MessageType.OrderRejected => Box<Events.OrderRejected>(frame, out error),
            MessageType.OrderFilled => Box<Events.OrderFilled>(frame, out error),
            MessageType.OrderCanceled => Box<Events.OrderCanceled>(frame, out error),
            MessageType.OrderReplaced => Box<Events.OrderReplaced>(frame, out error),
            MessageType.OrderCancelRejected => Box<Events.OrderCancelRejected>(frame, out error),
            MessageType.PositionChanged => Box<Events.PositionChanged>(frame, out error),
            MessageType.BalanceChanged => Box<Events.BalanceChanged>(frame, out error),
            MessageType.MarkPrice => Box<Events.MarkPrice>(frame, out error),
            MessageType.BookDelta => Box<Events.BookDelta>(frame, out error),
            MessageType.Trade => Box<Events.Trade>(frame, out error),
            MessageType.MarginCall => Box<Events.MarginCall>(frame, out error),
            MessageType.LiquidationStarted => Box<Events.LiquidationStarted>(frame, out error),
            MessageType.LiquidationFill => Box<Events.LiquidationFill>(frame, out error),
            MessageType.AdlNotice => Box<Events.AdlNotice>(frame, out error),
            MessageType.InsuranceFundChanged => Box<Events.InsuranceFundChanged>(frame, out error),
            MessageType.LiquidationEnded => Box<Events.LiquidationEnded>(frame, out error),
            MessageType.CommandAccepted => Box<Events.CommandAccepted>(frame, out error),
            MessageType.CommandRejected => Box<Events.CommandRejected>(frame, out error),
            MessageType.OrderSnapshot => Box<Events.OrderSnapshot>(frame, out error),
            MessageType.PositionSnapshot => Box<Events.PositionSnapshot>(frame, out error),
            MessageType.AccountSnapshot => Box<Events.AccountSnapshot>(frame, out error),
            MessageType.TriggerPlaced => Box<Events.TriggerPlaced>(frame, out error),
            MessageType.TriggerFired => Box<Events.TriggerFired>(frame, out error),
            MessageType.TriggerFailed => Box<Events.TriggerFailed>(frame, out error),
            MessageType.FundingRate => Box<Events.FundingRate>(frame, out error),
            MessageType.FundingPayment => Box<Events.FundingPayment>(frame, out error),
            MessageType.UnsettledEquityCovered => Box<Events.UnsettledEquityCovered>(frame, out error),
            MessageType.LiquidationStep => Box<Events.LiquidationStep>(frame, out error),
            MessageType.AdlQueuePosition => Box<Events.AdlQueuePosition>(frame, out error),
            MessageType.AdlQueueBand => Box<Events.AdlQueueBand>(frame, out error),
            _ => null,
        };
        return message is not null;
    }

    public static object DecodeAny(ReadOnlySpan<byte> frame) =>
        TryDecodeAny(frame, out object? message, out DecodeError error) ? message! : throw new ProtocolDecodeException(error);

    private static object? Box<T>(ReadOnlySpan<byte> frame, out DecodeError error) where T : struct, IProtocolMessage<T> =>
        ProtocolCodec.TryDecode(frame, out T message, out error) ? message : null;
}

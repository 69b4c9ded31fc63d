namespace Backpack.Gateway.Protocol;

/// <summary>Facts about message type ids.</summary>
public static class MessageTypes
{
    /// <summary>Every message type the protocol defines.</summary>
    public static readonly MessageType[] All = [MessageType.NewOrder, MessageType.CancelOrder, MessageType.ReplaceOrder, MessageType.CancelAll, MessageType.Deposit, MessageType.Withdraw, MessageType.SetIndexPrice, MessageType.Tick, MessageType.RegisterBackstopProvider, MessageType.QueryAccount, MessageType.OrderAccepted, MessageType.OrderRejected, MessageType.OrderFilled, MessageType.OrderCanceled, MessageType.OrderReplaced, MessageType.OrderCancelRejected, MessageType.PositionChanged, MessageType.BalanceChanged, MessageType.MarkPrice, MessageType.BookDelta, MessageType.Trade, MessageType.MarginCall, MessageType.LiquidationStarted, MessageType.LiquidationFill, MessageType.AdlNotice, MessageType.InsuranceFundChanged, MessageType.LiquidationEnded, MessageType.CommandAccepted, MessageType.CommandRejected, MessageType.OrderSnapshot, MessageType.PositionSnapshot, MessageType.AccountSnapshot,
        MessageType.NewTriggerOrder, MessageType.TriggerPlaced, MessageType.TriggerFired, MessageType.TriggerFailed, MessageType.FundingRate, MessageType.FundingPayment, MessageType.UnsettledEquityCovered, MessageType.LiquidationStep,
        MessageType.AdlQueuePosition, MessageType.AdlQueueBand];

    private static readonly bool[] Defined = BuildDefined();

    public static bool IsDefined(long id) => (ulong)id < (ulong)Defined.Length && Defined[id];

    /// <summary>Commands flow into the engine (ids 1-63).</summary>
    public static bool IsCommand(MessageType type) => (byte)type is >= 1 and <= 63;

    /// <summary>Events flow out of the engine (ids 64-127).</summary>
    public static bool IsEvent(MessageType type) => (byte)type is >= 64 and <= 127;

    private static bool[] BuildDefined()
    {
        var defined = new bool[256];
        foreach (var type in All)
        {
            defined[(byte)type] = true;
        }
        return defined;
    }
}

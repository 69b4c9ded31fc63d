namespace Backpack.Gateway.Protocol;

/// <summary>
/// The first element of every message array. Commands (into the engine) are 1-63, events (out of
/// the engine) are 64-127. Ids are part of the wire format and the journal: never reuse or renumber.
/// </summary>
public enum MessageType : byte
{
    None = 0,
    NewOrder = 1,
    CancelOrder = 2,
    ReplaceOrder = 3,
    CancelAll = 4,
    Deposit = 5,
    Withdraw = 6,
    SetIndexPrice = 7,
    Tick = 8,
    RegisterBackstopProvider = 9,
    QueryAccount = 10,
    NewTriggerOrder = 11,
    OrderAccepted = 64,
    OrderRejected = 65,
    OrderFilled = 66,
    OrderCanceled = 67,
    OrderReplaced = 68,
    OrderCancelRejected = 69,
    PositionChanged = 70,
    BalanceChanged = 71,
    MarkPrice = 72,
    BookDelta = 73,
    Trade = 74,
    MarginCall = 75,
    LiquidationStarted = 76,
    LiquidationFill = 77,
    AdlNotice = 78,
    InsuranceFundChanged = 79,
    LiquidationEnded = 80,
    CommandAccepted = 81,
    CommandRejected = 82,
    OrderSnapshot = 83,
    PositionSnapshot = 84,
    AccountSnapshot = 85,
    TriggerPlaced = 86,
    TriggerFired = 87,
    TriggerFailed = 88,
    FundingRate = 89,
    FundingPayment = 90,
    UnsettledEquityCovered = 91,
}

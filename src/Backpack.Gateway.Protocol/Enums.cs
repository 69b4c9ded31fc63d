namespace Backpack.Gateway.Protocol;

// Every enum of the protocol travels as a small integer. Decoders reject values outside the
// defined range (see EnumCodec), so an engine never sees an undefined value.

public enum Side : byte
{
    Buy = 0,
    Sell = 1,
}

public enum OrderType : byte
{
    Limit = 0,
    /// <summary>Executes against the book up to the market's price band, then the rest expires.</summary>
    Market = 1,
}

public enum TimeInForce : byte
{
    /// <summary>Good till canceled: the unfilled rest stays on the book.</summary>
    Gtc = 0,
    /// <summary>Immediate or cancel: fills what it can, the rest expires.</summary>
    Ioc = 1,
    /// <summary>Fill or kill: fills completely at once or not at all.</summary>
    Fok = 2,
}

[Flags]
public enum OrderFlags : byte
{
    None = 0,
    /// <summary>Rejected instead of taking liquidity (maker only).</summary>
    PostOnly = 1,
    /// <summary>May only reduce the position; trimmed when the position shrinks.</summary>
    ReduceOnly = 2,
}

/// <summary>Self-trade prevention, chosen by the incoming (taker) order.</summary>
public enum SelfTradePrevention : byte
{
    /// <summary>Cancel the rest of the incoming order (fills before the self-match stand).</summary>
    RejectTaker = 0,
    /// <summary>Cancel the resting order of the same account and keep matching.</summary>
    RejectMaker = 1,
    /// <summary>Cancel both the resting order and the rest of the incoming order.</summary>
    RejectBoth = 2,
}

/// <summary>Who caused an order or fill (Backpack's origin field "O").</summary>
public enum OrderOrigin : byte
{
    User = 0,
    LiquidationAutoclose = 1,
    BackstopLiquidityProvider = 2,
    AdlAutoclose = 3,
}

public enum Liquidity : byte
{
    Maker = 0,
    Taker = 1,
}

/// <summary>Why the engine rejected a command. The names travel upper snake case at the edges.</summary>
public enum RejectReason : byte
{
    None = 0,
    MalformedCommand = 1,
    OutOfSequence = 2,
    UnknownMarket = 3,
    UnknownAccount = 4,
    InvalidOrder = 5,
    InvalidPrice = 6,
    InvalidQuantity = 7,
    PriceOutOfBand = 8,
    InsufficientMargin = 9,
    InsufficientFunds = 10,
    PostOnlyWouldTake = 11,
    ReduceOnlyNotReducing = 12,
    AccountLiquidating = 13,
    OrderNotFound = 14,
    DuplicateClientOrderId = 15,
    MarketNotReady = 16,
    MarketPaused = 17,
    InvalidAmount = 18,
    UnsettledEquity = 19,
    TooManyOrders = 20,
    NothingToChange = 21,
    UnsupportedCommand = 22,
    /// <summary>A trigger price that is not positive, equals the current price, or is on the wrong side for a stop-loss / take-profit.</summary>
    InvalidTriggerPrice = 23,
    /// <summary>A replace of a conditional order that has not fired yet (cancel it and place another).</summary>
    TriggerPending = 24,
}

public enum CancelReason : byte
{
    /// <summary>The account asked (cancel or cancel-all).</summary>
    UserCanceled = 0,
    /// <summary>The unfilled rest of an IOC or market order.</summary>
    Expired = 1,
    /// <summary>A fill-or-kill order that could not fill completely.</summary>
    FillOrKillNotFilled = 2,
    SelfTradePrevention = 3,
    /// <summary>A reduce-only order that can no longer reduce the position.</summary>
    ReduceOnly = 4,
    /// <summary>Canceled because the account entered liquidation.</summary>
    Liquidation = 5,
    /// <summary>The other leg of its stop-loss / take-profit pair fired (one cancels the other).</summary>
    Oco = 6,
}

/// <summary>Why a resting order was modified.</summary>
public enum ReplaceReason : byte
{
    /// <summary>A replace request of the account.</summary>
    User = 0,
    /// <summary>A reduce-only order cut so it cannot flip the position (Backpack's orderModified).</summary>
    ReduceOnlyTrim = 1,
}

/// <summary>What an OrderCancelRejected answers (FIX CxlRejResponseTo).</summary>
public enum CancelRejectResponseTo : byte
{
    Cancel = 0,
    Replace = 1,
}

public enum BalanceChangeReason : byte
{
    Deposit = 0,
    Withdrawal = 1,
    /// <summary>Unsettled (negative) equity written off or settled after a liquidation.</summary>
    Settlement = 2,
}

public enum LiquidationStage : byte
{
    /// <summary>Not a liquidation fill (OrderFilled of a user's order).</summary>
    None = 0,
    /// <summary>Stage 1: reduce-only IOC slices on the order book.</summary>
    Book = 1,
    /// <summary>Stage 2: taken over by a backstop liquidity provider or the insurance fund.</summary>
    Backstop = 2,
    /// <summary>Stage 3: auto-deleveraging against opposite positions.</summary>
    Adl = 3,
}

public enum LiquidationOutcome : byte
{
    /// <summary>Healthy again after its orders were canceled; nothing was closed.</summary>
    Averted = 0,
    /// <summary>Stopped once the maintenance margin ratio fell below the hysteresis level.</summary>
    Partial = 1,
    /// <summary>Every position was closed.</summary>
    Full = 2,
    /// <summary>Closed with equity at or below zero; the loss went to the fund or ADL.</summary>
    Bankrupt = 3,
}

/// <summary>What a liquidation step did (the audit trail's LiquidationStep).</summary>
public enum LiquidationAction : byte
{
    /// <summary>The account reached maintenance: the figures that started the liquidation.</summary>
    Triggered = 0,
    /// <summary>Stage 1: a slice sent to the book inside its protection band.</summary>
    Slice = 1,
    /// <summary>At the auto-close level, the whole position offered to the book down to its bankruptcy price.</summary>
    AutoCloseOffer = 2,
    /// <summary>Stage 2 because the margin fraction fell under the auto-close level.</summary>
    BackstopAtAutoClose = 3,
    /// <summary>Stage 2 because no stage-1 slice filled for the no-fill time.</summary>
    BackstopNoFill = 4,
    /// <summary>Stage 2 because the liquidation was on the book for the longest time allowed.</summary>
    BackstopTimeLimit = 5,
    /// <summary>Stage 2 because equity was at or below zero.</summary>
    BackstopBankrupt = 6,
}

public enum AdlRole : byte
{
    /// <summary>The account whose position was being liquidated.</summary>
    Liquidated = 0,
    /// <summary>The opposite position closed against it.</summary>
    Counterparty = 1,
}

public enum InsuranceFundReason : byte
{
    LiquidationFee = 0,
    LiquidationShortfall = 1,
    BackstopShare = 2,
    TakeoverPnl = 3,
    Injection = 4,
    /// <summary>What funding payers paid beyond what receivers got (rounding in the venue's favour).</summary>
    FundingResidue = 5,
    /// <summary>Funding paid or received on the positions the fund holds.</summary>
    FundingPayment = 6,
}

/// <summary>The price a conditional order watches (Backpack's triggerBy).</summary>
public enum TriggerSource : byte
{
    MarkPrice = 0,
    LastPrice = 1,
    IndexPrice = 2,
}

/// <summary>What a conditional order is.</summary>
public enum TriggerKind : byte
{
    /// <summary>A trigger (stop or take-profit) order the account placed on its own.</summary>
    Trigger = 0,
    /// <summary>The stop-loss leg armed by an order's fills.</summary>
    StopLoss = 1,
    /// <summary>The take-profit leg armed by an order's fills.</summary>
    TakeProfit = 2,
}

/// <summary>
/// Reject reasons as the error codes the front ends show clients: the name in upper snake case
/// (InsufficientMargin -> INSUFFICIENT_MARGIN), as Backpack's API spells its errors. Built once.
/// </summary>
public static class RejectCodes
{
    private static readonly string[] Codes = Build();

    public static string Of(RejectReason reason) => Codes[(byte)reason] ?? ((byte)reason).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The reason in words, for people (FIX Text(58), the WebSocket error message).</summary>
    public static string Text(RejectReason reason) => reason switch
    {
        RejectReason.MalformedCommand => "The command could not be decoded",
        RejectReason.OutOfSequence => "Command out of sequence",
        RejectReason.UnknownMarket => "Unknown market",
        RejectReason.UnknownAccount => "Unknown account",
        RejectReason.InvalidOrder => "Contradictory order options",
        RejectReason.InvalidPrice => "Price must be positive",
        RejectReason.InvalidQuantity => "Invalid quantity",
        RejectReason.PriceOutOfBand => "Price outside the market's price band",
        RejectReason.InsufficientMargin => "Insufficient margin",
        RejectReason.InsufficientFunds => "Insufficient funds free of initial margin",
        RejectReason.PostOnlyWouldTake => "Post-only order would take liquidity",
        RejectReason.ReduceOnlyNotReducing => "Reduce-only order would not reduce the position",
        RejectReason.AccountLiquidating => "Account is being liquidated",
        RejectReason.OrderNotFound => "Unknown order",
        RejectReason.DuplicateClientOrderId => "Client order id already used by an open order",
        RejectReason.MarketNotReady => "Market not open yet",
        RejectReason.MarketPaused => "Market paused",
        RejectReason.InvalidAmount => "Amount must be positive",
        RejectReason.UnsettledEquity => "Withdrawals blocked by unsettled equity",
        RejectReason.TooManyOrders => "Too many open orders",
        RejectReason.NothingToChange => "The replace changes nothing",
        RejectReason.UnsupportedCommand => "Unsupported command",
        RejectReason.InvalidTriggerPrice => "Invalid trigger price (not positive, at the current price, or on the wrong side)",
        RejectReason.TriggerPending => "A conditional order cannot be replaced before it fires",
        _ => Of(reason),
    };

    private static string[] Build()
    {
        var codes = new string[256];
        foreach (var reason in Enum.GetValues<RejectReason>())
        {
            string name = reason.ToString();
            var b = new System.Text.StringBuilder(name.Length + 8);
            for (int i = 0; i < name.Length; i++)
            {
                if (i > 0 && char.IsUpper(name[i])) b.Append('_');
                b.Append(char.ToUpperInvariant(name[i]));
            }
            codes[(byte)reason] = b.ToString();
        }
        return codes;
    }
}

/// <summary>
/// A fixed score band of the public ADL queue (AdlQueueBand), highest scores (deleveraged first)
/// first. The score is PnL% x effective leverage in profit, PnL% / effective leverage at a loss;
/// a band holds the scores from its lower edge up to the next band's (<see cref="Events.AdlBands"/>).
/// </summary>
public enum AdlBand : byte
{
    /// <summary>Score 10 and above.</summary>
    From10 = 0,
    From5 = 1,
    From2 = 2,
    From1 = 3,
    FromHalf = 4,
    /// <summary>0.2 to 0.5.</summary>
    FromFifth = 5,
    /// <summary>0.1 to 0.2.</summary>
    FromTenth = 6,
    /// <summary>0 to 0.1: in profit (or even), barely.</summary>
    FromZero = 7,
    /// <summary>At a loss (below 0).</summary>
    Loss = 8,
}

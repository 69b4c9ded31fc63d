using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Books;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.WebSockets.Requests;

namespace Backpack.Gateway.WebSockets.Streams;

/// <summary>
/// The bodies of every message the WebSocket API sends (docs/websocket.md). Backpack's own streams
/// keep Backpack's short field names (e, E, s, S, o, f, q, p, X, i, c, l, L, z, Z, m, n, N, r, O, T);
/// what Backpack does not have is spelled out (stage, adlQuintile, estLiquidationPrice, ...).
/// Times are microseconds since the Unix epoch; prices, quantities and money are decimal strings.
/// </summary>
internal sealed partial class StreamEncoder(MarketDirectory markets)
{
    public MarketDirectory Markets { get; } = markets;

    // ------------------------------------------------------------------ envelopes

    public static void BeginStream(MessageWriter w, ReadOnlySpan<byte> stream)
    {
        w.BeginObject();
        w.String("stream"u8, stream);
        w.BeginObject("data"u8);
    }

    public static void EndStream(MessageWriter w)
    {
        w.EndObject();
        w.EndObject();
    }

    /// <summary>Starts <c>{"id":..,"result":</c>; the caller writes the result value and calls <see cref="EndResponse"/>.</summary>
    public static void BeginResult(MessageWriter w, in RequestId id)
    {
        w.BeginObject();
        WriteId(w, id);
    }

    public static void EndResponse(MessageWriter w) => w.EndObject();

    /// <summary><c>{"id":..,"result":null}</c></summary>
    public static void Ok(MessageWriter w, in RequestId id)
    {
        BeginResult(w, id);
        w.Null("result"u8);
        EndResponse(w);
    }

    /// <summary><c>{"id":..,"error":{"code":..,"message":..}}</c></summary>
    public static void Error(MessageWriter w, in RequestId id, string code, string message)
    {
        w.BeginObject();
        WriteId(w, id);
        w.BeginObject("error"u8);
        w.String("code"u8, code);
        w.String("message"u8, message);
        w.EndObject();
        w.EndObject();
    }

    /// <summary><c>{"id":..,"error":{"code":4006,"message":..}}</c>: Backpack's form, with a numeric code (errors of SUBSCRIBE and UNSUBSCRIBE).</summary>
    public static void Error(MessageWriter w, in RequestId id, int code, string message)
    {
        w.BeginObject();
        WriteId(w, id);
        w.BeginObject("error"u8);
        w.Number("code"u8, code);
        w.String("message"u8, message);
        w.EndObject();
        w.EndObject();
    }

    private static void WriteId(MessageWriter w, in RequestId id)
    {
        if (id.IsNumber) w.Number("id"u8, id.Number);
        else if (id.Text is not null) w.String("id"u8, id.Text);
        else w.Null("id"u8);
    }

    // ------------------------------------------------------------------ public streams

    public void DepthDelta(MessageWriter w, int marketId, List<LevelChange> levels, long first, long last, long time)
    {
        ref readonly var units = ref Markets.Units(marketId);
        w.String("e"u8, "depth"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        Levels(w, "a"u8, levels, Side.Sell, units);
        Levels(w, "b"u8, levels, Side.Buy, units);
        w.Number("U"u8, first);
        w.Number("u"u8, last);
        w.Number("T"u8, time);
    }

    private static void Levels(MessageWriter w, ReadOnlySpan<byte> name, List<LevelChange> levels, Side side, in MarketUnits units)
    {
        w.BeginArray(name);
        foreach (var level in levels)
        {
            if (level.Side != side) continue;
            Level(w, level.Price, level.Quantity, units);
        }
        w.EndArray();
    }

    private static void Level(MessageWriter w, long price, long quantity, in MarketUnits units)
    {
        w.BeginArray();
        w.Decimal(price * units.TickUnits, units.PriceScale);
        w.Decimal(quantity * units.StepUnits, units.QuantityScale);
        w.EndArray();
    }

    public void DepthSnapshot(MessageWriter w, int marketId, BookReplica book, int maxLevels, long time)
    {
        ref readonly var units = ref Markets.Units(marketId);
        w.String("e"u8, "depthSnapshot"u8);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        w.BeginArray("a"u8);
        foreach (var (price, quantity) in book.Top(Side.Sell, maxLevels)) Level(w, price, quantity, units);
        w.EndArray();
        w.BeginArray("b"u8);
        foreach (var (price, quantity) in book.Top(Side.Buy, maxLevels)) Level(w, price, quantity, units);
        w.EndArray();
        w.Number("u"u8, book.LastSequence);
        w.Number("T"u8, time);
    }

    /// <summary>A trade; <paramref name="orders"/> are the buyer's and the seller's order ids (b, a), left out when unknown.</summary>
    public void Trade(MessageWriter w, in Trade e, in TradeOrders orders)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.String("e"u8, "trade"u8);
        w.Number("E"u8, e.Header.Time);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.Price("p"u8, e.Price, units);
        w.Quantity("q"u8, e.Quantity, units);
        if (orders.TradeId == e.TradeId && orders.Buy != 0 && orders.Sell != 0)
        {
            w.IdString("b"u8, orders.Buy);
            w.IdString("a"u8, orders.Sell);
        }
        w.Number("t"u8, e.TradeId);
        w.Bool("m"u8, e.TakerSide == Side.Sell); // the buyer is the maker
        w.String("O"u8, OriginOf(e.Origin));
        w.Number("T"u8, e.Header.Time);
    }

    /// <summary>The public liquidation event (every stage); the account is not named.</summary>
    public void Liquidation(MessageWriter w, in LiquidationFill e)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.String("e"u8, "liquidation"u8);
        w.Number("E"u8, e.Header.Time);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.String("S"u8, SideOf(e.Side));
        w.Price("p"u8, e.Price, units);
        w.Quantity("q"u8, e.Quantity, units);
        w.Number("t"u8, e.TradeId);
        w.String("stage"u8, StageOf(e.Stage));
        w.Number("T"u8, e.Header.Time);
    }

    public static void InsuranceFund(MessageWriter w, in InsuranceFundChanged e)
    {
        w.String("e"u8, "insuranceFund"u8);
        w.Number("E"u8, e.Header.Time);
        w.Usdc("balance"u8, e.Balance);
        w.Usdc("change"u8, e.Change);
        w.String("reason"u8, e.Reason switch
        {
            InsuranceFundReason.LiquidationFee => "LiquidationFee"u8,
            InsuranceFundReason.LiquidationShortfall => "LiquidationShortfall"u8,
            InsuranceFundReason.BackstopShare => "BackstopShare"u8,
            InsuranceFundReason.TakeoverPnl => "TakeoverPnl"u8,
            InsuranceFundReason.FundingResidue => "FundingResidue"u8,
            InsuranceFundReason.FundingPayment => "FundingPayment"u8,
            _ => "Injection"u8,
        });
        if (e.LiquidationId != 0) w.Number("liquidationId"u8, e.LiquidationId);
        w.Number("T"u8, e.Header.Time);
    }

    // ------------------------------------------------------------------ account.positionUpdate

    /// <summary>
    /// A position event. <paramref name="view"/> supplies the account's other positions and collateral
    /// for the liquidation price estimate; <paramref name="marks"/> the latest mark of every market.
    /// </summary>
    public void Position(MessageWriter w, ReadOnlySpan<byte> eventName, int marketId, in PositionInfo position, long time, AccountView view, long[] marks)
    {
        var market = Markets[marketId];
        ref readonly var units = ref Markets.Units(marketId);
        long mark = marks[marketId] != 0 ? marks[marketId] : position.MarkPrice;
        long quantity = position.Quantity;
        long absolute = Math.Abs(quantity);
        long value = quantity * mark * units.QuotePerTickLot;
        long signedCost = Math.Sign(quantity) * position.EntryNotional;
        w.String("e"u8, eventName);
        w.Number("E"u8, time);
        w.String("s"u8, Markets.SymbolOf(marketId));
        w.Quantity("q"u8, quantity, units);
        if (absolute != 0)
        {
            long entry = units.AveragePrice(position.EntryNotional, absolute, out int scale);
            w.Decimal("B"u8, entry, scale);
            w.Decimal("b"u8, entry, scale);
        }
        w.Price("M"u8, mark, units);
        w.Usdc("n"u8, value);
        w.Usdc("p"u8, position.RealizedPnl);
        w.Usdc("P"u8, absolute == 0 ? 0 : value - signedCost);
        w.Ratio("f"u8, MarginFractions.InitialPpm(market, Math.Abs(value)));
        w.Ratio("m"u8, MarginFractions.MaintenancePpm(market, Math.Abs(value)));
        w.Number("adlQuintile"u8, position.AdlQuintile);
        if (position.Adl.Rank > 0)
        {
            // The place in the ADL queue at the last ranking (every tick; account.adlQueue tells each move).
            w.Number("adlRank"u8, position.Adl.Rank);
            w.Number("adlQueueLength"u8, position.Adl.Length);
            w.Usdc("adlNotionalAhead"u8, position.Adl.Ahead);
        }
        long? liquidation = absolute == 0 ? null : MarginFractions.EstimatedLiquidationPrice(Markets, view, marketId, quantity, position.EntryNotional, mark, marks);
        if (liquidation is { } price) w.Decimal("estLiquidationPrice"u8, price, units.PriceScale);
        // Backpack's keys that CCXT reads: l (liquidation price, "0" when none), Q (exposure: the position's size), i (position id).
        w.Decimal("l"u8, liquidation ?? 0, units.PriceScale);
        w.Quantity("Q"u8, absolute, units);
        w.IdString("i"u8, PositionId(view.AccountId, marketId));
        if (position.LiquidationId != 0) w.Number("liquidationId"u8, position.LiquidationId);
        w.Number("T"u8, time);
    }

    /// <summary>A position object as positionQuery returns it.</summary>
    public void PositionObject(MessageWriter w, int marketId, in PositionInfo position, long time, AccountView view, long[] marks)
    {
        w.BeginObject();
        Position(w, "position"u8, marketId, position, time, view, marks);
        w.EndObject();
    }

    /// <summary>A position's id: one per account and market (account id x 65,536 + market id).</summary>
    public static long PositionId(int accountId, int marketId) => Protocol.Markets.PositionIds.Of(accountId, marketId);

    public static ReadOnlySpan<byte> PositionEventOf(long before, long after) =>
        after == 0 ? "positionClosed"u8 : before == 0 || Math.Sign(before) != Math.Sign(after) ? "positionOpened"u8 : "positionAdjusted"u8;

    // ------------------------------------------------------------------ account.liquidation and account.adl

    public static void MarginCall(MessageWriter w, in MarginCall e)
    {
        w.String("e"u8, "marginCall"u8);
        w.Number("E"u8, e.Header.Time);
        w.Ratio("marginRatio"u8, e.MarginRatio);
        w.Usdc("equity"u8, e.Equity);
        w.Usdc("maintenanceMargin"u8, e.MaintenanceMargin);
        w.Number("T"u8, e.Header.Time);
    }

    public static void LiquidationStarted(MessageWriter w, in LiquidationStarted e)
    {
        w.String("e"u8, "liquidationStarted"u8);
        w.Number("E"u8, e.Header.Time);
        w.Number("liquidationId"u8, e.LiquidationId);
        w.Ratio("marginRatio"u8, e.MarginRatio);
        w.Ratio("marginFraction"u8, e.MarginFraction);
        w.Usdc("equity"u8, e.Equity);
        w.Usdc("maintenanceMargin"u8, e.MaintenanceMargin);
        w.Number("T"u8, e.Header.Time);
    }

    public void LiquidationStep(MessageWriter w, in LiquidationFill e)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.String("e"u8, "liquidationFill"u8);
        w.Number("E"u8, e.Header.Time);
        w.Number("liquidationId"u8, e.LiquidationId);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.String("S"u8, SideOf(e.Side));
        w.String("stage"u8, StageOf(e.Stage));
        w.Price("p"u8, e.Price, units);
        w.Quantity("q"u8, e.Quantity, units);
        w.Number("t"u8, e.TradeId);
        w.Price("bankruptcyPrice"u8, e.BankruptcyPrice, units);
        w.Usdc("fee"u8, e.Fee);
        w.Number("T"u8, e.Header.Time);
    }

    public static void UnsettledEquityCovered(MessageWriter w, in UnsettledEquityCovered e)
    {
        w.String("e"u8, "unsettledEquityCovered"u8);
        w.Number("E"u8, e.Header.Time);
        w.Usdc("covered"u8, e.Covered);
        w.Usdc("remaining"u8, e.Remaining);
        if (e.LiquidationId != 0) w.Number("liquidationId"u8, e.LiquidationId);
        w.Number("T"u8, e.Header.Time);
    }

    public static void LiquidationEnded(MessageWriter w, in LiquidationEnded e)
    {
        w.String("e"u8, "liquidationEnded"u8);
        w.Number("E"u8, e.Header.Time);
        w.Number("liquidationId"u8, e.LiquidationId);
        w.String("outcome"u8, e.Outcome switch
        {
            LiquidationOutcome.Averted => "Averted"u8,
            LiquidationOutcome.Partial => "Partial"u8,
            LiquidationOutcome.Full => "Full"u8,
            _ => "Bankrupt"u8,
        });
        w.Number("T"u8, e.Header.Time);
    }

    public void Adl(MessageWriter w, in AdlNotice e)
    {
        ref readonly var units = ref Markets.Units(e.MarketId);
        w.String("e"u8, "adl"u8);
        w.Number("E"u8, e.Header.Time);
        w.Number("liquidationId"u8, e.LiquidationId);
        w.String("role"u8, e.Role == AdlRole.Liquidated ? "Liquidated"u8 : "Counterparty"u8);
        w.String("s"u8, Markets.SymbolOf(e.MarketId));
        w.String("S"u8, SideOf(e.Side));
        w.Price("p"u8, e.Price, units);
        w.Quantity("q"u8, e.Quantity, units);
        if (e.Rank > 0)
        {
            w.Number("rank"u8, e.Rank);
            w.Ratio("score"u8, e.Score);
        }
        w.Number("T"u8, e.Header.Time);
    }

    /// <summary>A liquidation's step with the figures it was decided on (the audit trail), to the account.</summary>
    public void LiquidationStep(MessageWriter w, in LiquidationStep e)
    {
        w.String("e"u8, "liquidationStep"u8);
        w.Number("E"u8, e.Header.Time);
        w.Number("liquidationId"u8, e.LiquidationId);
        w.String("action"u8, e.Action switch
        {
            LiquidationAction.Triggered => "Triggered"u8,
            LiquidationAction.Slice => "Slice"u8,
            LiquidationAction.AutoCloseOffer => "AutoCloseOffer"u8,
            LiquidationAction.BackstopAtAutoClose => "BackstopAtAutoClose"u8,
            LiquidationAction.BackstopNoFill => "BackstopNoFill"u8,
            LiquidationAction.BackstopTimeLimit => "BackstopTimeLimit"u8,
            _ => "BackstopBankrupt"u8,
        });
        w.Usdc("equity"u8, e.Equity);
        w.Usdc("maintenanceMargin"u8, e.MaintenanceMargin);
        w.Usdc("notional"u8, e.Notional);
        w.Ratio("urgency"u8, e.Urgency);
        if (e.MarketId != 0)
        {
            ref readonly var units = ref Markets.Units(e.MarketId);
            w.String("s"u8, Markets.SymbolOf(e.MarketId));
            w.Price("markPrice"u8, e.MarkPrice, units);
            w.Price("indexPrice"u8, e.IndexPrice, units);
            if (e.BankruptcyPrice > 0) w.Price("bankruptcyPrice"u8, e.BankruptcyPrice, units);
            if (e.Quantity > 0)
            {
                w.Price("limit"u8, e.Limit, units);
                w.Quantity("bandDepth"u8, e.BandDepth, units);
                w.Quantity("q"u8, e.Quantity, units);
            }
        }
        w.Number("T"u8, e.Header.Time);
    }

    // ------------------------------------------------------------------ vocabulary

    public static ReadOnlySpan<byte> SideOf(Side side) => side == Side.Buy ? "Bid"u8 : "Ask"u8;

    public static ReadOnlySpan<byte> TimeInForceOf(TimeInForce tif) => tif switch
    {
        TimeInForce.Ioc => "IOC"u8,
        TimeInForce.Fok => "FOK"u8,
        _ => "GTC"u8,
    };

    public static ReadOnlySpan<byte> OriginOf(OrderOrigin origin) => origin switch
    {
        OrderOrigin.LiquidationAutoclose => "LIQUIDATION_AUTOCLOSE"u8,
        OrderOrigin.BackstopLiquidityProvider => "BACKSTOP_LIQUIDITY_PROVIDER"u8,
        OrderOrigin.AdlAutoclose => "ADL_AUTOCLOSE"u8,
        _ => "USER"u8,
    };

    /// <summary>Backpack's order status for the tracker's (Protocol/Orders/OrderProgress.cs). A cancel's name follows its reason instead (ExpiryReasonOf).</summary>
    public static ReadOnlySpan<byte> StatusOf(Protocol.Orders.OrderStatus status) => status switch
    {
        Protocol.Orders.OrderStatus.PartiallyFilled => "PartiallyFilled"u8,
        Protocol.Orders.OrderStatus.Filled => "Filled"u8,
        Protocol.Orders.OrderStatus.Canceled => "Cancelled"u8,
        Protocol.Orders.OrderStatus.Expired => "Expired"u8,
        Protocol.Orders.OrderStatus.Rejected => "Rejected"u8,
        _ => "New"u8,
    };

    public static ReadOnlySpan<byte> StageOf(LiquidationStage stage) => stage switch
    {
        LiquidationStage.Book => "Book"u8,
        LiquidationStage.Backstop => "Backstop"u8,
        LiquidationStage.Adl => "Adl"u8,
        _ => "None"u8,
    };

    /// <summary>Client ids are a client's own 32-bit numbers; the FIX front end's internal ids are not shown.</summary>
    private static bool IsClientId(long id) => id is > 0 and <= uint.MaxValue;
}

using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// Turns a NewOrderSingle with conditions into a NewTriggerOrder command: OrdType 3 (stop: a
/// market order once it fires) or 4 (stop limit) with StopPx(99) and TriggerPriceSource(5019); and,
/// on any OrdType, an attached stop-loss (5020-5022) and take-profit (5023-5025). Prices are
/// converted exactly to ticks as the other price fields are. Whether a trigger is a stop or a
/// take-profit is the engine's business: it fires the order when its price source reaches the
/// trigger from the side it stood on at placement.
/// </summary>
public static class ConditionalTranslator
{
    private static readonly string InvalidTrigger = RejectCodes.Of(RejectReason.InvalidTriggerPrice);
    private static readonly string InvalidOrder = RejectCodes.Of(RejectReason.InvalidOrder);

    public static readonly OrderProblem BadStopPx = new(99, "StopPx(99) missing or not a multiple of the tick size", InvalidTrigger);
    public static readonly OrderProblem StopPxNeedsStop = new(11, "StopPx(99) is allowed only with OrdType 3 (stop) or 4 (stop limit)", InvalidOrder);
    public static readonly OrderProblem SourceNeedsStop = new(11, "TriggerPriceSource(5019) is allowed only with OrdType 3 (stop) or 4 (stop limit)", InvalidOrder);

    private static readonly Leg StopLoss = new("StopLoss", FixTags.StopLossTriggerPrice, FixTags.StopLossLimitPrice, FixTags.StopLossTriggerSource);
    private static readonly Leg TakeProfit = new("TakeProfit", FixTags.TakeProfitTriggerPrice, FixTags.TakeProfitLimitPrice, FixTags.TakeProfitTriggerSource);
    private static readonly OrderProblem BadSource = SourceProblem("TriggerPriceSource", FixTags.TriggerPriceSource);

    /// <summary>True when the message is a stop (OrdType 3 or 4) or carries StopPx or one of the tags 5019-5025: one pass over its fields.</summary>
    public static bool IsConditional(FixMessage m)
    {
        for (int i = 0; i < m.FieldCount; i++)
        {
            int tag = m.Field(i).Tag;
            if (tag == FixTags.StopPx || (tag >= FixTags.FirstConditional && tag <= FixTags.LastConditional)) return true;
            if (tag == FixTags.OrdType)
            {
                var value = m.Value(i);
                if (value.Length == 1 && value[0] is (byte)'3' or (byte)'4') return true;
            }
        }
        return false;
    }

    /// <summary>Reads a conditional NewOrderSingle into an encoded NewTriggerOrder command, or says what is wrong with it.</summary>
    public static OrderProblem? Translate(FixMessage m, MarketDirectory markets, int accountId, long clientOrderId, long requestId,
        out NewTriggerOrder order)
    {
        order = default;
        var problem = OrderTranslator.ReadOrder(m, markets, out int marketId, out var side, out var type, out var tif, out long price, out long quantity,
            out var flags, out var stp);
        if (problem is not null) return problem;
        ref readonly MarketUnits market = ref markets.Units(marketId);
        long trigger = 0;
        var source = TriggerSource.MarkPrice;
        if (m.GetChar(FixTags.OrdType) is '3' or '4')
        {
            if (!m.TryGet(FixTags.StopPx, out var stopPx) || !market.TryParsePrice(stopPx, out trigger)) return BadStopPx;
            if (!TryReadSource(m, FixTags.TriggerPriceSource, out source)) return BadSource;
        }
        else if (m.Has(FixTags.StopPx))
        {
            return StopPxNeedsStop;
        }
        else if (m.Has(FixTags.TriggerPriceSource))
        {
            return SourceNeedsStop;
        }
        problem = StopLoss.Read(m, in market, out long slTrigger, out long slLimit, out var slSource);
        if (problem is not null) return problem;
        problem = TakeProfit.Read(m, in market, out long tpTrigger, out long tpLimit, out var tpSource);
        if (problem is not null) return problem;
        order = new NewTriggerOrder(new CommandHeader(0, 0, requestId), accountId, marketId, clientOrderId, side, type, tif, price, quantity, flags, stp,
            trigger, source, slTrigger, slLimit, slSource, tpTrigger, tpLimit, tpSource);
        return null;
    }

    /// <summary>A price source tag: absent = mark price; 0 mark, 1 last trade, 2 index.</summary>
    private static bool TryReadSource(FixMessage m, int tag, out TriggerSource source)
    {
        source = TriggerSource.MarkPrice;
        if (!m.TryGet(tag, out var text)) return true;
        if (text.Length != 1 || text[0] < (byte)'0' || text[0] > (byte)'2') return false;
        source = (TriggerSource)(text[0] - '0');
        return true;
    }

    private static OrderProblem SourceProblem(string name, int tag) =>
        new(11, $"{name}({tag}) must be 0 (mark price), 1 (last price) or 2 (index price)", InvalidOrder);

    /// <summary>The three tags of an attached stop-loss or take-profit, and the rejects that name them.</summary>
    private sealed class Leg(string name, int triggerTag, int limitTag, int sourceTag)
    {
        private readonly OrderProblem _badTrigger = new(99, $"{name}TriggerPrice({triggerTag}) not a multiple of the tick size", InvalidTrigger);
        private readonly OrderProblem _badLimit = new(99, $"{name}LimitPrice({limitTag}) not a multiple of the tick size", RejectCodes.Of(RejectReason.InvalidPrice));
        private readonly OrderProblem _badSource = SourceProblem(name + "TriggerSource", sourceTag);
        private readonly OrderProblem _noTrigger = new(11, $"{name}LimitPrice({limitTag}) and {name}TriggerSource({sourceTag}) need {name}TriggerPrice({triggerTag})", InvalidOrder);

        public OrderProblem? Read(FixMessage m, in MarketUnits market, out long trigger, out long limit, out TriggerSource source)
        {
            trigger = limit = 0;
            source = TriggerSource.MarkPrice;
            if (!m.TryGet(triggerTag, out var triggerText)) return m.Has(limitTag) || m.Has(sourceTag) ? _noTrigger : null;
            if (!market.TryParsePrice(triggerText, out trigger)) return _badTrigger;
            if (m.TryGet(limitTag, out var limitText) && !market.TryParsePrice(limitText, out limit)) return _badLimit;
            return TryReadSource(m, sourceTag, out source) ? null : _badSource;
        }
    }
}

using System.Globalization;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Host.Cli;

/// <summary>
/// The audit trail of one liquidation, gathered from the events of a replay (`replay --liquidation
/// id`): the trigger's figures, every step with the figures it was decided on (urgency, band
/// limit, depth inside the band, the slice), every fill of every stage with its price and fee, the
/// backstop's takers and their shares, the insurance fund's movements, the ADL counterparties with
/// their rank and score, the end, and a deposit that later paid off what it left unsettled. An
/// operator's tool: it names every account.
/// </summary>
public sealed class LiquidationTrail(long liquidationId, IReadOnlyList<MarketDefinition> markets)
{
    private readonly List<string> _lines = [];
    private long _fundNet, _fees;
    private readonly Dictionary<LiquidationStage, (long Lots, long Quote)> _byStage = [];
    private int _account;

    public bool Found => _lines.Count > 0;

    /// <summary>Takes the events of one replayed command.</summary>
    public void Add(FrameBuffer events)
    {
        for (int i = 0; i < events.Count; i++) Add(events[i]);
    }

    private void Add(ReadOnlySpan<byte> frame)
    {
        if (!ProtocolCodec.TryReadType(frame, out var type, out _)) return;
        switch (type)
        {
            case MessageType.LiquidationStarted when ProtocolCodec.TryDecode(frame, out LiquidationStarted e, out _) && e.LiquidationId == liquidationId:
                _account = e.AccountId;
                Line(e.Header, $"started   account {e.AccountId}: equity {Usd(e.Equity)}, maintenance {Usd(e.MaintenanceMargin)}, MM/E {Ratio(e.MarginRatio)}, MF {Pct(e.MarginFraction)}");
                break;
            case MessageType.LiquidationStep when ProtocolCodec.TryDecode(frame, out LiquidationStep e, out _) && e.LiquidationId == liquidationId:
                Line(e.Header, Step(e));
                break;
            case MessageType.LiquidationFill when ProtocolCodec.TryDecode(frame, out LiquidationFill e, out _) && e.LiquidationId == liquidationId:
            {
                var m = markets[e.MarketId - 1];
                var (lots, quote) = _byStage.GetValueOrDefault(e.Stage);
                _byStage[e.Stage] = (lots + e.Quantity, quote + (long)(m.TicksToPrice(e.Price) * m.StepSize * e.Quantity * Usdc.MicrosPerUnit));
                _fees += e.Fee;
                Line(e.Header, $"fill      {e.Stage,-8} {m.Symbol} {Side(e.Side)} {Qty(m, e.Quantity)} at {Px(m, e.Price)} (bankruptcy {Px(m, e.BankruptcyPrice)}), " +
                               $"fee {Usd(e.Fee)}, {(e.Stage == LiquidationStage.Book ? "maker" : "taken by")} account {e.CounterpartyAccountId}, trade {e.TradeId}");
                break;
            }
            case MessageType.OrderFilled when ProtocolCodec.TryDecode(frame, out OrderFilled e, out _)
                                              && e.LiquidationId == liquidationId && e.AccountId != _account && e.Stage == LiquidationStage.Backstop:
            {
                var m = markets[e.MarketId - 1];
                Line(e.Header, $"backstop  account {e.AccountId} takes {Side(e.Side)} {Qty(m, e.Quantity)} {m.Symbol} at {Px(m, e.Price)}");
                break;
            }
            case MessageType.AdlNotice when ProtocolCodec.TryDecode(frame, out AdlNotice e, out _) && e.LiquidationId == liquidationId && e.Role == AdlRole.Counterparty:
            {
                var m = markets[e.MarketId - 1];
                Line(e.Header, $"ADL       counterparty account {e.AccountId}, rank {e.Rank} in the queue, score {Ratio(e.Score)}: {Side(e.Side)} {Qty(m, e.Quantity)} {m.Symbol} at {Px(m, e.Price)}");
                break;
            }
            case MessageType.InsuranceFundChanged when ProtocolCodec.TryDecode(frame, out InsuranceFundChanged e, out _) && e.LiquidationId == liquidationId:
                _fundNet += e.Change;
                Line(e.Header, $"fund      {e.Reason} {Signed(e.Change)} (balance {Usd(e.Balance)})");
                break;
            case MessageType.BalanceChanged when ProtocolCodec.TryDecode(frame, out BalanceChanged e, out _)
                                                 && e.AccountId == _account && e.Reason == BalanceChangeReason.Settlement && _account != 0:
                Line(e.Header, $"settled   the fund paid {Usd(e.Change)} into the account (collateral {Usd(e.Balance)})");
                break;
            case MessageType.LiquidationEnded when ProtocolCodec.TryDecode(frame, out LiquidationEnded e, out _) && e.LiquidationId == liquidationId:
                Line(e.Header, $"ended     {e.Outcome}");
                _account = -e.AccountId; // settled equity after the end is no longer this liquidation's (deposits are, below)
                break;
            case MessageType.UnsettledEquityCovered when ProtocolCodec.TryDecode(frame, out UnsettledEquityCovered e, out _) && e.LiquidationId == liquidationId:
                Line(e.Header, $"deposit   paid off {Usd(e.Covered)} of the unsettled equity it left; {Usd(e.Remaining)} still owed");
                break;
        }
    }

    private string Step(in LiquidationStep e)
    {
        string figures = $"equity {Usd(e.Equity)}, maintenance {Usd(e.MaintenanceMargin)}, notional {Usd(e.Notional)}, urgency {Pct(e.Urgency)}";
        if (e.MarketId == 0) return $"{e.Action,-9} {figures}";
        var m = markets[e.MarketId - 1];
        string prices = $"{m.Symbol} mark {Px(m, e.MarkPrice)} index {Px(m, e.IndexPrice)}";
        return e.Action switch
        {
            LiquidationAction.Triggered => $"trigger   {prices}, {figures}, bankruptcy {Px(m, e.BankruptcyPrice)}",
            _ => $"{(e.Action == LiquidationAction.Slice ? "slice" : "offer"),-9} {prices}, {figures}: {Qty(m, e.Quantity)} to the book down to {Px(m, e.Limit)} " +
                 $"({Qty(m, e.BandDepth)} resting there), bankruptcy {Px(m, e.BankruptcyPrice)}",
        };
    }

    public void Print(TextWriter output)
    {
        output.WriteLine($"Liquidation {liquidationId}");
        foreach (string line in _lines) output.WriteLine(line);
        long total = _byStage.Values.Sum(x => x.Quote);
        output.WriteLine($"closed    {Usd(total)} USDC of notional: " + string.Join(", ", _byStage.OrderBy(x => x.Key).Select(x =>
            $"{x.Key} {Usd(x.Value.Quote)} ({(total == 0 ? 0 : 100.0 * x.Value.Quote / total).ToString("F1", CultureInfo.InvariantCulture)}%)")));
        output.WriteLine($"fund      {Signed(_fundNet)} USDC from this liquidation (fees {Usd(_fees)})");
    }

    private void Line(EventHeader h, string text) =>
        _lines.Add($"  {DateTimeOffset.FromUnixTimeMilliseconds(h.Time / 1000).UtcDateTime:HH:mm:ss.fff} #{h.Sequence,-9} {text}");

    private static string Usd(long micros) => Usdc.ToDecimal(micros).ToString("0.######", CultureInfo.InvariantCulture);
    private static string Signed(long micros) => (micros >= 0 ? "+" : "") + Usd(micros);
    private static string Ratio(long ppm) => (ppm / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);
    private static string Pct(long ppm) => (ppm / 10_000m).ToString("0.##", CultureInfo.InvariantCulture) + "%";
    private static string Px(MarketDefinition m, long ticks) => m.TicksToPrice(ticks).ToString("0.##########", CultureInfo.InvariantCulture);
    private static string Qty(MarketDefinition m, long lots) => (lots * m.StepSize).ToString("0.##########", CultureInfo.InvariantCulture);
    private static string Side(Side side) => side == Protocol.Side.Buy ? "buy" : "sell";
}

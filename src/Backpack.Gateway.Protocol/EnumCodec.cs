using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol;

/// <summary>Reads the protocol's enums, recording an out-of-range error for undefined values.</summary>
public static class EnumCodec
{
    public static Side ReadSide(this ref MessagePackReader r) => (Side)r.ReadEnum(0, (byte)Side.Sell, nameof(Side));
    public static OrderType ReadOrderType(this ref MessagePackReader r) => (OrderType)r.ReadEnum(0, (byte)OrderType.Market, nameof(OrderType));
    public static TimeInForce ReadTimeInForce(this ref MessagePackReader r) => (TimeInForce)r.ReadEnum(0, (byte)TimeInForce.Fok, nameof(TimeInForce));
    public static OrderFlags ReadOrderFlags(this ref MessagePackReader r) => (OrderFlags)r.ReadEnum(0, (byte)(OrderFlags.PostOnly | OrderFlags.ReduceOnly), nameof(OrderFlags));
    public static SelfTradePrevention ReadSelfTradePrevention(this ref MessagePackReader r) => (SelfTradePrevention)r.ReadEnum(0, (byte)SelfTradePrevention.RejectBoth, nameof(SelfTradePrevention));
    public static OrderOrigin ReadOrderOrigin(this ref MessagePackReader r) => (OrderOrigin)r.ReadEnum(0, (byte)OrderOrigin.AdlAutoclose, nameof(OrderOrigin));
    public static Liquidity ReadLiquidity(this ref MessagePackReader r) => (Liquidity)r.ReadEnum(0, (byte)Liquidity.Taker, nameof(Liquidity));
    public static RejectReason ReadRejectReason(this ref MessagePackReader r) => (RejectReason)r.ReadEnum(0, (byte)RejectReason.TriggerPending, nameof(RejectReason));
    public static CancelReason ReadCancelReason(this ref MessagePackReader r) => (CancelReason)r.ReadEnum(0, (byte)CancelReason.Oco, nameof(CancelReason));
    public static ReplaceReason ReadReplaceReason(this ref MessagePackReader r) => (ReplaceReason)r.ReadEnum(0, (byte)ReplaceReason.ReduceOnlyTrim, nameof(ReplaceReason));
    public static CancelRejectResponseTo ReadCancelRejectResponseTo(this ref MessagePackReader r) => (CancelRejectResponseTo)r.ReadEnum(0, (byte)CancelRejectResponseTo.Replace, nameof(CancelRejectResponseTo));
    public static BalanceChangeReason ReadBalanceChangeReason(this ref MessagePackReader r) => (BalanceChangeReason)r.ReadEnum(0, (byte)BalanceChangeReason.Settlement, nameof(BalanceChangeReason));
    public static LiquidationStage ReadLiquidationStage(this ref MessagePackReader r) => (LiquidationStage)r.ReadEnum(0, (byte)LiquidationStage.Adl, nameof(LiquidationStage));
    public static AdlBand ReadAdlBand(this ref MessagePackReader r) => (AdlBand)r.ReadEnum(0, (byte)AdlBand.Loss, nameof(AdlBand));
    public static LiquidationAction ReadLiquidationAction(this ref MessagePackReader r) => (LiquidationAction)r.ReadEnum(0, (byte)LiquidationAction.BackstopBankrupt, nameof(LiquidationAction));
    public static LiquidationOutcome ReadLiquidationOutcome(this ref MessagePackReader r) => (LiquidationOutcome)r.ReadEnum(0, (byte)LiquidationOutcome.Bankrupt, nameof(LiquidationOutcome));
    public static AdlRole ReadAdlRole(this ref MessagePackReader r) => (AdlRole)r.ReadEnum(0, (byte)AdlRole.Counterparty, nameof(AdlRole));
    public static InsuranceFundReason ReadInsuranceFundReason(this ref MessagePackReader r) => (InsuranceFundReason)r.ReadEnum(0, (byte)InsuranceFundReason.FundingPayment, nameof(InsuranceFundReason));
    public static TriggerSource ReadTriggerSource(this ref MessagePackReader r) => (TriggerSource)r.ReadEnum(0, (byte)TriggerSource.IndexPrice, nameof(TriggerSource));
    public static TriggerKind ReadTriggerKind(this ref MessagePackReader r) => (TriggerKind)r.ReadEnum(0, (byte)TriggerKind.TakeProfit, nameof(TriggerKind));
    public static MessageType ReadMessageTypeId(this ref MessagePackReader r) => (MessageType)r.ReadEnum(0, byte.MaxValue, nameof(MessageType));
}

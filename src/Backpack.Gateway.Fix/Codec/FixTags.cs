namespace Backpack.Gateway.Fix.Codec;

/// <summary>The FIX 4.4 tag numbers the gateway reads or writes, and its own (5001+, see docs/fix.md).</summary>
public static class FixTags
{
    public const int Account = 1;
    public const int AvgPx = 6;
    public const int BeginSeqNo = 7;
    public const int BeginString = 8;
    public const int BodyLength = 9;
    public const int CheckSum = 10;
    public const int ClOrdID = 11;
    public const int Commission = 12;
    public const int CommType = 13;
    public const int CumQty = 14;
    public const int Currency = 15;
    public const int EndSeqNo = 16;
    public const int ExecID = 17;
    public const int ExecInst = 18;
    public const int LastPx = 31;
    public const int LastQty = 32;
    public const int MsgSeqNum = 34;
    public const int MsgType = 35;
    public const int NewSeqNo = 36;
    public const int OrderID = 37;
    public const int OrderQty = 38;
    public const int OrdStatus = 39;
    public const int OrdType = 40;
    public const int OrigClOrdID = 41;
    public const int PossDupFlag = 43;
    public const int Price = 44;
    public const int RefSeqNum = 45;
    public const int SenderCompID = 49;
    public const int SendingTime = 52;
    public const int Side = 54;
    public const int Symbol = 55;
    public const int TargetCompID = 56;
    public const int Text = 58;
    public const int TimeInForce = 59;
    public const int TransactTime = 60;
    public const int TradeDate = 75;
    public const int RawDataLength = 95;
    public const int RawData = 96;
    public const int PossResend = 97;
    public const int EncryptMethod = 98;
    public const int StopPx = 99;
    public const int CxlRejReason = 102;
    public const int OrdRejReason = 103;
    public const int HeartBtInt = 108;
    public const int TestReqID = 112;
    public const int OnBehalfOfCompID = 115;
    public const int OnBehalfOfSubID = 116;
    public const int OrigSendingTime = 122;
    public const int GapFillFlag = 123;
    public const int DeliverToCompID = 128;
    public const int DeliverToSubID = 129;
    public const int ResetSeqNumFlag = 141;
    public const int OnBehalfOfLocationID = 144;
    public const int DeliverToLocationID = 145;
    public const int ExecType = 150;
    public const int LeavesQty = 151;
    public const int RefTagID = 371;
    public const int RefMsgType = 372;
    public const int SessionRejectReason = 373;
    public const int BusinessRejectRefID = 379;
    public const int BusinessRejectReason = 380;
    public const int CxlRejResponseTo = 434;
    public const int NoPartyIDs = 453;
    public const int MassCancelRequestType = 530;
    public const int MassCancelResponse = 531;
    public const int MassCancelRejectReason = 532;
    public const int TotalAffectedOrders = 533;
    public const int Username = 553;
    public const int AccountType = 581;
    public const int ClOrdLinkID = 583;
    public const int TradeRequestID = 568;
    public const int TradeRequestType = 569;
    public const int PreviouslyReported = 570;
    public const int TradeReportID = 571;
    public const int NoDates = 580;
    public const int NoSides = 552;
    public const int TotNumTradeReports = 748;
    public const int TradeRequestResult = 749;
    public const int TradeRequestStatus = 750;
    public const int TrdMatchID = 880;
    public const int MassStatusReqID = 584;
    public const int MassStatusReqType = 585;
    public const int WorkingIndicator = 636;
    public const int NoPositions = 702;
    public const int PosType = 703;
    public const int LongQty = 704;
    public const int ShortQty = 705;
    public const int NoPosAmt = 753;
    public const int PosAmtType = 707;
    public const int PosAmt = 708;
    public const int PosReqID = 710;
    public const int ClearingBusinessDate = 715;
    public const int PosMaintRptID = 721;
    public const int TotalNumPosReports = 727;
    public const int PosReqResult = 728;
    public const int PosReqStatus = 729;
    public const int SettlPrice = 730;
    public const int SettlPriceType = 731;
    public const int PriorSettlPrice = 734;
    public const int PosReqType = 724;
    public const int CopyMsgIndicator = 797;
    public const int LastLiquidityInd = 851;
    public const int TotNumReports = 911;
    public const int LastRptRequested = 912;

    // Market data (docs/fix.md section 11).
    public const int RptSeq = 83;
    public const int SecurityDesc = 107;
    public const int NoRelatedSym = 146;
    public const int SecurityType = 167;
    public const int ContractMultiplier = 231;
    public const int MDReqID = 262;
    public const int SubscriptionRequestType = 263;
    public const int MarketDepth = 264;
    public const int MDUpdateType = 265;
    public const int AggregatedBook = 266;
    public const int NoMDEntryTypes = 267;
    public const int NoMDEntries = 268;
    public const int MDEntryType = 269;
    public const int MDEntryPx = 270;
    public const int MDEntrySize = 271;
    public const int MDEntryID = 278;
    public const int MDUpdateAction = 279;
    public const int MDReqRejReason = 281;
    public const int SecurityReqID = 320;
    public const int SecurityResponseID = 322;
    public const int TotNoRelatedSym = 393;
    public const int SecurityListRequestType = 559;
    public const int SecurityRequestResult = 560;
    public const int RoundLot = 561;
    public const int MinTradeVol = 562;
    public const int SecuritySubType = 762;
    public const int LastFragment = 893;
    public const int MarginRatio = 898;
    public const int MinPriceIncrement = 969;
    public const int MaxTradeVol = 1140;

    // The gateway's own fields (fixspec/FIX44.xml, docs/fix.md).
    public const int OrderOrigin = 5001;
    public const int LiquidationID = 5002;
    public const int LiquidationStage = 5003;
    public const int MaintenanceMarginRatio = 5005;
    public const int AccountEquity = 5006;
    public const int MaintenanceMargin = 5007;
    public const int LiquidationOutcome = 5008;
    public const int AdlRole = 5009;
    public const int AdlQuintile = 5010;
    public const int MarginFraction = 5011;
    public const int SelfTradePrevention = 5013;
    public const int RealizedPnl = 5014;
    public const int UnrealizedPnl = 5015;
    public const int EntryPrice = 5016;
    public const int Collateral = 5017;
    public const int RejectCode = 5018;

    // Conditional orders (docs/fix.md, "Stop orders and stop-loss / take-profit").
    public const int TriggerPriceSource = 5019;
    public const int StopLossTriggerPrice = 5020;
    public const int StopLossLimitPrice = 5021;
    public const int StopLossTriggerSource = 5022;
    public const int TakeProfitTriggerPrice = 5023;
    public const int TakeProfitLimitPrice = 5024;
    public const int TakeProfitTriggerSource = 5025;
    public const int TriggerKind = 5026;
    public const int ParentOrderID = 5027;
    public const int TriggeredPrice = 5028;

    // Funding (U5).
    public const int FundingRate = 5029;
    public const int PositionQty = 5030;
    public const int MarkPrice = 5031;
    public const int FundingAmount = 5032;

    // The ADL queue (AP answering a RequestForPositions).
    public const int AdlRank = 5033;
    public const int AdlQueueLength = 5034;
    public const int AdlNotionalAhead = 5035;

    // A liquidation's steps (U6) and unsettled equity paid off (U7).
    public const int LiquidationAction = 5036;
    public const int IndexPrice = 5037;
    public const int AccountNotional = 5038;
    public const int LiquidationUrgency = 5039;
    public const int BandDepth = 5040;
    public const int BankruptcyPrice = 5041;
    public const int CoveredAmount = 5042;
    public const int UnsettledAmount = 5043;

    // Logon (Deribit's tag): Y cancels the session's orders when it disconnects or logs out, N keeps them.
    public const int CancelOnDisconnect = 9001;

    /// <summary>The first and last of the inbound conditional-order tags (StopPx aside).</summary>
    public const int FirstConditional = TriggerPriceSource, LastConditional = TakeProfitTriggerSource;
}

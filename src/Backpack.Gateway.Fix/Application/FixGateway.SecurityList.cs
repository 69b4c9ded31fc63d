using System.Globalization;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// SecurityListRequest (x) answered at once, on the session's thread, from the market definitions
/// (docs/fix.md section 11): tick, step, size limits, product and margin of each market.
/// </summary>
public sealed partial class FixGateway
{
    private long _securityListCounter;

    /// <summary>SecurityListRequest (x): 0 = one symbol, 4 = every market; anything else is not supported.</summary>
    private void SecurityListRequest(FixSessionState state, FixMessage m)
    {
        string reqId = m.GetString(FixTags.SecurityReqID) ?? "";
        int type = m.TryGetInt(FixTags.SecurityListRequestType, out int t) ? t : -1;
        var markets = new List<int>();
        int result = 0;
        string? text = null;
        if (type == 4)
        {
            for (int id = 1; id <= _markets.Count; id++) markets.Add(id);
        }
        else if (type == 0)
        {
            int id = m.TryGet(FixTags.Symbol, out var symbol) ? _markets.Find(symbol) : 0;
            if (id != 0) markets.Add(id);
            else (result, text) = (2, "Unknown symbol");
        }
        else
        {
            (result, text) = (1, "SecurityListRequestType must be 0 (symbol) or 4 (all securities)");
        }
        var w = state.Session.Begin("y"u8);
        w.Field(FixTags.SecurityReqID, reqId);
        w.Id(FixTags.SecurityResponseID, 'L', state.Session.Settings.Number, Interlocked.Increment(ref _securityListCounter));
        w.Field(FixTags.SecurityRequestResult, result);
        if (result == 0)
        {
            w.Field(FixTags.TotNoRelatedSym, markets.Count);
            w.Field(FixTags.LastFragment, true);
            w.Field(FixTags.NoRelatedSym, markets.Count);
            foreach (int id in markets) SecurityEntry(ref w, id);
        }
        if (text is not null) w.Field(FixTags.Text, text);
        state.Session.Send(ref w);
    }

    /// <summary>One market of a SecurityList: a USDC-settled perpetual future and its trading rules.</summary>
    private void SecurityEntry(ref FixWriter w, int marketId)
    {
        var market = _markets[marketId];
        w.Field(FixTags.Symbol, market.Symbol);
        w.Field(FixTags.SecurityType, "FUT"u8);
        w.Field(FixTags.SecuritySubType, "PERPETUAL"u8);
        w.Field(FixTags.ContractMultiplier, 1);
        w.Field(FixTags.SecurityDesc, market.Symbol.Replace('_', ' ') + " linear perpetual, settled in USDC");
        w.Field(FixTags.MarginRatio, Decimal(market.BaseImf));
        w.Field(FixTags.Currency, "USDC"u8);
        w.Field(FixTags.RoundLot, Decimal(market.StepSize));
        w.Field(FixTags.MinTradeVol, Decimal(market.MinQuantity));
        w.Field(FixTags.MaxTradeVol, Decimal(market.MaxQuantity));
        w.Field(FixTags.MinPriceIncrement, Decimal(market.TickSize));
    }

    private static string Decimal(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}

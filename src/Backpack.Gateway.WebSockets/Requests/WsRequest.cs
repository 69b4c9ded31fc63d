using System.Text;
using Backpack.Gateway.Protocol.Text;

namespace Backpack.Gateway.WebSockets.Requests;

/// <summary>The requests a client can send (the method field).</summary>
internal enum RequestMethod
{
    Unknown,
    Subscribe,
    Unsubscribe,
    OrderExecute,
    OrderCancel,
    OrderCancelAll,
    OrderQueryAll,
    PositionQuery,

    /// <summary>Not a client method: the account snapshot a connection asks for when its signature is accepted.</summary>
    Authenticate,
}

/// <summary>The order parameters a request may carry (Backpack's orderExecute / orderCancel names; the trigger and stop-loss / take-profit ones after OrderId).</summary>
internal enum OrderParam
{
    Symbol,
    Side,
    OrderType,
    Price,
    Quantity,
    QuoteQuantity,
    TimeInForce,
    PostOnly,
    ReduceOnly,
    SelfTradePrevention,
    ClientId,
    OrderId,
    TriggerPrice,
    TriggerQuantity,
    TriggerBy,
    StopLossTriggerPrice,
    StopLossLimitPrice,
    StopLossTriggerBy,
    TakeProfitTriggerPrice,
    TakeProfitLimitPrice,
    TakeProfitTriggerBy,
}

internal enum ValueKind : byte
{
    Absent,
    String,
    /// <summary>A JSON number: its text is the range.</summary>
    NumberText,
    /// <summary>A MessagePack integer: the value is <see cref="ParamValue.Integer"/>.</summary>
    Integer,
    True,
    False,
    Null,
    Other,
}

/// <summary>One parameter's value: where its text is in the request bytes (no copy), or the integer.</summary>
internal readonly record struct ParamValue(ValueKind Kind, int Start, int Length, long Integer = 0);

/// <summary>The request id a client chose, echoed in the response: an integer, a string or absent.</summary>
internal readonly record struct RequestId(long Number, string? Text, bool IsNumber)
{
    public static readonly RequestId None = default;
    public bool IsNone => !IsNumber && Text is null;
}

/// <summary>
/// One parsed request (reused by its connection). Parameter values point into the message bytes,
/// which stay put while the request is handled.
/// </summary>
internal sealed class WsRequest
{
    private static readonly int ParamCount = Enum.GetValues<OrderParam>().Length;
    private readonly ParamValue[] _params = new ParamValue[ParamCount];

    public RequestMethod Method { get; set; }

    /// <summary>The method as sent, for the error message when it is unknown.</summary>
    public string? MethodName { get; set; }

    public RequestId Id { get; set; }

    /// <summary>SUBSCRIBE / UNSUBSCRIBE stream names.</summary>
    public List<string> Streams { get; } = [];

    /// <summary>The signature array: API key, signature, timestamp, window (all as text).</summary>
    public List<string> Signature { get; } = [];

    public bool HasSignature { get; set; }

    /// <summary>True when params was an object (order methods); false when it was an array or absent.</summary>
    public bool HasParamObject { get; set; }

    public void Reset()
    {
        Method = RequestMethod.Unknown;
        MethodName = null;
        Id = RequestId.None;
        Streams.Clear();
        Signature.Clear();
        HasSignature = false;
        HasParamObject = false;
        Array.Clear(_params);
    }

    public ParamValue this[OrderParam p] => _params[(int)p];

    /// <summary>Records a parameter; returns an error text for an unknown or repeated name.</summary>
    public string? SetParam(ReadOnlySpan<byte> name, ParamValue value)
    {
        if (!TryParamOf(name, out var param)) return $"Unknown parameter '{Encoding.UTF8.GetString(name)}'";
        if (_params[(int)param].Kind != ValueKind.Absent) return $"Parameter '{Encoding.UTF8.GetString(name)}' is given twice";
        _params[(int)param] = value;
        return null;
    }

    /// <summary>The parameter's text (a string's bytes, a number's digits); false when absent or not text.</summary>
    public bool TryGetText(ReadOnlySpan<byte> message, OrderParam p, Span<byte> scratch, out ReadOnlySpan<byte> text)
    {
        var v = _params[(int)p];
        switch (v.Kind)
        {
            case ValueKind.String:
            case ValueKind.NumberText:
                text = message.Slice(v.Start, v.Length);
                return true;
            case ValueKind.Integer:
                text = scratch[..DecimalText.WriteLong(scratch, v.Integer)];
                return true;
            default:
                text = default;
                return false;
        }
    }

    public static RequestMethod MethodOf(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("SUBSCRIBE"u8) => RequestMethod.Subscribe,
        _ when name.SequenceEqual("UNSUBSCRIBE"u8) => RequestMethod.Unsubscribe,
        _ when name.SequenceEqual("orderExecute"u8) => RequestMethod.OrderExecute,
        _ when name.SequenceEqual("orderCancel"u8) => RequestMethod.OrderCancel,
        _ when name.SequenceEqual("orderCancelAll"u8) => RequestMethod.OrderCancelAll,
        _ when name.SequenceEqual("orderQueryAll"u8) => RequestMethod.OrderQueryAll,
        _ when name.SequenceEqual("positionQuery"u8) => RequestMethod.PositionQuery,
        _ => RequestMethod.Unknown,
    };

    private static bool TryParamOf(ReadOnlySpan<byte> name, out OrderParam param)
    {
        param = name switch
        {
            _ when name.SequenceEqual("symbol"u8) => OrderParam.Symbol,
            _ when name.SequenceEqual("side"u8) => OrderParam.Side,
            _ when name.SequenceEqual("orderType"u8) => OrderParam.OrderType,
            _ when name.SequenceEqual("price"u8) => OrderParam.Price,
            _ when name.SequenceEqual("quantity"u8) => OrderParam.Quantity,
            _ when name.SequenceEqual("quoteQuantity"u8) => OrderParam.QuoteQuantity,
            _ when name.SequenceEqual("timeInForce"u8) => OrderParam.TimeInForce,
            _ when name.SequenceEqual("postOnly"u8) => OrderParam.PostOnly,
            _ when name.SequenceEqual("reduceOnly"u8) => OrderParam.ReduceOnly,
            _ when name.SequenceEqual("selfTradePrevention"u8) => OrderParam.SelfTradePrevention,
            _ when name.SequenceEqual("clientId"u8) => OrderParam.ClientId,
            _ when name.SequenceEqual("orderId"u8) => OrderParam.OrderId,
            _ when name.SequenceEqual("triggerPrice"u8) => OrderParam.TriggerPrice,
            _ when name.SequenceEqual("triggerQuantity"u8) => OrderParam.TriggerQuantity,
            _ when name.SequenceEqual("triggerBy"u8) => OrderParam.TriggerBy,
            _ when name.SequenceEqual("stopLossTriggerPrice"u8) => OrderParam.StopLossTriggerPrice,
            _ when name.SequenceEqual("stopLossLimitPrice"u8) => OrderParam.StopLossLimitPrice,
            _ when name.SequenceEqual("stopLossTriggerBy"u8) => OrderParam.StopLossTriggerBy,
            _ when name.SequenceEqual("takeProfitTriggerPrice"u8) => OrderParam.TakeProfitTriggerPrice,
            _ when name.SequenceEqual("takeProfitLimitPrice"u8) => OrderParam.TakeProfitLimitPrice,
            _ when name.SequenceEqual("takeProfitTriggerBy"u8) => OrderParam.TakeProfitTriggerBy,
            _ => (OrderParam)(-1),
        };
        return (int)param >= 0;
    }
}

using System.Text;
using System.Text.Json;
using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.WebSockets.Requests;

/// <summary>
/// Reads a request — <c>{"method":..., "params":..., "id":..., "signature":[...]}</c> — from a JSON
/// text frame or the same map as a MessagePack binary frame. Returns null when the request is
/// well formed, else the reason (the id is kept if it was read before the problem).
/// </summary>
internal static class RequestParser
{
    private static readonly JsonReaderOptions JsonOptions = new() { MaxDepth = 8 };

    public static string? ParseJson(ReadOnlySpan<byte> message, WsRequest request)
    {
        request.Reset();
        var reader = new Utf8JsonReader(message, JsonOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "A request is a JSON object";
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? problem;
                if (reader.ValueTextEquals("method"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return "method must be a string";
                    problem = SetMethod(request, reader.ValueSpan);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    problem = reader.TokenType switch
                    {
                        JsonTokenType.Number when reader.TryGetInt64(out long n) => SetId(request, new RequestId(n, null, true)),
                        JsonTokenType.String => SetId(request, new RequestId(0, reader.GetString(), false)),
                        JsonTokenType.Null => null,
                        _ => "id must be an integer or a string",
                    };
                }
                else if (reader.ValueTextEquals("params"u8))
                {
                    reader.Read();
                    problem = reader.TokenType switch
                    {
                        JsonTokenType.StartArray => ReadJsonStrings(ref reader, request.Streams, "params"),
                        JsonTokenType.StartObject => ReadJsonParams(ref reader, message, request),
                        _ => "params must be an array of stream names or an object of order parameters",
                    };
                }
                else if (reader.ValueTextEquals("signature"u8))
                {
                    reader.Read();
                    request.HasSignature = true;
                    problem = reader.TokenType == JsonTokenType.StartArray ? ReadJsonStrings(ref reader, request.Signature, "signature") : "signature must be an array";
                }
                else
                {
                    problem = $"Unknown field '{reader.GetString()}'";
                }
                if (problem is not null) return problem;
            }
            if (reader.TokenType != JsonTokenType.EndObject) return "A request is a JSON object";
            if (reader.Read()) return "Unexpected data after the request object";
        }
        catch (JsonException e)
        {
            return "Invalid JSON: " + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "Invalid JSON: " + e.Message;
        }
        return CheckMethod(request);
    }

    /// <summary>
    /// Reads a bare JSON object of order parameters (a REST request body, or one element of a batch):
    /// <c>{"symbol": ..., "side": ...}</c>. Returns null when well formed, else the reason.
    /// </summary>
    public static string? ParseJsonParams(ReadOnlySpan<byte> message, WsRequest request)
    {
        request.Reset();
        var reader = new Utf8JsonReader(message, JsonOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "The body must be a JSON object of order parameters";
            if (ReadJsonParams(ref reader, message, request) is { } problem) return problem;
            if (reader.TokenType != JsonTokenType.EndObject) return "The body must be a JSON object of order parameters";
            if (reader.Read()) return "Unexpected data after the JSON object";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return "Invalid JSON: " + e.Message;
        }
        return null;
    }

    private static string? ReadJsonStrings(ref Utf8JsonReader reader, List<string> into, string what)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String) into.Add(reader.GetString()!);
            else if (reader.TokenType == JsonTokenType.Number) into.Add(Encoding.UTF8.GetString(reader.ValueSpan));
            else return $"{what} must be an array of strings";
            if (into.Count > 64) return $"{what} has more than 64 elements";
        }
        return null;
    }

    private static string? ReadJsonParams(ref Utf8JsonReader reader, ReadOnlySpan<byte> message, WsRequest request)
    {
        request.HasParamObject = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped) return "Parameter names must not be escaped";
            var name = reader.ValueSpan;
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            var value = reader.TokenType switch
            {
                JsonTokenType.String when !reader.ValueIsEscaped => new ParamValue(ValueKind.String, start + 1, reader.ValueSpan.Length),
                JsonTokenType.Number => new ParamValue(ValueKind.NumberText, start, reader.ValueSpan.Length),
                JsonTokenType.True => new ParamValue(ValueKind.True, 0, 0),
                JsonTokenType.False => new ParamValue(ValueKind.False, 0, 0),
                JsonTokenType.Null => new ParamValue(ValueKind.Null, 0, 0),
                _ => new ParamValue(ValueKind.Other, 0, 0),
            };
            if (value.Kind == ValueKind.Other) return $"Parameter '{Encoding.UTF8.GetString(name)}' must be a string, number or boolean";
            if (request.SetParam(name, value) is { } problem) return problem;
        }
        return null;
    }

    public static string? ParseMessagePack(ReadOnlySpan<byte> message, WsRequest request)
    {
        request.Reset();
        var reader = new MessagePackReader(message);
        if (reader.NextType != MessagePackType.Map) return "A request is a MessagePack map";
        int fields = reader.ReadMapHeader();
        for (int i = 0; i < fields && !reader.HasError; i++)
        {
            if (reader.NextType != MessagePackType.String) return "Request field names must be strings";
            var name = reader.ReadStringUtf8();
            string? problem;
            if (name.SequenceEqual("method"u8))
            {
                if (reader.NextType != MessagePackType.String) return "method must be a string";
                problem = SetMethod(request, reader.ReadStringUtf8());
            }
            else if (name.SequenceEqual("id"u8))
            {
                problem = reader.NextType switch
                {
                    MessagePackType.Integer => SetId(request, new RequestId(reader.ReadInt64(), null, true)),
                    MessagePackType.String => SetId(request, new RequestId(0, reader.ReadString(), false)),
                    MessagePackType.Nil when reader.TryReadNil() => null,
                    _ => "id must be an integer or a string",
                };
            }
            else if (name.SequenceEqual("params"u8))
            {
                problem = reader.NextType switch
                {
                    MessagePackType.Array => ReadPackStrings(ref reader, request.Streams, "params"),
                    MessagePackType.Map => ReadPackParams(ref reader, request),
                    _ => "params must be an array of stream names or a map of order parameters",
                };
            }
            else if (name.SequenceEqual("signature"u8))
            {
                request.HasSignature = true;
                problem = reader.NextType == MessagePackType.Array ? ReadPackStrings(ref reader, request.Signature, "signature") : "signature must be an array";
            }
            else
            {
                problem = $"Unknown field '{Encoding.UTF8.GetString(name)}'";
            }
            if (problem is not null) return problem;
        }
        if (reader.HasError) return "Invalid MessagePack: " + reader.Error;
        if (!reader.End) return "Unexpected data after the request map";
        return CheckMethod(request);
    }

    private static string? ReadPackStrings(ref MessagePackReader reader, List<string> into, string what)
    {
        int count = reader.ReadArrayHeader();
        if (count > 64) return $"{what} has more than 64 elements";
        for (int i = 0; i < count && !reader.HasError; i++)
        {
            if (reader.NextType == MessagePackType.String) into.Add(reader.ReadString() ?? "");
            else if (reader.NextType == MessagePackType.Integer) into.Add(reader.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            else return $"{what} must be an array of strings";
        }
        return reader.HasError ? "Invalid MessagePack: " + reader.Error : null;
    }

    private static string? ReadPackParams(ref MessagePackReader reader, WsRequest request)
    {
        request.HasParamObject = true;
        int count = reader.ReadMapHeader();
        for (int i = 0; i < count && !reader.HasError; i++)
        {
            if (reader.NextType != MessagePackType.String) return "Parameter names must be strings";
            var name = reader.ReadStringUtf8();
            ParamValue value;
            switch (reader.NextType)
            {
                case MessagePackType.String:
                    var text = reader.ReadStringUtf8();
                    value = new ParamValue(ValueKind.String, reader.Position - text.Length, text.Length);
                    break;
                case MessagePackType.Integer:
                    value = new ParamValue(ValueKind.Integer, 0, 0, reader.ReadInt64());
                    break;
                case MessagePackType.Boolean:
                    value = new ParamValue(reader.ReadBoolean() ? ValueKind.True : ValueKind.False, 0, 0);
                    break;
                case MessagePackType.Nil:
                    reader.TryReadNil();
                    value = new ParamValue(ValueKind.Null, 0, 0);
                    break;
                case MessagePackType.Float:
                    return $"Parameter '{Encoding.UTF8.GetString(name)}' is a float: send prices and quantities as decimal strings";
                default:
                    return $"Parameter '{Encoding.UTF8.GetString(name)}' must be a string, integer or boolean";
            }
            if (request.SetParam(name, value) is { } problem) return problem;
        }
        return reader.HasError ? "Invalid MessagePack: " + reader.Error : null;
    }

    private static string? SetMethod(WsRequest request, ReadOnlySpan<byte> name)
    {
        request.Method = WsRequest.MethodOf(name);
        if (request.Method == RequestMethod.Unknown) request.MethodName = Encoding.UTF8.GetString(name);
        return null;
    }

    private static string? SetId(WsRequest request, RequestId id)
    {
        request.Id = id;
        return null;
    }

    private static string? CheckMethod(WsRequest request) => request.Method == RequestMethod.Unknown && request.MethodName is null ? "method is required" : null;
}

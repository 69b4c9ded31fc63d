using Backpack.Gateway.WebSockets.Streams;

namespace Backpack.Gateway.WebSockets;

/// <summary>
/// Public streams: a message written once per wire format its subscribers use and queued to each of them.
/// </summary>
public sealed partial class WsGateway
{
    /// <summary>A message body: writes the data object's fields for one event.</summary>
    private interface IBody
    {
        void Write(MessageWriter w);
    }

    /// <summary>Writes a public stream message once per format its subscribers use and queues it to each.</summary>
    private void Publish<TBody>(StreamKey key, in TBody body) where TBody : IBody, allows ref struct
    {
        var subscribers = _subscribers[Index(key)];
        if (subscribers.Count == 0) return;
        bool json = false, pack = false;
        foreach (var c in subscribers)
        {
            if (c.Format == WireFormat.Json) json = true;
            else pack = true;
        }
        _writer.Begin(json, pack);
        StreamEncoder.BeginStream(_writer, _streamNames[Index(key)]);
        body.Write(_writer);
        StreamEncoder.EndStream(_writer);
        var (jsonFrame, packFrame) = _writer.Finish();
        foreach (var c in subscribers)
        {
            c.Enqueue(c.Format == WireFormat.Json ? jsonFrame! : packFrame!);
        }
        jsonFrame?.Release();
        packFrame?.Release();
    }
}

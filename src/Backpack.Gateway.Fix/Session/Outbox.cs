namespace Backpack.Gateway.Fix.Session;

/// <summary>
/// What a session has sent since its last flush and not yet handed to a socket: the messages for
/// each connection, in order, and the connections to close after them. Filled under the session's
/// lock; delivered by the flusher outside it, after the store has written the same messages.
/// </summary>
internal sealed class Outbox
{
    private byte[] _bytes = new byte[16 * 1024];
    private int _length;
    private readonly List<Part> _parts = [];

    /// <summary>Bytes [Start, End) go to the connection; then, when Close is set, it closes with that reason.</summary>
    private readonly record struct Part(IFixConnection Connection, int Start, int End, string? Close);

    public bool IsEmpty => _parts.Count == 0;

    public void Add(IFixConnection connection, ReadOnlySpan<byte> message)
    {
        if (_length + message.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + message.Length));
        message.CopyTo(_bytes.AsSpan(_length));
        int end = _length + message.Length;
        if (_parts.Count > 0 && _parts[^1] is { Close: null } last && ReferenceEquals(last.Connection, connection)) _parts[^1] = last with { End = end };
        else _parts.Add(new Part(connection, _length, end, null));
        _length = end;
    }

    /// <summary>Closes the connection once what was added for it before has been handed over.</summary>
    public void Close(IFixConnection connection, string reason) => _parts.Add(new Part(connection, _length, _length, reason));

    /// <summary>Hands every message to its connection and writes it (no lock held), then closes what is to be closed.</summary>
    public void Deliver()
    {
        IFixConnection? previous = null;
        foreach (var part in _parts)
        {
            if (previous is not null && !ReferenceEquals(previous, part.Connection)) previous.Flush();
            if (part.End > part.Start) part.Connection.Send(_bytes.AsSpan(part.Start, part.End - part.Start));
            previous = part.Connection;
            if (part.Close is { } reason)
            {
                part.Connection.Flush();
                part.Connection.Disconnect(reason);
            }
        }
        previous?.Flush();
    }

    public void Clear()
    {
        _parts.Clear();
        _length = 0;
    }
}

using System.Text;

namespace Backpack.Gateway.Fix.Session;

/// <summary>The session's message log (<see cref="FixMessageLog"/>): messages in and out, and the session's events.</summary>
public sealed partial class FixSession
{
    /// <summary>Where the session logs its messages and events; null = no message log.</summary>
    public SessionMessageLog? MessageLog { get; set; }

    /// <summary>An event for the events file (cold paths only: the text is formatted by the caller).</summary>
    private void LogEvent(string text) => MessageLog?.Event(text, _clock());

    /// <summary>Garbled input on this session's connection (dropped): an event with a printable excerpt.</summary>
    public void OnGarbled(ReadOnlySpan<byte> bytes)
    {
        if (MessageLog is null) return;
        LogEvent($"Garbled message dropped ({bytes.Length} bytes): {Printable(bytes, 120)}");
    }

    /// <summary>At most <paramref name="max"/> bytes as text: SOH as |, other control and non-ASCII bytes as '.'.</summary>
    internal static string Printable(ReadOnlySpan<byte> bytes, int max)
    {
        var text = new StringBuilder(Math.Min(bytes.Length, max) + 3);
        for (int i = 0; i < bytes.Length && i < max; i++)
        {
            byte b = bytes[i];
            text.Append(b == 1 ? '|' : b is >= 32 and < 127 ? (char)b : '.');
        }
        if (bytes.Length > max) text.Append("...");
        return text.ToString();
    }
}

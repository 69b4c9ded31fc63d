using System.Globalization;
using System.Text;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// A session's ClOrdIDs, kept on disk so that a restarted gateway can tell its FIX clients about
/// orders they placed before it stopped: one line per order and per replace, written (to the
/// operating system) before the command goes to the engine, so that no journaled order lacks its
/// ClOrdID. Lines: <c>N &lt;client order id&gt; &lt;ClOrdID&gt;</c> for a new order, <c>R &lt;new client order
/// id&gt; &lt;new ClOrdID&gt;</c> for a replace (tab-separated; the ClOrdID is the rest of the line).
/// File: <c>&lt;StoreDirectory&gt;/&lt;session id&gt;.orders</c>; with no store directory it is kept in memory only.
/// </summary>
public sealed class FixOrderLog : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly Dictionary<long, string> _clOrdIds = [];

    public FixOrderLog(string? directory, string sessionId)
    {
        if (string.IsNullOrEmpty(directory)) return;
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, Session.FileMessageStore.FileName(sessionId) + ".orders");
        if (File.Exists(Path))
        {
            foreach (string line in File.ReadLines(Path))
            {
                var parts = line.Split('\t', 3);
                // A last line cut short by a crash has no ClOrdID yet: its command never reached the engine.
                if (parts.Length == 3 && parts[0] is "N" or "R" && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long id))
                {
                    _clOrdIds[id] = parts[2];
                }
            }
        }
        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    public string? Path { get; }

    /// <summary>ClOrdIDs known from earlier runs (and this one), by client order id.</summary>
    public IReadOnlyDictionary<long, string> ClOrdIds => _clOrdIds;

    public void New(long clientOrderId, string clOrdId) => Write('N', clientOrderId, clOrdId);

    public void Replaced(long newClientOrderId, string newClOrdId) => Write('R', newClientOrderId, newClOrdId);

    private void Write(char kind, long clientOrderId, string clOrdId)
    {
        _clOrdIds[clientOrderId] = clOrdId;
        _writer?.Write(FormattableString.Invariant($"{kind}\t{clientOrderId}\t{clOrdId}\n"));
    }

    public void Dispose() => _writer?.Dispose();
}

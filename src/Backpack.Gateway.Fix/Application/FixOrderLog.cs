using System.Globalization;
using System.Text;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// A session's ClOrdIDs, kept on disk so that a restarted gateway can tell its FIX clients about
/// orders they placed before it stopped: one line per order and per replace, written (to the
/// operating system, not fsynced) before the command goes to the engine, so that no journaled order
/// lacks its ClOrdID after a crash of the process. Lines (tab-separated, the ClOrdID is the rest of
/// the line): <c>N &lt;client order id&gt; &lt;ClOrdID&gt;</c> for a new order, <c>R &lt;new client order
/// id&gt; &lt;previous client order id&gt; &lt;new ClOrdID&gt;</c> for a replace, so that an order's
/// earlier ClOrdIDs are known again too.
/// File: <c>&lt;StoreDirectory&gt;/&lt;session id&gt;.orders</c>; with no store directory it is kept in memory only.
/// </summary>
public sealed class FixOrderLog : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly Dictionary<long, (long Previous, string ClOrdId)> _links = [];

    public FixOrderLog(string? directory, string sessionId)
    {
        if (string.IsNullOrEmpty(directory)) return;
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, Session.FileMessageStore.FileName(sessionId) + ".orders");
        if (File.Exists(Path))
        {
            // A last line without its newline was cut by a crash: its command never reached the engine.
            using (var file = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite))
            {
                long end = file.Length;
                while (end > 0)
                {
                    file.Position = end - 1;
                    if (file.ReadByte() == '\n') break;
                    end--;
                }
                if (end != file.Length) file.SetLength(end);
            }
            foreach (string line in File.ReadLines(Path)) Parse(line);
        }
        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    public string? Path { get; }

    /// <summary>The highest client order id in the log (0 for none): the session's counter starts above it.</summary>
    public long MaxClientOrderId { get; private set; }

    /// <summary>Every ClOrdID the log knows (orders and replaces).</summary>
    public IEnumerable<string> ClOrdIds => _links.Values.Select(l => l.ClOrdId);

    /// <summary>
    /// The ClOrdIDs an order has gone by, oldest first, with their client order ids, ending at
    /// <paramref name="clientOrderId"/>; empty when the log does not know it.
    /// </summary>
    public List<(long ClientOrderId, string ClOrdId)> Chain(long clientOrderId)
    {
        var chain = new List<(long, string)>();
        for (long id = clientOrderId; id != 0 && _links.TryGetValue(id, out var link) && chain.Count < 10_000; id = link.Previous) chain.Add((id, link.ClOrdId));
        chain.Reverse();
        return chain;
    }

    /// <summary>A new order: written before its command goes to the engine.</summary>
    public void New(long clientOrderId, string clOrdId) => Write(FormattableString.Invariant($"N\t{clientOrderId}\t{clOrdId}\n"), clientOrderId, 0, clOrdId);

    /// <summary>A replace: the order's next client order id and ClOrdID, after <paramref name="previousClientOrderId"/>.</summary>
    public void Replaced(long newClientOrderId, long previousClientOrderId, string newClOrdId) =>
        Write(FormattableString.Invariant($"R\t{newClientOrderId}\t{previousClientOrderId}\t{newClOrdId}\n"), newClientOrderId, previousClientOrderId, newClOrdId);

    private void Write(string line, long clientOrderId, long previous, string clOrdId)
    {
        Link(clientOrderId, previous, clOrdId);
        _writer?.Write(line);
    }

    private void Parse(string line)
    {
        // The ClOrdID is the rest of the line (it may hold any character but a newline).
        var parts = line.Split('\t', line.StartsWith('R') ? 4 : 3);
        if (parts.Length < 3 || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long id)) return;
        if (parts[0] == "N") Link(id, 0, parts[2]);
        else if (parts[0] == "R" && parts.Length == 4 && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long previous)) Link(id, previous, parts[3]);
    }

    private void Link(long clientOrderId, long previous, string clOrdId)
    {
        _links[clientOrderId] = (previous, clOrdId);
        MaxClientOrderId = Math.Max(MaxClientOrderId, clientOrderId);
    }

    public void Dispose() => _writer?.Dispose();
}

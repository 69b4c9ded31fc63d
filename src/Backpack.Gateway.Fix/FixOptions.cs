using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Fix.Transport;

namespace Backpack.Gateway.Fix;

/// <summary>The FIX front end's configuration (section Fix): the acceptor, where the message stores live, and the sessions.</summary>
public sealed class FixOptions : FixAcceptorOptions
{
    /// <summary>Our CompID: SenderCompID of every session that does not set its own.</summary>
    public string CompId { get; set; } = "BACKPACK";

    /// <summary>Folder of the sessions' message stores (one pair of files per session); empty keeps them in memory.</summary>
    public string StoreDirectory { get; set; } = "data/fix";

    /// <summary>The per-session message and event logs (off while its Directory is empty).</summary>
    public MessageLogOptions MessageLog { get; set; } = new();

    /// <summary>The sessions clients may log on to.</summary>
    public List<FixSessionSettings> Sessions { get; set; } = [];

    /// <summary>
    /// Fills the defaults that depend on the list (session numbers from the position, our CompID)
    /// and returns every problem, each naming its key (Fix:Sessions:0:TargetCompId ...).
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!System.Net.IPEndPoint.TryParse(Listen, out _)) errors.Add($"Fix:Listen '{Listen}' is not host:port");
        if (TlsListen.Length > 0 && !System.Net.IPEndPoint.TryParse(TlsListen, out _)) errors.Add($"Fix:TlsListen '{TlsListen}' is not host:port");
        if (string.IsNullOrWhiteSpace(CompId)) errors.Add("Fix:CompId is required");
        if (MaxMessageSize < 1024) errors.Add("Fix:MaxMessageSize must be at least 1024");
        if (MaxOutboundBytes < MaxMessageSize) errors.Add("Fix:MaxOutboundBytes must be at least Fix:MaxMessageSize");
        if (MaxConnections < 1) errors.Add("Fix:MaxConnections must be at least 1");
        if (LogonTimeout <= TimeSpan.Zero) errors.Add("Fix:LogonTimeout must be positive");
        if (TimerPeriod <= TimeSpan.Zero || TimerPeriod > TimeSpan.FromSeconds(1)) errors.Add("Fix:TimerPeriod must be between 0 and 1 s");
        errors.AddRange(MessageLog.Validate());
        var pairs = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<int>();
        for (int i = 0; i < Sessions.Count; i++)
        {
            var session = Sessions[i];
            if (session.Number == 0) session.Number = i + 1;
            if (string.IsNullOrWhiteSpace(session.SenderCompId)) session.SenderCompId = CompId;
            string path = $"Fix:Sessions:{i}";
            errors.AddRange(session.Validate(path));
            if (!pairs.Add(session.Id)) errors.Add($"{path}: the session {session.Id} is defined twice");
            if (!numbers.Add(session.Number)) errors.Add($"{path}:Number {session.Number} is used by another session");
        }
        return errors;
    }
}

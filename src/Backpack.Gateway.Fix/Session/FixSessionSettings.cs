using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Fix.Session;

/// <summary>One FIX session the acceptor knows (configuration: Fix:Sessions).</summary>
public sealed class FixSessionSettings
{
    /// <summary>Stable number of the session (1..1048575); it tags the session's orders and requests. Default: position in the list.</summary>
    public int Number { get; set; }

    /// <summary>Our CompID (SenderCompID of what we send, TargetCompID of what the client sends); empty takes Fix:CompId.</summary>
    public string SenderCompId { get; set; } = "";

    /// <summary>The client's CompID.</summary>
    public string TargetCompId { get; set; } = "";

    /// <summary>Accounts the session may trade for; the first is used when an order names none.</summary>
    public List<int> Accounts { get; set; } = [];

    /// <summary>
    /// A drop-copy session: it receives a copy (CopyMsgIndicator Y) of every ExecutionReport of its
    /// accounts' orders, whichever channel placed them, and cannot trade (orders, cancels and
    /// replaces are refused; status, mass status and position requests are answered).
    /// </summary>
    public bool DropCopy { get; set; }

    public int MinHeartBtInt { get; set; } = 1;
    public int MaxHeartBtInt { get; set; } = 300;

    /// <summary>Restart both sequence numbers at 1 on every Logon (as if ResetSeqNumFlag=Y).</summary>
    public bool ResetOnLogon { get; set; }

    /// <summary>The Logon must carry an Ed25519 signature (RawData 96) by one of <see cref="ApiKeys"/>.</summary>
    public bool RequireSignature { get; set; } = true;

    /// <summary>Base64 Ed25519 public keys accepted in Username(553).</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Largest difference between a message's SendingTime and our clock.</summary>
    public TimeSpan SendingTimeTolerance { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long our Logout waits for the client's before disconnecting.</summary>
    public TimeSpan LogoutTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Messages the client may send per second before being logged out (0 = no limit).</summary>
    public int MaxMessagesPerSecond { get; set; } = 200_000;

    /// <summary>
    /// Cancel the orders this session placed when it disconnects or logs out (after
    /// <see cref="CancelOnDisconnectGrace"/>); a Logon may override it with CancelOnDisconnect(9001) Y/N.
    /// </summary>
    public bool CancelOnDisconnect { get; set; }

    /// <summary>How long after a disconnect the cancel waits; a Logon of the session within it keeps the orders.</summary>
    public TimeSpan CancelOnDisconnectGrace { get; set; } = TimeSpan.Zero;
    /// <summary>Whether the session writes the message log (when Fix:MessageLog:Directory is set).</summary>
    public bool MessageLog { get; set; } = true;

    public string Id => $"{SenderCompId}-{TargetCompId}";

    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Number is < 1 or > 0xFFFFF) errors.Add($"{path}:Number must be 1..1048575");
        if (string.IsNullOrWhiteSpace(SenderCompId)) errors.Add($"{path}:SenderCompId is required");
        if (string.IsNullOrWhiteSpace(TargetCompId)) errors.Add($"{path}:TargetCompId is required");
        if (Accounts.Count == 0) errors.Add($"{path}:Accounts needs at least one account");
        if (MinHeartBtInt < 1 || MaxHeartBtInt < MinHeartBtInt) errors.Add($"{path}:MinHeartBtInt/MaxHeartBtInt must satisfy 1 <= min <= max");
        if (CancelOnDisconnectGrace < TimeSpan.Zero || CancelOnDisconnectGrace > TimeSpan.FromHours(1)) errors.Add($"{path}:CancelOnDisconnectGrace must be 00:00:00 to 01:00:00");
        if (RequireSignature && ApiKeys.Count == 0) errors.Add($"{path}:ApiKeys needs a key when RequireSignature is true");
        foreach (string key in ApiKeys)
        {
            if (!Ed25519.IsBase64Key(key)) errors.Add($"{path}:ApiKeys: '{key}' is not a base64 Ed25519 public key (32 bytes)");
        }
        return errors;
    }
}

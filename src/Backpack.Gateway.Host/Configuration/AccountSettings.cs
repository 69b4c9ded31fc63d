using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Host.Configuration;

/// <summary>An account the venue knows at start (section Accounts): its id, a name, an opening deposit and its API key.</summary>
public sealed class AccountSettings
{
    /// <summary>Account id in the engine (1 .. 16,777,215, not the insurance fund's).</summary>
    public int Id { get; set; }

    /// <summary>A name for people (the demo page's account list, logs).</summary>
    public string Name { get; set; } = "";

    /// <summary>USDC credited on the venue's first start (an empty journal); a recovered venue already holds it.</summary>
    public decimal Deposit { get; set; }

    /// <summary>Base64 Ed25519 public key: what FIX Username(553) and the WebSocket X-API-Key name.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// Base64 Ed25519 private seed. Only the demo configuration carries one, so that a newcomer's
    /// client (and the demo traders) can sign; a real deployment never stores client secrets.
    /// </summary>
    public string? ApiSecret { get; set; }

    public IReadOnlyList<string> Validate(string path, int insuranceFundAccountId)
    {
        var errors = new List<string>();
        if (Id is < 1 or > 16_777_215) errors.Add($"{path}:Id must be 1..16777215");
        if (Id == insuranceFundAccountId) errors.Add($"{path}:Id {Id} is the insurance fund's account");
        if (Deposit < 0 || !Usdc.TryFromDecimal(Deposit, out _)) errors.Add($"{path}:Deposit must be a USDC amount >= 0 with at most 6 decimals");
        if (!Ed25519.IsBase64Key(ApiKey)) errors.Add($"{path}:ApiKey must be a base64 Ed25519 public key (32 bytes)");
        if (ApiSecret is not null && !Ed25519.IsBase64Key(ApiSecret)) errors.Add($"{path}:ApiSecret must be a base64 Ed25519 seed (32 bytes)");
        return errors;
    }

    /// <summary><see cref="Deposit"/> in micro-USDC (the settings were validated).</summary>
    public long DepositMicros => Usdc.TryFromDecimal(Deposit, out long micros) ? micros : 0;
}

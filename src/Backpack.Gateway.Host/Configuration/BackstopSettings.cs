using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Host.Configuration;

/// <summary>
/// Stage 2 of the liquidation pipeline as the venue sets it up at start (section Backstop): the
/// insurance fund's opening deposit and the backstop liquidity providers with their limits. Applied
/// on the first start (an empty journal), like the accounts' deposits.
/// </summary>
public sealed class BackstopSettings
{
    /// <summary>USDC put into the insurance fund when the venue starts.</summary>
    public decimal InsuranceFundDeposit { get; set; }

    public List<BackstopProviderSettings> Providers { get; set; } = [];

    public IReadOnlyList<string> Validate(ISet<int> accounts)
    {
        var problems = new List<string>();
        if (InsuranceFundDeposit < 0 || !Usdc.TryFromDecimal(InsuranceFundDeposit, out _)) problems.Add("Backstop:InsuranceFundDeposit must be a USDC amount >= 0 with at most 6 decimals");
        for (int i = 0; i < Providers.Count; i++)
        {
            var p = Providers[i];
            if (!accounts.Contains(p.Account)) problems.Add($"Backstop:Providers:{i}:Account: account {p.Account} is not in Accounts");
            if (p.NotionalPerMinute <= 0 || !Usdc.TryFromDecimal(p.NotionalPerMinute, out _)) problems.Add($"Backstop:Providers:{i}:NotionalPerMinute must be a positive USDC amount");
            if (p.NotionalPerHour < p.NotionalPerMinute || !Usdc.TryFromDecimal(p.NotionalPerHour, out _)) problems.Add($"Backstop:Providers:{i}:NotionalPerHour must be a USDC amount >= NotionalPerMinute");
        }
        return problems;
    }
}

/// <summary>A backstop liquidity provider: it takes over liquidated positions up to these notionals per rolling minute and hour.</summary>
public sealed class BackstopProviderSettings
{
    public int Account { get; set; }
    public decimal NotionalPerMinute { get; set; }
    public decimal NotionalPerHour { get; set; }
}

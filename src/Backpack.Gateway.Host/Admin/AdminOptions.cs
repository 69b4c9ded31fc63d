namespace Backpack.Gateway.Host.Admin;

/// <summary>The admin endpoints (section Admin).</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// The token that /metrics and /admin/* require (HTTP header <c>Authorization: Bearer &lt;token&gt;</c>).
    /// Empty turns those endpoints off (403); /health needs no token.
    /// </summary>
    public string Token { get; set; } = "";

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Token.Length is > 0 and < 16) problems.Add("Admin:Token must be at least 16 characters (or empty to turn the admin endpoints off)");
        if (Token.Any(char.IsWhiteSpace)) problems.Add("Admin:Token must not contain white space");
        return problems;
    }
}

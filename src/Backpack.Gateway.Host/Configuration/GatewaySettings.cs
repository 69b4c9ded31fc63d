using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Engine.State;
using Backpack.Gateway.Fix;
using Backpack.Gateway.Host.Admin;
using Backpack.Gateway.Host.Demo;
using Backpack.Gateway.Host.PriceFeed;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;
using Backpack.Gateway.WebSockets;
using Microsoft.Extensions.Configuration;

namespace Backpack.Gateway.Host.Configuration;

/// <summary>The configuration could not be used; <see cref="Exception.Message"/> lists every problem with its key.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Everything the gateway reads from configuration, bound section by section (Markets, Accounts,
/// Engine, Sequencer, Journal, Snapshots, Backstop, Fix, WebSocket, PriceFeed, Demo, Admin, History, Rest, Tls). Unknown keys and values that do not convert are errors that name the
/// key, as are the checks each part makes of itself.
/// </summary>
public sealed class GatewaySettings
{
    public List<MarketDefinition> Markets { get; private set; } = [];
    public List<AccountSettings> Accounts { get; private set; } = [];
    public EngineOptions Engine { get; private set; } = new();
    public EngineRunnerOptions Sequencer { get; private set; } = new();
    public JournalOptions Journal { get; private set; } = new();
    public SnapshotOptions Snapshots { get; private set; } = new();
    public FixOptions Fix { get; private set; } = new();
    public WebSocketApiOptions WebSocket { get; private set; } = new();
    public BackstopSettings Backstop { get; private set; } = new();
    public PriceFeedOptions PriceFeed { get; private set; } = new();
    public DemoOptions Demo { get; private set; } = new();
    public AdminOptions Admin { get; private set; } = new();
    public History.HistoryOptions History { get; private set; } = new();
    public Rest.RestOptions Rest { get; private set; } = new();
    public TlsOptions Tls { get; private set; } = new();

    /// <summary>Whether a TLS listener is configured (FIX over TLS, HTTPS/WSS), so the certificate is needed.</summary>
    public bool UsesTls => Fix.TlsListen.Length > 0 || WebSocket.HttpsListen.Length > 0;

    /// <summary>The top-level sections the gateway reads; any other is a typo and stops the start.</summary>
    public static readonly string[] Sections = ["Markets", "Accounts", "Engine", "Sequencer", "Journal", "Snapshots", "Backstop", "Fix", "WebSocket", "PriceFeed", "Demo", "Admin", "History", "Rest", "Tls", "Logging"];

    public static GatewaySettings Load(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var section in configuration.GetChildren())
        {
            if (!Sections.Contains(section.Key, StringComparer.OrdinalIgnoreCase)) problems.Add($"{section.Key}: unknown section (the sections are {string.Join(", ", Sections)})");
        }
        var settings = new GatewaySettings
        {
            Markets = BindMarkets(configuration, problems),
            Accounts = Bind(configuration, "Accounts", new List<AccountSettings>(), problems),
            Engine = Bind(configuration, "Engine", new EngineOptions(), problems),
            Sequencer = Bind(configuration, "Sequencer", new EngineRunnerOptions(), problems),
            Journal = Bind(configuration, "Journal", new JournalOptions(), problems),
            Snapshots = Bind(configuration, "Snapshots", new SnapshotOptions(), problems),
            Fix = Bind(configuration, "Fix", new FixOptions(), problems),
            WebSocket = Bind(configuration, "WebSocket", new WebSocketApiOptions(), problems),
            Backstop = Bind(configuration, "Backstop", new BackstopSettings(), problems),
            PriceFeed = Bind(configuration, "PriceFeed", new PriceFeedOptions(), problems),
            Demo = Bind(configuration, "Demo", new DemoOptions(), problems),
            Admin = Bind(configuration, "Admin", new AdminOptions(), problems),
            History = Bind(configuration, "History", new History.HistoryOptions(), problems),
            Rest = Bind(configuration, "Rest", new Rest.RestOptions(), problems),
            Tls = Bind(configuration, "Tls", new TlsOptions(), problems),
        };
        if (problems.Count == 0) settings.Check(problems);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return settings;
    }

    private static T Bind<T>(IConfiguration configuration, string section, T target, List<string> problems)
    {
        try
        {
            configuration.GetSection(section).Bind(target, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The binder's deepest InvalidOperationException names the key and the value that did not convert.
            Exception named = e;
            for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is InvalidOperationException) named = inner;
            }
            problems.Add(ReferenceEquals(named, e) ? $"{section}: {e.Message}" : named.Message);
        }
        return target;
    }

    /// <summary>
    /// The Markets section, numbered (a market's id is its position + 1) and checked: the same for
    /// the gateway and for `simulate --markets file`.
    /// </summary>
    public static List<MarketDefinition> LoadMarkets(IConfiguration configuration)
    {
        var problems = new List<string>();
        var markets = BindMarkets(configuration, problems);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return markets;
    }

    private static List<MarketDefinition> BindMarkets(IConfiguration configuration, List<string> problems)
    {
        int before = problems.Count;
        var markets = Bind(configuration, "Markets", new List<MarketDefinition>(), problems);
        if (problems.Count > before) return markets;
        if (markets.Count == 0) problems.Add("Markets: at least one market is required");
        for (int i = 0; i < markets.Count; i++)
        {
            markets[i].Id = i + 1;
            problems.AddRange(markets[i].Validate($"Markets:{i}"));
        }
        foreach (var group in markets.GroupBy(m => m.Symbol).Where(g => g.Count() > 1)) problems.Add($"Markets: symbol {group.Key} is defined twice");
        return markets;
    }

    private void Check(List<string> problems)
    {
        try
        {
            Engine.Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
        }
        problems.AddRange(History.Validate());
        problems.AddRange(Rest.Validate());
        if (Sequencer.RingCapacity < 2 || (Sequencer.RingCapacity & (Sequencer.RingCapacity - 1)) != 0) problems.Add("Sequencer:RingCapacity must be a power of two");
        if (Sequencer.MaxBatch < 1) problems.Add("Sequencer:MaxBatch must be at least 1");
        if (Sequencer.EventBuffers < 2) problems.Add("Sequencer:EventBuffers must be at least 2");
        if (Sequencer.TickInterval < TimeSpan.Zero) problems.Add("Sequencer:TickInterval must not be negative");
        var ids = new HashSet<int>();
        for (int i = 0; i < Accounts.Count; i++)
        {
            problems.AddRange(Accounts[i].Validate($"Accounts:{i}", Engine.Liquidation.InsuranceFundAccountId));
            if (!ids.Add(Accounts[i].Id)) problems.Add($"Accounts:{i}:Id {Accounts[i].Id} is used twice");
            if (Accounts[i].ApiSecret is { } secret && Accounts[i].ApiKey.Length > 0 && !SecretMatches(secret, Accounts[i].ApiKey))
            {
                problems.Add($"Accounts:{i}:ApiSecret is not the private key of ApiKey");
            }
        }
        // A session that lists no keys accepts the keys of the accounts it trades for.
        foreach (var session in Fix.Sessions)
        {
            if (session.ApiKeys.Count > 0) continue;
            session.ApiKeys = Accounts.Where(a => session.Accounts.Contains(a.Id) && a.ApiKey.Length > 0).Select(a => a.ApiKey).ToList();
        }
        problems.AddRange(Fix.Validate());
        problems.AddRange(WebSocket.Validate());
        if (UsesTls) problems.AddRange(Tls.Validate());
        problems.AddRange(Journal.Validate());
        problems.AddRange(Snapshots.Validate());
        if (Snapshots.Enabled && !Journal.Enabled) problems.Add("Snapshots:Enabled needs Journal:Enabled (a snapshot without the journal after it would lose commands)");
        problems.AddRange(Backstop.Validate(ids));
        problems.AddRange(PriceFeed.Validate());
        problems.AddRange(Admin.Validate());
        problems.AddRange(Demo.Validate(Accounts.GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First().ApiSecret is not null)));
        // A WebSocket connection logs on with an account's API key (the signed SUBSCRIBE).
        WebSocket.ApiKeys = Accounts.Where(a => a.ApiKey.Length > 0).ToDictionary(a => a.ApiKey, a => a.Id, StringComparer.Ordinal);
        for (int i = 0; i < Fix.Sessions.Count; i++)
        {
            foreach (int account in Fix.Sessions[i].Accounts)
            {
                if (!ids.Contains(account)) problems.Add($"Fix:Sessions:{i}:Accounts: account {account} is not in Accounts");
            }
        }
    }

    private static bool SecretMatches(string secret, string apiKey)
    {
        try
        {
            return Convert.ToBase64String(Ed25519.PublicKeyOf(Convert.FromBase64String(secret))) == apiKey;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

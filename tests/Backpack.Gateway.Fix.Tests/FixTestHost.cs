using System.Net;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Runtime;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Dictionary;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Fix.Transport;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// A whole FIX gateway in the test process: engine thread, gateway, sessions with file stores in
/// a temporary folder, and the acceptor on a free loopback port. Test keys are made fresh.
/// </summary>
public sealed class FixTestHost : IAsyncDisposable
{
    public static readonly FixDictionary Dictionary = FixFrontEnd.LoadDictionary();

    public const string ClientA = "CLIENT_A";
    public const string ClientB = "CLIENT_B";
    public const int AccountA = 101;
    public const int AccountB = 102;

    /// <param name="engineClock">the sequencer's clock (engine time: funding, TransactTime); the system clock when null</param>
    public FixTestHost(Action<FixSessionSettings>? configure = null, string? storeDirectory = null, MarketDefinition[]? markets = null, TimeSpan? tick = null,
        Action<FixAcceptorOptions>? acceptor = null, ManualClock? sessionClock = null, ManualClock? engineClock = null, EngineOptions? engineOptions = null,
        System.Net.Security.SslServerAuthenticationOptions? tls = null)
    {
        DeleteStoreOnDispose = storeDirectory is null;
        StoreDirectory = storeDirectory ?? Path.Combine(Path.GetTempPath(), "bpfix-" + Guid.NewGuid().ToString("N"));
        Markets = markets ?? [Market()];
        Engine = new MatchingEngine(Markets, engineOptions ?? new EngineOptions());
        Runner = new EngineRunner(Engine, engineClock is null ? EngineRunner.SystemClock : engineClock.Now, new EngineRunnerOptions { TickInterval = tick ?? TimeSpan.Zero });
        var options = new FixOptions { Listen = "127.0.0.1:0", StoreDirectory = StoreDirectory };
        foreach (var (number, client, account, key) in new[] { (1, ClientA, AccountA, PrivateKeyA), (2, ClientB, AccountB, PrivateKeyB) })
        {
            var settings = new FixSessionSettings
            {
                Number = number,
                TargetCompId = client,
                Accounts = [account],
                ApiKeys = [Convert.ToBase64String(Ed25519.PublicKeyOf(key))],
                MinHeartBtInt = 1,
            };
            configure?.Invoke(settings);
            options.Sessions.Add(settings);
        }
        if (tls is not null) options.TlsListen = "127.0.0.1:0";
        acceptor?.Invoke(options);
        FrontEnd = new FixFrontEnd(options, Markets, Runner, sessionClock is null ? EngineRunner.SystemClock : sessionClock.Now, Dictionary);
        Runner.AddConsumer(FrontEnd.Gateway);
        FrontEnd.Acceptor.Tls = tls;
        FrontEnd.Start();
        Runner.Start();
    }

    /// <summary>Whether disposing deletes the store folder (by default only one the host made itself).</summary>
    public bool DeleteStoreOnDispose { get; set; }

    public static readonly byte[] PrivateKeyA = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    public static readonly byte[] PrivateKeyB = Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");

    public string StoreDirectory { get; }
    public MarketDefinition[] Markets { get; }
    public MatchingEngine Engine { get; }
    public EngineRunner Runner { get; }
    public FixFrontEnd FrontEnd { get; }
    public FixGateway Gateway => FrontEnd.Gateway;
    public IReadOnlyList<FixSession> Sessions => FrontEnd.Sessions;
    public FixAcceptor Acceptor => FrontEnd.Acceptor;
    public IPEndPoint EndPoint => Acceptor.LocalEndPoint!;

    /// <summary>0.01 USDC ticks, 0.001 lots, 10% band, 2/5 bp fees, IMF 5%.</summary>
    public static MarketDefinition Market() => TestMarkets.Sol();

    /// <summary>Sends a command straight to the engine (funding, prices) and waits until it is processed.</summary>
    public void Command<T>(T command) where T : struct, IProtocolMessage<T>
    {
        long before = Engine.LastSequence;
        byte[] frame = ProtocolCodec.ToArray(command);
        while (!Runner.TrySubmit(frame)) Thread.Yield();
        Assert.True(SpinWait.SpinUntil(() => Engine.LastSequence > before, TimeSpan.FromSeconds(5)), $"the engine did not process {typeof(T).Name}");
    }

    public void Fund(int account, long usdc) => Command(new Deposit(new CommandHeader(0, 0, 0), account, usdc * 1_000_000));

    public void Index(long ticks) => Command(new SetIndexPrice(new CommandHeader(0, 0, 0), 1, ticks));

    /// <summary>Sets SOL's index at 180.00, funds accounts A and B, and logs both traders on (A first).</summary>
    public (FixTestClient A, FixTestClient B) LogOnTraders(long fundA = 100_000, long fundB = 100_000)
    {
        Index(18_000);
        Fund(AccountA, fundA);
        Fund(AccountB, fundB);
        var a = Client();
        a.Logon();
        var b = Client(ClientB);
        b.Logon();
        return (a, b);
    }

    /// <summary>SOL's index at 180.00, accounts A and B funded (USDC), and B logged on over FIX: the client is returned (the caller disposes it).</summary>
    public FixTestClient FundTradersAndLogOnB(long usdcA, long usdcB)
    {
        Index(18_000);
        Fund(AccountA, usdcA);
        Fund(AccountB, usdcB);
        var b = Client(ClientB);
        b.Logon();
        return b;
    }

    public FixTestClient Client(string compId = ClientA, byte[]? key = null) => new(EndPoint, compId, key ?? (compId == ClientA ? PrivateKeyA : PrivateKeyB));

    public FixSession Session(string compId) => Sessions.Single(s => s.Settings.TargetCompId == compId);

    public async ValueTask DisposeAsync()
    {
        await Acceptor.StopAsync();
        Runner.Dispose();
        await FrontEnd.StopAsync();
        if (DeleteStoreOnDispose && Directory.Exists(StoreDirectory)) Directory.Delete(StoreDirectory, recursive: true);
    }
}

/// <summary>
/// A clock the test moves by hand, starting at the system time (so the clients' SendingTime stays
/// within tolerance): the sessions' timers (heartbeats, test requests, timeouts) then fire when the
/// test says, not when a busy machine's scheduler gets round to it.
/// </summary>
public sealed class ManualClock
{
    private long _micros = EngineRunner.SystemClock();

    public long Now() => Volatile.Read(ref _micros);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _micros, (long)by.TotalMicroseconds);

    /// <summary>Sets the time (microseconds since the Unix epoch); it must not go back.</summary>
    public void Set(long unixMicros) => Volatile.Write(ref _micros, unixMicros);
}

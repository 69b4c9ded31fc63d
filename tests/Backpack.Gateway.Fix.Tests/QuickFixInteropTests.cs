using System.Collections.Concurrent;
using System.Diagnostics;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Interop with a real third-party FIX engine: QuickFIX C++ (Debian's libquickfix-dev) as the
/// initiator, loading our fixspec/FIX44.xml with validation on. It logs on with a signature,
/// places, fills, replaces and cancels orders, receives a forced liquidation fill, a margin
/// call, the liquidation notices and an ADL notice, and logs out. QuickFIX must reject nothing
/// we send: every message it sends back is printed, and a Reject (35=3) from it fails the test.
/// </summary>
public class QuickFixInteropTests
{
    [Fact]
    public async Task QuickFix_cpp_trades_and_receives_liquidation_and_adl_messages_without_rejecting_any()
    {
        await using var host = new FixTestHost();
        using var b = host.FundTradersAndLogOnB(1_000, 100_000);
        using var quickfix = QuickFixClient.LogOn(host);

        // Orders, a replace, a cancel.
        quickfix.Send("order q1 1 1 170");
        Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));
        quickfix.Send("replace q1 q2 1 2 170.5");
        string replaced = quickfix.Expect("RECV 8");
        Assert.Contains("|150=5|", replaced);
        Assert.Contains("|41=q1|", replaced);
        quickfix.Send("cancel q2 q3 1");
        Assert.Contains("|150=4|", quickfix.Expect("RECV 8"));

        // A fill: B rests a sell of 100 at 180; QuickFIX buys it (18x on 1,000 USDC).
        b.Send("D", (FixTags.ClOrdID, "b1"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "2"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.OrderQty, "100"), (FixTags.OrdType, "2"), (FixTags.Price, "180"));
        b.Expect("8");
        quickfix.Send("order q4 1 100 180");
        Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));
        string fill = quickfix.Expect("RECV 8");
        Assert.Contains("|150=F|", fill);
        Assert.Contains("|32=100|", fill);

        // The crash: a margin call, the liquidation, the ADL close, its notices and the position report.
        host.Index(17_500);
        Assert.Contains("|5005=0.891039|", quickfix.Expect("RECV U1"));
        host.Index(17_000);
        string started = quickfix.Expect("RECV U2");
        Assert.Contains("|5002=", started);
        host.Command(new Tick(new CommandHeader(0, 0, 0)));
        string forced = quickfix.Expect("RECV 8");
        Assert.Contains("|5001=3|", forced);
        Assert.Contains("|5003=3|", forced);
        Assert.Contains("|31=170.09|", forced);
        Assert.Contains("|5009=0|", quickfix.Expect("RECV U4"));
        Assert.Contains("|5008=3|", quickfix.Expect("RECV U3"));
        Assert.Contains("|704=0|", quickfix.Expect("RECV AP"));

        quickfix.LogOutAndAssertNoneRefused("j");
    }

    [Fact]
    public async Task QuickFix_cpp_resets_the_sequence_numbers_in_session_and_trades_on()
    {
        string client = QuickFixClient.Build();
        await using var host = FundedHost(100_000);
        using var quickfix = new QuickFixClient(client, host, FixTestHost.ClientA, FixTestHost.PrivateKeyA);
        quickfix.Expect("LOGON");
        quickfix.Send("order before 1 1 170");
        Assert.Contains("|150=0|", quickfix.Expect("RECV 8"));

        quickfix.Send("reset"); // QuickFIX sends Logon 141=Y as MsgSeqNum 1 while logged on
        string answer = quickfix.Expect("RECV A");
        Assert.Contains("|34=1|", answer);
        Assert.Contains("|141=Y|", answer);
        quickfix.Send("order after 1 1 170");
        string accepted = quickfix.Expect("RECV 8");
        Assert.Contains("|150=0|", accepted);
        Assert.Contains("|34=2|", accepted); // our numbering restarted too
        Assert.Equal(3, host.Session(FixTestHost.ClientA).ExpectedSeqNum); // theirs: the Logon 1, the order 2

        quickfix.LogOutAndAssertNoneRefused("2"); // and no ResendRequest either way: both numberings agreed
    }

    /// <summary>A gateway with SOL's index at 180 and account A (and B when asked) funded with that many USDC.</summary>
    private static FixTestHost FundedHost(long accountA, long accountB = 0)
    {
        var host = new FixTestHost();
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, accountA);
        if (accountB > 0) host.Fund(FixTestHost.AccountB, accountB);
        return host;
    }
}

/// <summary>The QuickFIX C++ client under QuickFixClient/, built with g++ on first use and run as a child process.</summary>
internal sealed class QuickFixClient : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _incoming = new();
    private readonly string _store = Path.Combine(Path.GetTempPath(), "qf-" + Guid.NewGuid().ToString("N"));

    /// <param name="tlsCa">connect over TLS to <paramref name="endpoint"/>, verifying the acceptor's certificate against this PEM file</param>
    public QuickFixClient(string executable, FixTestHost host, string compId, byte[] privateKey, System.Net.IPEndPoint? endpoint = null, string? tlsCa = null)
    {
        Directory.CreateDirectory(_store);
        string dictionary = Path.Combine(AppContext.BaseDirectory, "fixspec", "FIX44.xml");
        endpoint ??= host.EndPoint;
        var start = new ProcessStartInfo(executable, [endpoint.Address.ToString(), endpoint.Port.ToString(), dictionary, _store, compId, Convert.ToHexString(privateKey)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (tlsCa is not null) start.Environment["QF_TLS_CA"] = tlsCa;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (Lines) Lines.Add(e.Data);
            _incoming.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (Lines) Lines.Add("STDERR " + e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private List<string> Lines { get; } = [];

    /// <summary>Everything the client printed, once it has exited (or after 10 s).</summary>
    public List<string> LinesAfterExit()
    {
        _process.WaitForExit(10_000);
        _process.WaitForExit(); // drains the redirected output
        lock (Lines) return [.. Lines];
    }

    public void Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    /// <summary>
    /// Logs out and quits, then checks that neither side sent the other a Reject (3) or a message of
    /// <paramref name="alsoRefused"/>: QuickFIX prints what it sends (SENT) and what it accepted (RECV).
    /// </summary>
    public void LogOutAndAssertNoneRefused(params string[] alsoRefused)
    {
        Send("logout");
        Expect("LOGOUT");
        Send("quit");
        var lines = LinesAfterExit();
        foreach (string type in alsoRefused.Prepend("3"))
        {
            Assert.DoesNotContain(lines, line => line.StartsWith($"SENT {type} ", StringComparison.Ordinal) || line.StartsWith($"RECV {type} ", StringComparison.Ordinal));
        }
    }

    /// <summary>The next output line starting with <paramref name="prefix"/>, skipping heartbeats and other lines.</summary>
    public string Expect(string prefix, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (_incoming.TryTake(out var line, TimeSpan.FromMilliseconds(100)) && line.StartsWith(prefix, StringComparison.Ordinal)) return line;
        }
        lock (Lines) throw new TimeoutException($"QuickFIX client printed no '{prefix}' line. Output:\n" + string.Join("\n", Lines));
    }

    /// <summary>Builds the client if needed, starts it as session A (CLIENT_A) of <paramref name="host"/> and waits for its Logon.</summary>
    public static QuickFixClient LogOn(FixTestHost host)
    {
        var client = new QuickFixClient(Build(), host, FixTestHost.ClientA, FixTestHost.PrivateKeyA);
        client.Expect("LOGON");
        return client;
    }

    /// <summary>Compiles client.cpp (once per content) with g++ against QuickFIX and OpenSSL; tests that run side by side share the build.</summary>
    public static string Build() =>
        QuickFixBuild.Executable(Path.Combine(AppContext.BaseDirectory, "QuickFixClient", "client.cpp"), "backpack-quickfix-client");

    public void Dispose()
    {
        try
        {
            if (!_process.WaitForExit(3000)) _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_store, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

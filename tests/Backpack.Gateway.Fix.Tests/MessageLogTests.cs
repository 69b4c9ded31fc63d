using System.Diagnostics;
using System.Text;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>The per-session message log (Fix:MessageLog; docs/fix.md section 3, Message log) over loopback.</summary>
public sealed class MessageLogTests() : TemporaryFolderTest("bpfixlog-")
{
    // The logs are written straight into Folder; a store of the test's own goes in a subfolder.

    private FixTestHost Host(Action<MessageLogOptions>? log = null, Action<FixSessionSettings>? session = null, string? storeDirectory = null)
    {
        var host = new FixTestHost(session, storeDirectory, acceptor: options =>
        {
            var messageLog = ((FixOptions)options).MessageLog;
            messageLog.Directory = Folder;
            log?.Invoke(messageLog);
        });
        host.Index(18_000);
        host.Fund(FixTestHost.AccountA, 100_000);
        return host;
    }

    private static (int, string)[] Order(string clOrdId, string price) =>
        [(FixTags.ClOrdID, clOrdId), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()),
         (FixTags.OrderQty, "1"), (FixTags.OrdType, "2"), (FixTags.Price, price)];

    private string FilePath(string client, string kind) =>
        Path.Combine(Folder, FixMessageLog.FileName("FIX.4.4", "BACKPACK", client, DateOnly.FromDateTime(DateTime.UtcNow), kind));

    private sealed record Line(DateTime Time, string Direction, byte[] Message);

    /// <summary>The messages file as lines: timestamp, IN or OUT, the message's bytes.</summary>
    private List<Line> Messages(string client = FixTestHost.ClientA)
    {
        byte[] all = File.ReadAllBytes(FilePath(client, "messages"));
        var lines = new List<Line>();
        int start = 0;
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] != (byte)'\n') continue;
            var line = all.AsSpan(start, i - start);
            start = i + 1;
            var time = DateTime.ParseExact(Encoding.ASCII.GetString(line[..24]), "yyyyMMdd-HH:mm:ss.ffffff", null, System.Globalization.DateTimeStyles.AdjustToUniversal);
            int space = line[25..].IndexOf((byte)' ') + 25;
            lines.Add(new Line(time, Encoding.ASCII.GetString(line[25..space]), line[(space + 1)..].ToArray()));
        }
        Assert.Equal(all.Length, start); // every line ends with a newline
        return lines;
    }

    private string[] Events(string client = FixTestHost.ClientA) => File.ReadAllLines(FilePath(client, "events"));

    private static string Text(byte[] message) => Encoding.ASCII.GetString(message).Replace('\u0001', '|');

    [Fact]
    public async Task The_log_holds_the_logon_an_order_and_its_execution_report_in_order_byte_exact()
    {
        await using var host = Host();
        using var client = host.Client();
        byte[] logon = client.BuildLogon();
        client.SendRaw(logon);
        var logonReply = client.Expect("A");
        byte[] order = client.Build("D", Order("log-1", "170"));
        client.SendRaw(order);
        var report = client.Expect("8");
        byte[] logout = client.Build("5");
        client.SendRaw(logout);
        var logoutReply = client.Expect("5");

        // Written within the flush interval (200 ms) while the gateway runs.
        var written = Stopwatch.StartNew();
        while (!(File.Exists(FilePath(FixTestHost.ClientA, "messages")) && Messages().Count >= 6) && written.Elapsed < TimeSpan.FromSeconds(3)) Thread.Sleep(20);
        var lines = Messages();
        Assert.Equal(["IN", "OUT", "IN", "OUT", "IN", "OUT"], lines.Select(l => l.Direction));
        Assert.Equal(Text(logon), Text(lines[0].Message));
        Assert.Equal(logonReply.ToString(), Text(lines[1].Message));
        Assert.Equal(Text(order), Text(lines[2].Message));
        Assert.Equal(report.ToString(), Text(lines[3].Message));
        Assert.Equal(Text(logout), Text(lines[4].Message));
        Assert.Equal(logoutReply.ToString(), Text(lines[5].Message));
        Assert.True(lines.Zip(lines.Skip(1)).All(p => p.First.Time <= p.Second.Time), "timestamps in order");
        Assert.True(Math.Abs((lines[0].Time - DateTime.UtcNow).TotalMinutes) < 1, "UTC timestamps");
        Assert.Equal(logon, lines[0].Message); // SOH kept: the bytes as on the wire
    }

    [Fact]
    public async Task The_events_file_holds_logon_reject_resend_garbled_input_and_logout()
    {
        var host = Host();
        using var client = host.Client();
        client.Logon();
        client.Send("ZZ"); // not a FIX 4.4 message type: Reject 11
        client.Expect("3");
        client.Send("D", Order("ev-1", "170"));
        client.Expect("8");
        client.Send("2", (FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0"));
        var gapFill = client.Expect("4");
        var resent = client.Expect("8");
        byte[] garbled = client.Build("1", [(FixTags.TestReqID, "lost")]);
        garbled[^2] = garbled[^2] == (byte)'0' ? (byte)'1' : (byte)'0';
        client.NextSeq--;
        client.SendRaw(garbled);
        client.Send("1", [(FixTags.TestReqID, "gap")], seq: client.NextSeq + 1); // ahead: we ask for the gap
        client.Expect("2");
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, (client.NextSeq - 1).ToString())], seq: client.NextSeq - 2, possDup: true, origSendingTime: FixTestClient.Now());
        client.Expect("0");
        client.Send("5");
        client.Expect("5");
        await host.DisposeAsync();

        string[] events = Events();
        string[] expected = ["Logon from ", "Reject sent: RefSeqNum 2, SessionRejectReason 11, RefTagID 35: Invalid MsgType", "ResendRequest received: BeginSeqNo 1, EndSeqNo 0",
            "Garbled message dropped (", "ResendRequest sent: BeginSeqNo 5", "SequenceReset-GapFill received: next expected 5 -> 6", "Logout received; answered", "Disconnected"];
        int at = 0;
        foreach (string text in expected)
        {
            at = Array.FindIndex(events, at, e => e[25..].StartsWith(text, StringComparison.Ordinal));
            Assert.True(at >= 0, $"no event '{text}' in order in:\n{string.Join('\n', events)}");
        }
        Assert.Contains(events, e => e.Contains("Garbled") && e.Contains("35=1|") && e.Contains("112=lost|"));
        // Resent messages are logged as sent: the gap fill and the ExecutionReport with PossDupFlag=Y.
        var lines = Messages();
        Assert.Contains(lines, l => l.Direction == "OUT" && Text(l.Message) == gapFill.ToString());
        Assert.Contains(lines, l => l.Direction == "OUT" && Text(l.Message) == resent.ToString() && resent.GetString(FixTags.PossDupFlag) == "Y");
    }

    [Fact]
    public async Task A_session_with_the_log_off_writes_nothing()
    {
        await using (var host = Host(session: s => s.MessageLog = s.TargetCompId != FixTestHost.ClientA))
        {
            using var client = host.Client();
            client.Logon();
            client.Send("D", Order("off-1", "170"));
            client.Expect("8");
            client.Send("5");
            client.Expect("5");
        }
        Assert.Empty(Directory.GetFiles(Folder));

        await using var noDirectory = new FixTestHost();
        Assert.Null(noDirectory.FrontEnd.MessageLog);
        Assert.All(noDirectory.Sessions, s => Assert.Null(s.MessageLog));
    }

    [Fact]
    public async Task Files_are_flushed_at_stop()
    {
        var host = Host(log => log.FlushInterval = TimeSpan.FromSeconds(10));
        using var client = host.Client();
        client.Logon();
        client.Send("D", Order("stop-1", "170"));
        client.Expect("8");
        Assert.False(File.Exists(FilePath(FixTestHost.ClientA, "messages")) && new FileInfo(FilePath(FixTestHost.ClientA, "messages")).Length > 0,
            "nothing written before the 10 s flush interval");
        await host.DisposeAsync();
        // The shutdown's Logout is the last line.
        var lines = Messages();
        Assert.Equal(["IN", "OUT", "IN", "OUT", "OUT"], lines.Select(l => l.Direction));
        Assert.Contains("|35=5|", Text(lines[^1].Message));
        Assert.Contains("|58=Gateway shutting down|", Text(lines[^1].Message));
    }

    [Fact]
    public async Task The_log_survives_a_restart_appending_to_the_days_file()
    {
        for (int run = 1; run <= 2; run++)
        {
            await using var host = Host(storeDirectory: Path.Combine(Folder, "store"));
            using var client = host.Client();
            client.Logon();
            client.Send("D", Order("restart-" + run, "170"));
            client.Expect("8");
            client.Send("5");
            client.Expect("5");
        }
        var lines = Messages();
        Assert.Equal(2, lines.Count(l => l.Direction == "IN" && Text(l.Message).Contains("|35=A|")));
        Assert.Equal(["restart-1", "restart-2"], lines.Where(l => l.Direction == "IN" && Text(l.Message).Contains("|35=D|"))
            .Select(l => Text(l.Message).Split('|').Single(f => f.StartsWith("11=", StringComparison.Ordinal))[3..]));
        Assert.Equal(2, Events().Count(e => e.Contains(" Logon from ")));
    }

    [Fact]
    public void A_new_utc_day_starts_new_files()
    {
        long midnight = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        using (var log = new FixMessageLog(new MessageLogOptions { Directory = Folder }, () => midnight))
        {
            var session = log.Register("FIX.4.4", "BACKPACK", "DAY");
            session.Outgoing("8=FIX.4.4\u00019=5\u000135=0\u000110=000\u0001"u8, midnight - 1);
            session.Event("last of the day", midnight - 1);
            session.Incoming("8=FIX.4.4\u00019=5\u000135=1\u000110=000\u0001"u8, midnight);
        }
        string File(int day, string kind) => Path.Combine(Folder, FixMessageLog.FileName("FIX.4.4", "BACKPACK", "DAY", new DateOnly(2026, 12, day), kind));
        Assert.Equal("20261205-23:59:59.999999 OUT 8=FIX.4.4\u00019=5\u000135=0\u000110=000\u0001\n", System.IO.File.ReadAllText(File(5, "messages")));
        Assert.Equal("20261205-23:59:59.999999 last of the day\n", System.IO.File.ReadAllText(File(5, "events")));
        Assert.Equal("20261206-00:00:00.000000 IN 8=FIX.4.4\u00019=5\u000135=1\u000110=000\u0001\n", System.IO.File.ReadAllText(File(6, "messages")));
        Assert.Equal(["FIX.4.4-BACKPACK-DAY.20261205.events.log", "FIX.4.4-BACKPACK-DAY.20261205.messages.log", "FIX.4.4-BACKPACK-DAY.20261206.messages.log"],
            Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_lines_without_holding_up_trading()
    {
        using var stall = new StalledFiles();
        bool stopped = false;
        var host = Host(log =>
        {
            log.QueueBytes = 1024;
            log.OpenFile = stall.Open;
        });
        try
        {
            using var client = host.Client();
            client.Logon();
            // The writer takes the Logon lines within its 200 ms interval and hangs on the disk.
            Assert.True(stall.Entered.Wait(TimeSpan.FromSeconds(5)), "the writer did not start writing");
            const int orders = 60;
            var trading = Stopwatch.StartNew();
            for (int i = 0; i < orders; i++)
            {
                client.Send("D", Order("full-" + i, "170"));
                Assert.Equal("0", client.Expect("8", TimeSpan.FromSeconds(2)).GetString(FixTags.ExecType));
            }
            Assert.True(trading.Elapsed < TimeSpan.FromSeconds(10), $"trading took {trading.Elapsed} with the log stalled");
            long dropped = host.FrontEnd.MessageLog!.DroppedLines;
            Assert.True(dropped >= orders, $"only {dropped} lines dropped: a 1 KiB queue cannot hold {orders} orders and their reports");

            stall.Release();
            client.Send("5");
            client.Expect("5");
            int exchanged = client.NextSeq - 1 + client.Received.Count;
            stopped = true;
            await host.DisposeAsync();

            long droppedAll = host.FrontEnd.MessageLog.DroppedLines;
            var notices = Events().Where(e => e.Contains(" lines dropped (message log queue full): ")).ToList();
            Assert.NotEmpty(notices);
            long noticeLines = 0, noticeMessages = 0;
            foreach (string notice in notices)
            {
                string[] words = notice[25..].Split(' ');
                noticeLines += long.Parse(words[0]);
                noticeMessages += long.Parse(words[7]);
            }
            Assert.Equal(droppedAll, noticeLines);
            // Every message exchanged is either in the file or counted as dropped.
            Assert.Equal(exchanged, Messages().Count + noticeMessages);
        }
        finally
        {
            stall.Release();
            if (!stopped) await host.DisposeAsync();
        }
    }

    /// <summary>Log files whose writes hang until <see cref="Release"/> (a disk that does not keep up).</summary>
    private sealed class StalledFiles : IDisposable
    {
        private readonly ManualResetEventSlim _released = new(false);

        public ManualResetEventSlim Entered { get; } = new(false);

        public void Release() => _released.Set();

        public Stream Open(string path) => new Stalled(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), this);

        public void Dispose()
        {
            _released.Set();
        }

        private sealed class Stalled(FileStream inner, StalledFiles owner) : Stream
        {
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => inner.Length;
            public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
            public override void Flush() => inner.Flush();
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                owner.Entered.Set();
                owner._released.Wait();
                inner.Write(buffer);
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}

using System.Text;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// The session writes its store and its socket with no lock held: while the store's write is on
/// the disk, other threads take the session's lock and send; what they sent follows in order,
/// and nothing reaches the socket before the store has it.
/// </summary>
public sealed class SessionFlushTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-flush-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A file store whose writes wait for the test (a slow disk), counting them.</summary>
    private sealed class SlowStore(string folder) : IMessageStore
    {
        private readonly FileMessageStore _inner = new(folder, "BACKPACK-ALICE");
        public readonly ManualResetEventSlim Writing = new(false);
        public readonly ManualResetEventSlim Release = new(false);
        public int Writes;

        public int NextSenderSeqNum { get => _inner.NextSenderSeqNum; set => _inner.NextSenderSeqNum = value; }
        public int NextTargetSeqNum { get => _inner.NextTargetSeqNum; set => _inner.NextTargetSeqNum = value; }
        public void Save(int seqNum, ReadOnlySpan<byte> message) => _inner.Save(seqNum, message);
        public IEnumerable<(int SeqNum, byte[] Message)> Get(int begin, int end) => _inner.Get(begin, end);
        public void Reset() => _inner.Reset();
        public StoreWrite? TakeWrite() => _inner.TakeWrite();

        public void Write(StoreWrite write)
        {
            Writing.Set();
            Assert.True(Release.Wait(TimeSpan.FromSeconds(10)), "the test never let the write finish");
            _inner.Write(write);
            Interlocked.Increment(ref Writes);
        }

        public void Written(StoreWrite write) => _inner.Written(write);
        public void Dispose() => _inner.Dispose();
    }

    /// <summary>A socket that records what was written to it, and how many store writes had finished by then.</summary>
    private sealed class Wire(SlowStore store) : IFixConnection
    {
        private readonly List<byte> _queued = [];
        public readonly List<(string Message, int WritesBefore)> Sent = [];
        public string RemoteEndPoint => "test";
        public void Send(ReadOnlySpan<byte> message) { lock (_queued) _queued.AddRange(message.ToArray()); }

        public void Flush()
        {
            lock (_queued)
            {
                foreach (var m in Encoding.ASCII.GetString([.. _queued]).Split("8=FIX.4.4", StringSplitOptions.RemoveEmptyEntries)) Sent.Add(("8=FIX.4.4" + m, Volatile.Read(ref store.Writes)));
                _queued.Clear();
            }
        }

        public void Disconnect(string reason) { }
    }

    private sealed class Accepting : IFixApplication
    {
        public string? Authenticate(FixSession session, FixMessage logon) => null;
        public void OnLogon(FixSession session) { }
        public void OnLogout(FixSession session) { }
        public void OnMessage(FixSession session, FixMessage message) { }
    }

    private static FixMessage Logon()
    {
        var buffer = new byte[512];
        var w = new FixWriter(buffer, "A"u8);
        w.Field(FixTags.SenderCompID, "ALICE");
        w.Field(FixTags.TargetCompID, "BACKPACK");
        w.Field(FixTags.MsgSeqNum, 1);
        w.Timestamp(FixTags.SendingTime, Now());
        w.Field(FixTags.EncryptMethod, 0);
        w.Field(FixTags.HeartBtInt, 30);
        var (start, length) = w.Finish("FIX.4.4"u8);
        var m = new FixMessage();
        m.Parse(buffer, start, length);
        return m;
    }

    private static long Now() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    [Fact]
    public void While_the_store_writes_the_lock_is_free_and_what_was_sent_meanwhile_follows_after_its_own_write()
    {
        var store = new SlowStore(_folder);
        var wire = new Wire(store);
        var session = new FixSession(new FixSessionSettings { SenderCompId = "BACKPACK", TargetCompId = "ALICE" },
            store, FixTestHost.Dictionary, new Accepting(), Now);
        lock (session.Lock) session.OnMessage(Logon(), wire);
        Assert.True(session.IsLoggedOn);

        // The reader's flush: it writes the Logon's sequence numbers and stays in the store's write.
        var reader = new Thread(session.Flush);
        reader.Start();
        Assert.True(store.Writing.Wait(TimeSpan.FromSeconds(10)));

        // Meanwhile the dispatcher takes the lock (free) and sends an application message.
        Assert.True(Monitor.TryEnter(session.Lock, TimeSpan.FromSeconds(5)), "the session's lock was held across the store's write");
        try
        {
            var w = session.Begin("j"u8);
            w.Field(FixTags.RefSeqNum, 1);
            w.Field(FixTags.RefMsgType, "D");
            w.Field(FixTags.BusinessRejectReason, 0);
            w.Field(FixTags.Text, "meanwhile");
            session.Send(ref w);
        }
        finally
        {
            Monitor.Exit(session.Lock);
        }
        session.Flush(); // a flusher is at work: this returns at once and leaves it to the flusher
        lock (wire.Sent) Assert.Empty(wire.Sent); // nothing on the socket before the store has it

        store.Release.Set();
        Assert.True(reader.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, store.Writes); // the Logon's batch, then the flusher's second round with the reject
        Assert.Collection(wire.Sent,
            logon => Assert.True(logon.Message.Contains("\u000135=A\u0001") && logon.Message.Contains("\u000134=1\u0001") && logon.WritesBefore >= 1),
            reject => Assert.True(reject.Message.Contains("\u000135=j\u0001") && reject.Message.Contains("\u000134=2\u0001") && reject.WritesBefore == 2));

        // Both are in the file: a store opened again resends the reject and continues at 3.
        store.Dispose();
        using var reopened = new FileMessageStore(_folder, "BACKPACK-ALICE");
        Assert.Equal(3, reopened.NextSenderSeqNum);
        Assert.Contains("meanwhile", Encoding.ASCII.GetString(Assert.Single(reopened.Get(1, 10)).Message));
    }

    [Fact]
    public void A_resend_reads_records_still_in_memory_and_records_in_the_file_and_a_reset_starts_the_file_again()
    {
        var store = new FileMessageStore(_folder, "S");
        IMessageStore s = store;
        store.Save(1, "one"u8);
        store.Save(2, "two"u8);
        Assert.Equal(["one", "two"], store.Get(1, 2).Select(r => Encoding.ASCII.GetString(r.Message)));
        var first = s.TakeWrite()!;
        store.Save(3, "three"u8);
        // In flight (taken, not yet written) and staged: both read from memory.
        Assert.Equal(["one", "two", "three"], store.Get(1, 3).Select(r => Encoding.ASCII.GetString(r.Message)));
        s.Write(first);
        s.Written(first);
        s.Flush();
        Assert.Equal(["two", "three"], store.Get(2, 9).Select(r => Encoding.ASCII.GetString(r.Message)));

        store.Reset();
        store.Save(1, "again"u8);
        Assert.Equal(["again"], store.Get(1, 9).Select(r => Encoding.ASCII.GetString(r.Message)));
        store.Dispose();
        using var reopened = new FileMessageStore(_folder, "S");
        Assert.Equal(["again"], reopened.Get(1, 9).Select(r => Encoding.ASCII.GetString(r.Message)));
        Assert.Equal(1, reopened.NextSenderSeqNum);
    }
}

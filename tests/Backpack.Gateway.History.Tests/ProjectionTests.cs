using Backpack.Gateway.Engine;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.History.Tests;

/// <summary>Drives a real engine and feeds its event batches to a projector, as the host does.</summary>
internal sealed class Venue
{
    public const long Usdc = 1_000_000;
    public const long Start = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z
    private readonly FrameBuffer _output = new();
    private long _sequence;

    public Venue(MarketDefinition? market = null)
    {
        Market = market ?? new MarketDefinition
        {
            Symbol = "HST_USDC_PERP", TickSize = 0.01m, StepSize = 1m, MinQuantity = 1m, MaxQuantity = 1_000_000m, PriceBand = 0.2m,
            MakerFee = 0.0002m, TakerFee = 0.0005m, BaseImf = 0.1m, ImfFactor = 0, BaseMmf = 0.05m, MmfFactor = 0, FundingIntervalSeconds = 60,
        };
        Engine = new MatchingEngine([Market]);
        Time = Start;
    }

    public MarketDefinition Market { get; }
    public MatchingEngine Engine { get; }
    public long Time { get; set; }

    /// <summary>Every batch so far, as the engine emitted them.</summary>
    public List<EventBatch> Batches { get; } = [];

    public void Send<T>(T command) where T : struct, IProtocolMessage<T>
    {
        _output.Clear();
        Engine.Process(ProtocolCodec.ToArray(command), _output);
        Batches.Add(EventBatch.Copy(_output));
    }

    public CommandHeader Header() => new(++_sequence, Time, _sequence);

    public void Deposit(int account, long usdc) => Send(new Deposit(Header(), account, usdc * Usdc));
    public void Index(long ticks) => Send(new SetIndexPrice(Header(), 1, ticks));
    public void Limit(int account, Side side, long price, long quantity) =>
        Send(new NewOrder(Header(), account, 1, 0, side, OrderType.Limit, TimeInForce.Gtc, price, quantity, OrderFlags.None, SelfTradePrevention.RejectTaker));
    public void Tick() => Send(new Tick(Header()));
    public void Withdraw(int account, long usdc) => Send(new Withdraw(Header(), account, usdc * Usdc));
}

public class ProjectionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-history-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private HistoryDatabase Sqlite() => HistoryDatabase.Sqlite(Path.Combine(_folder, "history.db"));

    /// <summary>Trades at 100.00 and 101.00 a minute apart, a funding time, a deposit: the history a small session leaves.</summary>
    internal static Venue Session()
    {
        var v = new Venue();
        v.Index(10_000);
        v.Deposit(1, 10_000);
        v.Deposit(2, 10_000);
        v.Deposit(Fund, 1_000);                          // the insurance fund's injection
        v.Limit(2, Side.Sell, 10_000, 5);               // order 1 rests
        v.Limit(1, Side.Buy, 10_000, 3);                // trade 1: 3 at 100.00, order 1 partly filled
        v.Time += 61_000_000;                            // into the next minute, past a funding time
        v.Tick();
        v.Limit(1, Side.Buy, 10_100, 2);                // trade 2: 2 at 100.00 (the resting ask), order 1 filled
        v.Limit(2, Side.Sell, 10_100, 4);               // rests at 101.00
        v.Limit(1, Side.Buy, 10_100, 1);                // trade 3: 1 at 101.00
        v.Withdraw(Fund, 400);                           // and a withdrawal from the fund
        return v;
    }

    internal static void CheckSession(HistoryReader history, Venue v)
    {
        var trades = history.Trades(1, 10);
        Assert.Equal([(3L, 10_100L, 1L), (2L, 10_000L, 2L), (1L, 10_000L, 3L)], trades.Select(t => (t.TradeId, t.Price, t.Quantity)));
        Assert.All(trades, t => Assert.Equal((int)Side.Buy, t.TakerSide));

        // 1-minute candles of the last price: 3 lots at 100.00 in the first minute, then 2 at 100.00 and 1 at 101.00.
        var minute = history.Candles(1, CandlePrice.Last, "1m", Venue.Start, Venue.Start + 3_600_000_000, 100);
        Assert.Equal([(Venue.Start, 10_000L, 10_000L, 10_000L, 10_000L, 3L, 30_000L, 1L), (Venue.Start + 60_000_000, 10_000L, 10_100L, 10_000L, 10_100L, 3L, 30_100L, 2L)],
            minute.Select(c => (c.OpenTime, c.Open, c.High, c.Low, c.Close, c.Volume, c.QuoteVolume, c.Trades)));
        var hour = Assert.Single(history.Candles(1, CandlePrice.Last, "1h", Venue.Start, Venue.Start + 3_600_000_000, 100));
        Assert.Equal((10_000L, 10_100L, 10_000L, 10_100L, 6L, 3L), (hour.Open, hour.High, hour.Low, hour.Close, hour.Volume, hour.Trades));
        Assert.NotEmpty(history.Candles(1, CandlePrice.Mark, "1m", Venue.Start, Venue.Start + 3_600_000_000, 100));
        Assert.Equal(10_000, Assert.Single(history.Candles(1, CandlePrice.Index, "1d", Venue.Start, Venue.Start + 86_400_000_000, 100)).Close);

        var fills = history.Fills(1, 0, 0, long.MaxValue, 100, 0);
        Assert.Equal([(3L, 1L), (2L, 2L), (1L, 3L)], fills.Select(f => (f.TradeId, f.Quantity)));
        var orders = history.Orders(2, 0, 10, 0);
        Assert.Equal([("PartiallyFilled", 10_100L, 4L, 1L), ("Filled", 10_000L, 5L, 5L)], orders.Select(o => (o.Status, o.Price, o.Quantity, o.Filled))); // newest first
        var funding = Assert.Single(history.FundingRates(1, 10, 0));
        Assert.Equal(Venue.Start + 60_000_000, funding.IntervalEnd);
        var payments = history.FundingPayments(1, 0, 10, 0);
        Assert.Equal([3L], payments.Select(p => p.Quantity));
        Assert.Equal(10_000 * Venue.Usdc, Assert.Single(history.Transfers(1, "Deposit", 10, 0)).Amount);
        var fund = history.FundMovements(0, long.MaxValue, 10); // oldest first
        // The funding payment's rounding (a micro-USDC) goes to the fund between the two.
        Assert.Equal([(1_000 * Venue.Usdc, 1_000 * Venue.Usdc, "Injection"), (1L, 1_000 * Venue.Usdc + 1, "FundingResidue"), (-400 * Venue.Usdc, 600 * Venue.Usdc + 1, "Injection")],
            fund.Select(f => (f.Change, f.Balance, f.Reason)));
        Assert.Equal([fund[2]], history.FundMovements(0, long.MaxValue, 1)); // the newest one
        Assert.Empty(history.FundMovements(0, Venue.Start - 1, 10));
        Assert.Equal(v.Engine.LastSequence, history.Cursor());
    }

    private const int Fund = 9_000_000;

    [Fact]
    public void A_database_of_another_schema_is_refused_with_the_reason()
    {
        var db = Sqlite();
        new HistoryProjector(db).Open();
        using (var connection = db.Open()) HistoryDatabase.Execute(connection, null, "UPDATE history_meta SET value = 1 WHERE name = 'schema'");
        var e = Assert.Throws<HistorySchemaException>(() => new HistoryProjector(db).Open());
        Assert.Contains("schema 1", e.Message);
        db.Drop();
        Assert.Equal(0, new HistoryProjector(db).Open());
    }

    [Fact]
    public void Trades_candles_fills_orders_funding_and_transfers_follow_the_engine()
    {
        var v = Session();
        var db = Sqlite();
        var projector = new HistoryProjector(db);
        Assert.Equal(0, projector.Open());
        foreach (var batch in v.Batches) projector.Apply(batch);
        CheckSession(new HistoryReader(db), v);
    }

    [Fact]
    public void Feeding_the_same_events_again_changes_nothing_and_a_dropped_database_is_rebuilt_the_same()
    {
        var v = Session();
        var db = Sqlite();
        var projector = new HistoryProjector(db);
        projector.Open();
        foreach (var batch in v.Batches) projector.Apply(batch);
        // A restart: a new projector reads the cursor and passes over what it already has.
        var again = new HistoryProjector(db);
        Assert.Equal(v.Engine.LastSequence, again.Open());
        foreach (var batch in v.Batches) again.Apply(batch);
        CheckSession(new HistoryReader(db), v);

        db.Drop();
        var rebuilt = new HistoryProjector(db);
        Assert.Equal(0, rebuilt.Open());
        foreach (var batch in v.Batches) rebuilt.Apply(batch);
        CheckSession(new HistoryReader(db), v);
    }

    [Fact]
    public async Task The_projector_thread_follows_posted_batches_and_reports_its_cursor()
    {
        var v = Session();
        var db = Sqlite();
        var projector = new HistoryProjector(db);
        projector.Open();
        using var done = new ManualResetEventSlim();
        projector.Committed = cursor => { if (cursor == v.Engine.LastSequence) done.Set(); };
        projector.Start();
        foreach (var batch in v.Batches) projector.Post(batch);
        Assert.True(done.Wait(TimeSpan.FromSeconds(30)), $"cursor {projector.Cursor} of {v.Engine.LastSequence}");
        Assert.Equal(v.Engine.LastSequence, projector.Posted);
        CheckSession(new HistoryReader(db), v);
        await projector.DisposeAsync();
    }
}

namespace Backpack.Gateway.History.Tests;

/// <summary>The same schema and queries against a real PostgreSQL server (started by the fixture on 127.0.0.1).</summary>
public class PostgresProjectionTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private HistoryDatabase Database() => new(HistoryProvider.Postgres, server.CreateDatabase());

    [Fact]
    public void The_session_projects_into_postgres_as_into_sqlite()
    {
        var v = ProjectionTests.Session();
        var db = Database();
        var projector = new HistoryProjector(db);
        Assert.Equal(0, projector.Open());
        foreach (var batch in v.Batches) projector.Apply(batch);
        ProjectionTests.CheckSession(new HistoryReader(db), v);
    }

    [Fact]
    public void Replays_change_nothing_and_a_dropped_database_is_rebuilt_the_same_in_postgres()
    {
        var v = ProjectionTests.Session();
        var db = Database();
        var projector = new HistoryProjector(db);
        projector.Open();
        foreach (var batch in v.Batches) projector.Apply(batch);
        var again = new HistoryProjector(db);
        Assert.Equal(v.Engine.LastSequence, again.Open());
        foreach (var batch in v.Batches) again.Apply(batch);
        ProjectionTests.CheckSession(new HistoryReader(db), v);
        db.Drop();
        var rebuilt = new HistoryProjector(db);
        Assert.Equal(0, rebuilt.Open());
        foreach (var batch in v.Batches) rebuilt.Apply(batch);
        ProjectionTests.CheckSession(new HistoryReader(db), v);
    }
}

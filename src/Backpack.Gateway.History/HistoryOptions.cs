namespace Backpack.Gateway.History;

/// <summary>The history database (section History; docs/history.md).</summary>
public sealed class HistoryOptions
{
    /// <summary>Keep the history (trades, candles, fills, orders, funding, transfers, liquidations) for the REST API and the page.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sqlite (embedded, a file in the data folder) or Postgres.</summary>
    public HistoryProvider Provider { get; set; } = HistoryProvider.Sqlite;

    /// <summary>
    /// Sqlite: the database file ("" = history.db beside the journal's folder, e.g. data/history.db).
    /// Postgres: an Npgsql connection string (Host=...;Database=...;Username=...).
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Event batches the projection may fall behind before it drops some (and says so: the history is then rebuilt from the journal at the next start).</summary>
    public int MaxBacklogBatches { get; set; } = 100_000;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Provider == HistoryProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString)) problems.Add("History:ConnectionString is required with Provider Postgres");
        if (MaxBacklogBatches < 1_000) problems.Add("History:MaxBacklogBatches must be at least 1000");
        return problems;
    }

    /// <summary>The database these options name; <paramref name="journalDirectory"/> places the default SQLite file.</summary>
    public HistoryDatabase Database(string journalDirectory) => Provider == HistoryProvider.Postgres
        ? new HistoryDatabase(HistoryProvider.Postgres, ConnectionString)
        : HistoryDatabase.Sqlite(ConnectionString.Length > 0 ? ConnectionString
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journalDirectory).TrimEnd(Path.DirectorySeparatorChar)) ?? ".", "history.db"));
}

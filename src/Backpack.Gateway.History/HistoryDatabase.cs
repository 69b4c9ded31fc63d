using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Backpack.Gateway.History;

/// <summary>Where the history lives: SQLite (a file in the data folder, no set-up) or a PostgreSQL server.</summary>
public enum HistoryProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The history database: one schema and one set of statements for both providers (they share
/// <c>BIGINT</c>, <c>TEXT</c>, <c>INSERT ... ON CONFLICT DO UPDATE</c> with <c>excluded</c>, and
/// <c>@name</c> parameters). Values are stored in engine units, as the protocol carries them:
/// ticks, lots, micro-USDC, parts per billion, engine microseconds; the REST API converts.
/// </summary>
public sealed class HistoryDatabase
{
    public const int SchemaVersion = 3; // 2: insurance_fund; 3: liquidation_steps

    private readonly string _connectionString;

    public HistoryDatabase(HistoryProvider provider, string connectionString)
    {
        Provider = provider;
        _connectionString = connectionString;
    }

    public HistoryProvider Provider { get; }

    /// <summary>A SQLite database in <paramref name="path"/> (created with its folder if missing).</summary>
    public static HistoryDatabase Sqlite(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true };
        return new HistoryDatabase(HistoryProvider.Sqlite, builder.ToString());
    }

    public DbConnection Open()
    {
        DbConnection connection = Provider == HistoryProvider.Sqlite ? new SqliteConnection(_connectionString) : new NpgsqlConnection(_connectionString);
        connection.Open();
        if (Provider == HistoryProvider.Sqlite)
        {
            // WAL: readers (the REST API) never wait for the projector's transaction; NORMAL sync is
            // enough for a store that is rebuilt from the journal after a crash.
            Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        }
        return connection;
    }

    /// <summary>Creates the tables and indexes that are missing.</summary>
    public void EnsureSchema()
    {
        using var connection = Open();
        foreach (string statement in Schema) Execute(connection, null, statement);
        Execute(connection, null, "INSERT INTO history_meta (name, value) VALUES ('schema', @v) ON CONFLICT (name) DO NOTHING", ("v", SchemaVersion));
        long version = Scalar(connection, "SELECT value FROM history_meta WHERE name = 'schema'");
        if (version != SchemaVersion) throw new HistorySchemaException($"history database has schema {version}, this build writes {SchemaVersion}: delete it to rebuild from the journal");
    }

    /// <summary>Drops every table (the history is rebuilt from the journal).</summary>
    public void Drop()
    {
        using var connection = Open();
        foreach (string table in Tables) Execute(connection, null, $"DROP TABLE IF EXISTS {table}");
    }

    public static readonly string[] Tables =
        ["history_meta", "trades", "candles", "fills", "orders", "funding_rates", "funding_payments", "transfers", "liquidation_events", "insurance_fund", "liquidation_steps"];

    private static readonly string[] Schema =
    [
        "CREATE TABLE IF NOT EXISTS history_meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS trades (market INTEGER NOT NULL, trade_id BIGINT NOT NULL, price BIGINT NOT NULL, quantity BIGINT NOT NULL,
            taker_side INTEGER NOT NULL, origin INTEGER NOT NULL, time BIGINT NOT NULL, sequence BIGINT NOT NULL, PRIMARY KEY (market, trade_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS candles (market INTEGER NOT NULL, price_type INTEGER NOT NULL, interval TEXT NOT NULL, open_time BIGINT NOT NULL,
            open BIGINT NOT NULL, high BIGINT NOT NULL, low BIGINT NOT NULL, close BIGINT NOT NULL, volume BIGINT NOT NULL, quote_volume BIGINT NOT NULL,
            trades BIGINT NOT NULL, PRIMARY KEY (market, price_type, interval, open_time))
        """,
        """
        CREATE TABLE IF NOT EXISTS fills (account INTEGER NOT NULL, trade_id BIGINT NOT NULL, order_id BIGINT NOT NULL, market INTEGER NOT NULL,
            client_order_id BIGINT NOT NULL, side INTEGER NOT NULL, price BIGINT NOT NULL, quantity BIGINT NOT NULL, fee BIGINT NOT NULL,
            liquidity INTEGER NOT NULL, origin INTEGER NOT NULL, liquidation_id BIGINT NOT NULL, time BIGINT NOT NULL, sequence BIGINT NOT NULL,
            PRIMARY KEY (account, trade_id, order_id))
        """,
        "CREATE INDEX IF NOT EXISTS fills_by_time ON fills (account, time)",
        """
        CREATE TABLE IF NOT EXISTS orders (order_id BIGINT PRIMARY KEY, account INTEGER NOT NULL, market INTEGER NOT NULL, client_order_id BIGINT NOT NULL,
            side INTEGER NOT NULL, order_type INTEGER NOT NULL, time_in_force INTEGER NOT NULL, price BIGINT NOT NULL, quantity BIGINT NOT NULL,
            filled BIGINT NOT NULL, filled_quote BIGINT NOT NULL, flags INTEGER NOT NULL, stp INTEGER NOT NULL, origin INTEGER NOT NULL,
            trigger_price BIGINT NOT NULL, trigger_by INTEGER NOT NULL, trigger_kind INTEGER NOT NULL, parent_order_id BIGINT NOT NULL,
            status TEXT NOT NULL, reason TEXT, created BIGINT NOT NULL, updated BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS orders_by_account ON orders (account, created)",
        """
        CREATE TABLE IF NOT EXISTS funding_rates (market INTEGER NOT NULL, interval_end BIGINT NOT NULL, rate BIGINT NOT NULL,
            PRIMARY KEY (market, interval_end))
        """,
        """
        CREATE TABLE IF NOT EXISTS funding_payments (account INTEGER NOT NULL, market INTEGER NOT NULL, interval_end BIGINT NOT NULL, rate BIGINT NOT NULL,
            quantity BIGINT NOT NULL, mark_price BIGINT NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (account, market, interval_end))
        """,
        """
        CREATE TABLE IF NOT EXISTS transfers (sequence BIGINT NOT NULL, account INTEGER NOT NULL, kind TEXT NOT NULL, amount BIGINT NOT NULL,
            balance BIGINT NOT NULL, time BIGINT NOT NULL, PRIMARY KEY (sequence, account, kind))
        """,
        """
        CREATE TABLE IF NOT EXISTS liquidation_events (sequence BIGINT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, account INTEGER NOT NULL,
            liquidation_id BIGINT NOT NULL, market INTEGER NOT NULL, stage INTEGER NOT NULL, side INTEGER NOT NULL, price BIGINT NOT NULL,
            quantity BIGINT NOT NULL, trade_id BIGINT NOT NULL, counterparty INTEGER NOT NULL, detail BIGINT NOT NULL, time BIGINT NOT NULL,
            PRIMARY KEY (sequence, position))
        """,
        "CREATE INDEX IF NOT EXISTS liquidation_events_by_account ON liquidation_events (account, time)",
        """
        CREATE TABLE IF NOT EXISTS insurance_fund (sequence BIGINT NOT NULL, position INTEGER NOT NULL, change BIGINT NOT NULL, balance BIGINT NOT NULL,
            reason TEXT NOT NULL, liquidation_id BIGINT NOT NULL, time BIGINT NOT NULL, PRIMARY KEY (sequence, position))
        """,
        "CREATE INDEX IF NOT EXISTS insurance_fund_by_time ON insurance_fund (time)",
        """
        CREATE TABLE IF NOT EXISTS liquidation_steps (sequence BIGINT NOT NULL, position INTEGER NOT NULL, liquidation_id BIGINT NOT NULL, account INTEGER NOT NULL,
            market INTEGER NOT NULL, action INTEGER NOT NULL, mark_price BIGINT NOT NULL, index_price BIGINT NOT NULL, equity BIGINT NOT NULL,
            maintenance_margin BIGINT NOT NULL, notional BIGINT NOT NULL, urgency BIGINT NOT NULL, limit_price BIGINT NOT NULL, band_depth BIGINT NOT NULL,
            quantity BIGINT NOT NULL, bankruptcy_price BIGINT NOT NULL, time BIGINT NOT NULL, PRIMARY KEY (sequence, position))
        """,
        "CREATE INDEX IF NOT EXISTS liquidation_steps_by_id ON liquidation_steps (liquidation_id)",
        "CREATE INDEX IF NOT EXISTS liquidation_events_by_id ON liquidation_events (liquidation_id)",
    ];

    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) Add(command, name, value);
        return command.ExecuteNonQuery();
    }

    public static long Scalar(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) Add(command, name, value);
        object? result = command.ExecuteScalar();
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>The database was written by a build with another schema: it is rebuilt from the journal.</summary>
public sealed class HistorySchemaException(string message) : Exception(message);
